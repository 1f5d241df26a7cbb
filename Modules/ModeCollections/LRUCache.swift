/// A key-value cache that keeps at most `limit` entries and evicts the least recently used one: Python
/// Mode's `LRUCache`.
///
/// Reading a value (``value(forKey:)`` or the subscript) and writing one both make the key the most
/// recently used. When a **new** key is stored while the cache is full, the least recently used entry is
/// evicted first; overwriting an existing key never evicts anything. ``peekValue(forKey:)`` and
/// ``contains(_:)`` look without touching recency. Every operation is O(1) (amortized): entries sit in a
/// doubly linked list inside an array, indexed by a dictionary.
///
/// ```swift
/// var cache = try LRUCache<String, Int>(limit: 2)
/// cache["a"] = 1
/// cache["b"] = 2
/// _ = cache["a"]     // "a" is now the most recently used
/// cache["c"] = 3     // evicts "b", the least recently used
/// cache.keys         // ["a", "c"], oldest first
/// ```
///
/// Two defects of the original are fixed: overwriting a key in a full cache no longer evicts another
/// entry (the cache kept shrinking), and it refreshes the key's recency (the original left it in place).
///
/// This is a value type for one owner, for example an actor's state or a local variable: it takes no lock.
/// To share one cache between tasks, use ``SharedLRUCache``, which wraps this type in a lock.
/// `Sendable` when `Key` and `Value` are.
public struct LRUCache<Key: Hashable, Value> {
    fileprivate struct Node {
        var key: Key
        var value: Value
        var older: Int
        var newer: Int
    }

    /// Marks the end of the list in `older`/`newer`/`oldest`/`newest`.
    private static var none: Int { -1 }

    /// The most entries the cache keeps, or `nil` when it is unbounded.
    public let limit: Int?

    private var slots: [Node?] = []
    private var freeSlots: [Int] = []
    private var positions: [Key: Int] = [:]
    private var oldest = LRUCache.none
    private var newest = LRUCache.none

    /// Creates an unbounded cache (Python's `LRUCache()` or `LRUCache(limit=0)`).
    public init() {
        self.limit = nil
    }

    /// Creates a cache that keeps at most `limit` entries.
    ///
    /// - Parameter limit: The most entries to keep; 1 or more.
    /// - Throws: ``CollectionsError`` with code `.invalidLimit` when `limit` is below
    ///   1. (Python treats 0 as "unbounded"; use ``init()`` for that.)
    public init(limit: Int) throws {
        guard limit >= 1 else { throw CollectionsError.invalidLimit(limit) }
        self.limit = limit
    }

    /// The number of entries.
    public var count: Int { self.positions.count }

    /// Whether the cache is empty.
    public var isEmpty: Bool { self.positions.isEmpty }

    /// The keys, least recently used first; reading them does not change recency.
    public var keys: [Key] { self.map(\.key) }

    /// The values, in the same order as ``keys``.
    public var values: [Value] { self.map(\.value) }

    /// Reads or writes the value for `key`.
    ///
    /// Reading is ``value(forKey:)`` (it marks `key` as most recently used, so it needs a `var`); writing a
    /// value is ``updateValue(_:forKey:)``; writing `nil` is ``removeValue(forKey:)``.
    ///
    /// - Parameter key: The key to look up.
    public subscript(key: Key) -> Value? {
        mutating get {
            self.value(forKey: key)
        }
        set {
            if let newValue {
                self.updateValue(newValue, forKey: key)
            } else {
                self.removeValue(forKey: key)
            }
        }
    }

    /// Returns the value for `key` and marks `key` as the most recently used.
    ///
    /// - Parameter key: The key to look up.
    /// - Returns: The value, or `nil` if `key` is not cached.
    public mutating func value(forKey key: Key) -> Value? {
        guard let slot = self.positions[key] else { return nil }
        self.touch(slot)
        return self.slots[slot]!.value
    }

    /// Returns the value for `key` without changing recency.
    ///
    /// - Parameter key: The key to look up.
    /// - Returns: The value, or `nil` if `key` is not cached.
    public func peekValue(forKey key: Key) -> Value? {
        self.positions[key].map { self.slots[$0]!.value }
    }

    /// Whether `key` is cached; does not change recency (Python's `key in cache`).
    ///
    /// - Parameter key: The key to look for.
    /// - Returns: `true` if `key` is cached.
    public func contains(_ key: Key) -> Bool {
        self.positions[key] != nil
    }

    /// Stores `value` for `key` and marks `key` as the most recently used.
    ///
    /// If `key` is new and the cache is full, the least recently used entry is evicted first. Overwriting an
    /// existing key keeps the size.
    ///
    /// - Parameters:
    ///   - value: The value to store.
    ///   - key: The key to store it under.
    /// - Returns: The value it replaced, or `nil` if `key` was new.
    @discardableResult
    public mutating func updateValue(_ value: Value, forKey key: Key) -> Value? {
        if let slot = self.positions[key] {
            let old = self.slots[slot]!.value
            self.slots[slot]!.value = value
            self.touch(slot)
            return old
        }
        if let limit = self.limit, self.count >= limit {
            self.popFirst()
        }
        let node = Node(key: key, value: value, older: Self.none, newer: Self.none)
        let slot: Int
        if let free = self.freeSlots.popLast() {
            slot = free
            self.slots[slot] = node
        } else {
            slot = self.slots.count
            self.slots.append(node)
        }
        self.positions[key] = slot
        self.linkAsNewest(slot)
        return nil
    }

    /// Stores every pair of `other` as ``updateValue(_:forKey:)`` does, in the dictionary's order.
    ///
    /// - Parameter other: The entries to store.
    public mutating func update(_ other: [Key: Value]) {
        for (key, value) in other { self.updateValue(value, forKey: key) }
    }

    /// Stores `pairs` in order as ``updateValue(_:forKey:)`` does, so the last pairs are the most recent.
    ///
    /// The result is Python's `update` (store all, then trim the oldest down to the limit), with recency
    /// refreshed for overwritten keys.
    ///
    /// - Parameter pairs: The entries to store.
    public mutating func update(_ pairs: some Sequence<(Key, Value)>) {
        for (key, value) in pairs { self.updateValue(value, forKey: key) }
    }

    /// Removes `key`.
    ///
    /// - Parameter key: The key to remove.
    /// - Returns: The removed value, or `nil` if `key` was not cached.
    @discardableResult
    public mutating func removeValue(forKey key: Key) -> Value? {
        guard let slot = self.positions[key] else { return nil }
        return self.release(slot).value
    }

    /// Removes and returns the least recently used entry (Python's `popitem(last=False)`).
    ///
    /// - Returns: The entry, or `nil` if the cache is empty.
    @discardableResult
    public mutating func popFirst() -> (key: Key, value: Value)? {
        self.oldest == Self.none ? nil : self.release(self.oldest)
    }

    /// Removes and returns the most recently used entry (Python's `popitem()`).
    ///
    /// - Returns: The entry, or `nil` if the cache is empty.
    @discardableResult
    public mutating func popLast() -> (key: Key, value: Value)? {
        self.newest == Self.none ? nil : self.release(self.newest)
    }

    /// Removes every entry; the limit stays.
    public mutating func removeAll() {
        self.slots = []
        self.freeSlots = []
        self.positions = [:]
        self.oldest = Self.none
        self.newest = Self.none
    }

    private mutating func touch(_ slot: Int) {
        guard slot != self.newest else { return }
        self.unlink(slot)
        self.linkAsNewest(slot)
    }

    private mutating func unlink(_ slot: Int) {
        let node = self.slots[slot]!
        if node.older == Self.none {
            self.oldest = node.newer
        } else {
            self.slots[node.older]!.newer = node.newer
        }
        if node.newer == Self.none {
            self.newest = node.older
        } else {
            self.slots[node.newer]!.older = node.older
        }
    }

    private mutating func linkAsNewest(_ slot: Int) {
        self.slots[slot]!.older = self.newest
        self.slots[slot]!.newer = Self.none
        if self.newest == Self.none {
            self.oldest = slot
        } else {
            self.slots[self.newest]!.newer = slot
        }
        self.newest = slot
    }

    private mutating func release(_ slot: Int) -> (key: Key, value: Value) {
        self.unlink(slot)
        let node = self.slots[slot]!
        self.slots[slot] = nil
        self.freeSlots.append(slot)
        self.positions[node.key] = nil
        return (node.key, node.value)
    }
}

extension LRUCache where Value == Int {
    /// Adds `delta` to the integer stored for `key` and returns the sum (Python's `incr`).
    ///
    /// Python Mode stores the result as a string (memcached style) and returns an `int`; here the cache
    /// holds `Int` values, so the sum is stored and returned as an `Int`. The key becomes the most recently
    /// used. The cache never grows: `key` must already be there.
    ///
    /// - Parameters:
    ///   - key: The key whose value to change.
    ///   - delta: The amount to add; negative to decrement.
    /// - Returns: The new value.
    /// - Throws: ``CollectionsError`` with code `.keyNotFound` when `key` is not
    ///   cached, or ``CollectionsError`` `.overflow` when the sum leaves the range of `Int` (the stored
    ///   value is then unchanged).
    @discardableResult
    public mutating func incr(_ key: Key, by delta: Int = 1) throws -> Int {
        guard let current = self.peekValue(forKey: key) else {
            throw CollectionsError.keyNotFound(String(describing: key))
        }
        let (sum, overflow) = current.addingReportingOverflow(delta)
        guard !overflow else { throw CollectionsError.overflow(current, adding: delta) }
        self.updateValue(sum, forKey: key)
        return sum
    }
}

extension LRUCache: Sequence {
    /// Iterates the entries, least recently used first, without changing recency.
    ///
    /// It walks a copy of the cache taken when it was made, so later changes to the cache do not affect
    /// it. `Sendable` when `Key` and `Value` are.
    public struct Iterator: IteratorProtocol {
        private let slots: [Node?]
        private var cursor: Int

        fileprivate init(slots: [Node?], oldest: Int) {
            self.slots = slots
            self.cursor = oldest
        }

        /// Returns the next entry, or `nil` after the most recently used one.
        ///
        /// - Returns: The next entry, or `nil`.
        public mutating func next() -> (key: Key, value: Value)? {
            guard self.cursor != LRUCache.none, let node = self.slots[self.cursor] else { return nil }
            self.cursor = node.newer
            return (node.key, node.value)
        }
    }

    /// Makes an iterator over a snapshot of the entries, least recently used first.
    ///
    /// - Returns: A new iterator.
    public func makeIterator() -> Iterator {
        Iterator(slots: self.slots, oldest: self.oldest)
    }

    /// The number of entries.
    public var underestimatedCount: Int { self.count }
}

extension LRUCache: CustomStringConvertible {
    /// The entries, least recently used first, and the limit.
    public var description: String {
        let entries = self.map { "\($0.key): \($0.value)" }.joined(separator: ", ")
        return "LRUCache(limit: \(self.limit.map(String.init) ?? "nil"), [\(entries)])"
    }
}

extension LRUCache: Sendable where Key: Sendable, Value: Sendable {}

extension LRUCache.Node: Sendable where Key: Sendable, Value: Sendable {}

extension LRUCache.Iterator: Sendable where Key: Sendable, Value: Sendable {}
