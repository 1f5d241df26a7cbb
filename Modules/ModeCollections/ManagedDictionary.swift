/// A dictionary that calls your hooks before every read and mutation: Python Mode's `ManagedUserDict`.
///
/// Give it ``Hooks`` when you make it; each hook is optional and typed with the dictionary's `Key` and
/// `Value`. A hook runs **before** the operation it announces, synchronously, on the task that performs the
/// operation, exactly once per call:
///
/// | operation | hook |
/// |---|---|
/// | `dict[key]`, `dict[key, default: …]` | ``Hooks/onKeyGet``, also for a missing key |
/// | `dict[key] = value`, ``updateValue(_:forKey:)`` | ``Hooks/onKeySet``, also when the value is unchanged |
/// | `dict[key] = nil`, ``removeValue(forKey:)`` | ``Hooks/onKeyDelete``, only if `key` is present |
/// | ``removeAll()`` | ``Hooks/onClear``, also when already empty |
/// | `update(_:)` | ``Hooks/onKeySet`` for every pair, in order, then the writes |
/// | `rawUpdate(_:)` | none: the escape hatch for bulk loads |
///
/// Reading ``count``, ``keys``, ``values`` or ``dictionary``, and iterating, call no hook (as in Python).
/// An in-place change such as `dict["hits", default: 0] += 1` is a read followed by a write, so it calls
/// ``Hooks/onKeyGet`` and then ``Hooks/onKeySet``.
///
/// ```swift
/// var table = ManagedDictionary<String, Int>(hooks: .init(
///     onKeySet: { key, value in changelog.send("\(key)=\(value)") },
///     onKeyDelete: { key in changelog.send("\(key) deleted") }
/// ))
/// table["apples"] = 3     // changelog gets "apples=3", then the value is stored
/// table["apples"] = nil   // changelog gets "apples deleted", then the key is removed
/// ```
///
/// It is a value type: a copy has its own contents and the same hooks. Hooks cannot see the dictionary
/// (they run before the change, and a value type has no identity to hand them); they observe the change
/// through their arguments. Equality compares contents only.
///
/// `Sendable` when `Key` and `Value` are: hooks are `@Sendable` closures. Like any value type, one instance
/// must not be mutated from two tasks at once; share a copy or guard it with a lock or an actor.
public struct ManagedDictionary<Key: Hashable, Value> {
    /// The hooks a ``ManagedDictionary`` calls; every one is optional.
    ///
    /// `Sendable`: every hook is a `@Sendable` closure.
    public struct Hooks: Sendable {
        /// Called with the key before every read by subscript, present or not (Python's `on_key_get`).
        public var onKeyGet: (@Sendable (Key) -> Void)?

        /// Called with the key and new value before every write (Python's `on_key_set`).
        public var onKeySet: (@Sendable (Key, Value) -> Void)?

        /// Called with the key before a present key is removed (Python's `on_key_del`).
        public var onKeyDelete: (@Sendable (Key) -> Void)?

        /// Called before ``ManagedDictionary/removeAll()`` empties the dictionary (Python's `on_clear`).
        public var onClear: (@Sendable () -> Void)?

        /// Creates hooks; leave out the ones you do not need.
        ///
        /// - Parameters:
        ///   - onKeyGet: Called before every subscript read.
        ///   - onKeySet: Called before every write.
        ///   - onKeyDelete: Called before a present key is removed.
        ///   - onClear: Called before the dictionary is emptied.
        public init(
            onKeyGet: (@Sendable (Key) -> Void)? = nil,
            onKeySet: (@Sendable (Key, Value) -> Void)? = nil,
            onKeyDelete: (@Sendable (Key) -> Void)? = nil,
            onClear: (@Sendable () -> Void)? = nil
        ) {
            self.onKeyGet = onKeyGet
            self.onKeySet = onKeySet
            self.onKeyDelete = onKeyDelete
            self.onClear = onClear
        }
    }

    /// The contents, read without calling a hook (Python's `.data`).
    public private(set) var dictionary: [Key: Value]

    /// The hooks called by later operations; replace them at any time.
    public var hooks: Hooks

    /// Creates a managed dictionary holding `dictionary`; filling it calls no hook.
    ///
    /// - Parameters:
    ///   - dictionary: The starting contents.
    ///   - hooks: The hooks to call from now on.
    public init(_ dictionary: [Key: Value] = [:], hooks: Hooks = Hooks()) {
        self.dictionary = dictionary
        self.hooks = hooks
    }

    /// The number of entries; calls no hook.
    public var count: Int { self.dictionary.count }

    /// Whether the dictionary is empty; calls no hook.
    public var isEmpty: Bool { self.dictionary.isEmpty }

    /// The keys, in the dictionary's unspecified order; calls no hook.
    public var keys: Dictionary<Key, Value>.Keys { self.dictionary.keys }

    /// The values, in the same order as ``keys``; calls no hook.
    public var values: Dictionary<Key, Value>.Values { self.dictionary.values }

    /// Reads, writes or (with `nil`) removes the value for `key`, calling the matching hook first.
    ///
    /// Reading calls ``Hooks/onKeyGet`` even when `key` is missing. Writing a value calls
    /// ``Hooks/onKeySet``; writing `nil` calls ``Hooks/onKeyDelete`` if `key` was present.
    ///
    /// - Parameter key: The key to look up.
    public subscript(key: Key) -> Value? {
        get {
            self.hooks.onKeyGet?(key)
            return self.dictionary[key]
        }
        set {
            if let newValue {
                self.updateValue(newValue, forKey: key)
            } else {
                self.removeValue(forKey: key)
            }
        }
    }

    /// Reads or writes the value for `key`, using `defaultValue` when it is missing.
    ///
    /// Reading calls ``Hooks/onKeyGet`` and does not store `defaultValue` (Python's `__missing__`);
    /// writing calls ``Hooks/onKeySet``.
    ///
    /// - Parameters:
    ///   - key: The key to look up.
    ///   - defaultValue: The value to read when `key` is missing.
    public subscript(key: Key, default defaultValue: @autoclosure () -> Value) -> Value {
        get {
            self.hooks.onKeyGet?(key)
            return self.dictionary[key] ?? defaultValue()
        }
        set {
            self.updateValue(newValue, forKey: key)
        }
    }

    /// Stores `value` for `key` after calling ``Hooks/onKeySet``.
    ///
    /// - Parameters:
    ///   - value: The value to store.
    ///   - key: The key to store it under.
    /// - Returns: The value it replaced, or `nil` if `key` was new.
    @discardableResult
    public mutating func updateValue(_ value: Value, forKey key: Key) -> Value? {
        self.hooks.onKeySet?(key, value)
        return self.dictionary.updateValue(value, forKey: key)
    }

    /// Removes `key`, calling ``Hooks/onKeyDelete`` first if it is present.
    ///
    /// Unlike Python Mode, removing a missing key is not an error and calls no hook.
    ///
    /// - Parameter key: The key to remove.
    /// - Returns: The removed value, or `nil` if `key` was missing.
    @discardableResult
    public mutating func removeValue(forKey key: Key) -> Value? {
        guard self.dictionary.keys.contains(key) else { return nil }
        self.hooks.onKeyDelete?(key)
        return self.dictionary.removeValue(forKey: key)
    }

    /// Removes every entry after calling ``Hooks/onClear``, even if the dictionary is already empty.
    public mutating func removeAll() {
        self.hooks.onClear?()
        self.dictionary.removeAll()
    }

    /// Writes every pair of `other`, calling ``Hooks/onKeySet`` for each one before any is written.
    ///
    /// - Parameter other: The entries to write, replacing existing values.
    public mutating func update(_ other: [Key: Value]) {
        self.update(other.lazy.map { ($0.key, $0.value) })
    }

    /// Writes `pairs` in order, calling ``Hooks/onKeySet`` for each pair before any is written.
    ///
    /// This is Python's `update`: all the hooks run first, then all the writes. A key that appears twice
    /// ends with its last value, and its hook runs twice.
    ///
    /// - Parameter pairs: The entries to write, replacing existing values.
    public mutating func update(_ pairs: some Sequence<(Key, Value)>) {
        let pairs = Array(pairs)
        if let onKeySet = self.hooks.onKeySet {
            for (key, value) in pairs { onKeySet(key, value) }
        }
        self.rawUpdate(pairs)
    }

    /// Writes every pair of `other` without calling any hook (Python's `raw_update`).
    ///
    /// - Parameter other: The entries to write, replacing existing values.
    public mutating func rawUpdate(_ other: [Key: Value]) {
        self.dictionary.merge(other) { _, new in new }
    }

    /// Writes `pairs` in order without calling any hook (Python's `raw_update`).
    ///
    /// - Parameter pairs: The entries to write; a later pair for the same key wins.
    public mutating func rawUpdate(_ pairs: some Sequence<(Key, Value)>) {
        self.dictionary.merge(pairs) { _, new in new }
    }
}

extension ManagedDictionary: Sequence {
    /// Iterates the entries in the dictionary's unspecified order, calling no hook.
    ///
    /// - Returns: The underlying dictionary's iterator.
    public func makeIterator() -> Dictionary<Key, Value>.Iterator {
        self.dictionary.makeIterator()
    }

    /// The number of entries.
    public var underestimatedCount: Int { self.dictionary.count }
}

extension ManagedDictionary: ExpressibleByDictionaryLiteral {
    /// Creates a managed dictionary with no hooks from a literal; a repeated key keeps its last value.
    ///
    /// - Parameter elements: The key-value pairs.
    public init(dictionaryLiteral elements: (Key, Value)...) {
        self.init(Dictionary(elements) { _, new in new })
    }
}

extension ManagedDictionary: Equatable where Value: Equatable {
    /// Compares contents only; hooks are not compared.
    public static func == (lhs: Self, rhs: Self) -> Bool {
        lhs.dictionary == rhs.dictionary
    }
}

extension ManagedDictionary: CustomStringConvertible {
    /// The contents, written like a dictionary.
    public var description: String {
        self.dictionary.description
    }
}

extension ManagedDictionary: Sendable where Key: Sendable, Value: Sendable {}
