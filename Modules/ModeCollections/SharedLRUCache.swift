import ModeConcurrencyHelpers
import Synchronization

/// An ``LRUCache`` that many tasks can share: every operation takes a lock.
///
/// It has the semantics of ``LRUCache`` (reads and writes refresh recency; storing a new key in a full
/// cache evicts the least recently used entry; overwriting never evicts) and is the Swift form of Python
/// Mode's `LRUCache(thread_safety=True)`. Each method is atomic; a read followed by a write is two
/// operations, so use ``incr(_:by:)`` for counters rather than reading and writing back.
///
/// ```swift
/// let sessions = try SharedLRUCache<String, Int>(limit: 10_000)
/// await withTaskGroup { group in
///     for user in ["ada", "grace"] {
///         group.addTask { sessions[user] = 0 }
///     }
/// }
/// ```
///
/// Why two types: ``LRUCache`` is a lock-free value type for a single owner (an actor's state needs no
/// second lock), and this class adds one lock for sharing. No user code ever runs under the lock.
///
/// `Sendable`: safe to call from any task.
public final class SharedLRUCache<Key: Hashable & Sendable, Value: Sendable>: Sendable {
    private let state: Locked<LRUCache<Key, Value>>


    /// The most entries the cache keeps, or `nil` when it is unbounded.
    public let limit: Int?

    /// Creates an unbounded shared cache.
    public init() {
        self.state = Locked(LRUCache())
        self.limit = nil
    }

    /// Creates a shared cache that keeps at most `limit` entries.
    ///
    /// - Parameter limit: The most entries to keep; 1 or more.
    /// - Throws: ``CollectionsError`` with code `.invalidLimit` when `limit` is below
    ///   1.
    public init(limit: Int) throws {
        self.state = Locked(try LRUCache(limit: limit))
        self.limit = limit
    }

    /// The number of entries at the moment of the call.
    public var count: Int { self.locked { $0.count } }

    /// Whether the cache was empty at the moment of the call.
    public var isEmpty: Bool { self.locked { $0.isEmpty } }

    /// A snapshot of the keys, least recently used first.
    public var keys: [Key] { self.locked { $0.keys } }

    /// A snapshot of the values, in the same order as ``keys``.
    public var values: [Value] { self.locked { $0.values } }

    /// A snapshot of the entries, least recently used first (Python's `items()`).
    public var entries: [(key: Key, value: Value)] { self.locked { Array($0) } }

    /// Reads or writes the value for `key`, as ``LRUCache``'s subscript does.
    ///
    /// - Parameter key: The key to look up.
    public subscript(key: Key) -> Value? {
        get {
            self.value(forKey: key)
        }
        set {
            self.locked { $0[key] = newValue }
        }
    }

    /// Returns the value for `key` and marks `key` as the most recently used.
    ///
    /// - Parameter key: The key to look up.
    /// - Returns: The value, or `nil` if `key` is not cached.
    public func value(forKey key: Key) -> Value? {
        self.locked { $0.value(forKey: key) }
    }

    /// Returns the value for `key` without changing recency.
    ///
    /// - Parameter key: The key to look up.
    /// - Returns: The value, or `nil` if `key` is not cached.
    public func peekValue(forKey key: Key) -> Value? {
        self.locked { $0.peekValue(forKey: key) }
    }

    /// Whether `key` is cached; does not change recency.
    ///
    /// - Parameter key: The key to look for.
    /// - Returns: `true` if `key` was cached at the moment of the call.
    public func contains(_ key: Key) -> Bool {
        self.locked { $0.contains(key) }
    }

    /// Stores `value` for `key`, as ``LRUCache/updateValue(_:forKey:)`` does.
    ///
    /// - Parameters:
    ///   - value: The value to store.
    ///   - key: The key to store it under.
    /// - Returns: The value it replaced, or `nil` if `key` was new.
    @discardableResult
    public func updateValue(_ value: Value, forKey key: Key) -> Value? {
        self.locked { $0.updateValue(value, forKey: key) }
    }

    /// Stores every pair of `other` in one atomic step.
    ///
    /// - Parameter other: The entries to store.
    public func update(_ other: [Key: Value]) {
        self.locked { $0.update(other) }
    }

    /// Stores `pairs` in order in one atomic step; the sequence is copied before the lock is taken.
    ///
    /// - Parameter pairs: The entries to store.
    public func update(_ pairs: some Sequence<(Key, Value)>) {
        let pairs = Array(pairs)
        self.locked { $0.update(pairs) }
    }

    /// Removes `key`.
    ///
    /// - Parameter key: The key to remove.
    /// - Returns: The removed value, or `nil` if `key` was not cached.
    @discardableResult
    public func removeValue(forKey key: Key) -> Value? {
        self.locked { $0.removeValue(forKey: key) }
    }

    /// Removes and returns the least recently used entry.
    ///
    /// - Returns: The entry, or `nil` if the cache is empty.
    @discardableResult
    public func popFirst() -> (key: Key, value: Value)? {
        self.locked { $0.popFirst() }
    }

    /// Removes and returns the most recently used entry (Python's `popitem()`).
    ///
    /// - Returns: The entry, or `nil` if the cache is empty.
    @discardableResult
    public func popLast() -> (key: Key, value: Value)? {
        self.locked { $0.popLast() }
    }

    /// Removes every entry; the limit stays.
    public func removeAll() {
        self.locked { $0.removeAll() }
    }
}

extension SharedLRUCache {
    /// Runs `body` on the cache under the lock.
    private func locked<Result: Sendable, Failure: Error>(
        _ body: (inout LRUCache<Key, Value>) throws(Failure) -> Result
    ) throws(Failure) -> Result {
        try self.state.withLock { cache throws(Failure) in
            return try body(&cache)
        }
    }
}

extension SharedLRUCache where Value == Int {
    /// Atomically adds `delta` to the integer stored for `key` and returns the sum, as
    /// ``LRUCache/incr(_:by:)`` does.
    ///
    /// - Parameters:
    ///   - key: The key whose value to change.
    ///   - delta: The amount to add; negative to decrement.
    /// - Returns: The new value.
    /// - Throws: ``CollectionsError`` with code `.keyNotFound` when `key` is not
    ///   cached, or ``CollectionsError`` `.overflow` when the sum leaves the range of `Int`.
    @discardableResult
    public func incr(_ key: Key, by delta: Int = 1) throws -> Int {
        try self.locked { cache in try cache.incr(key, by: delta) }
    }
}
