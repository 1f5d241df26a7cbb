import ModeCollections
import ModeConcurrencyHelpers
import Testing

@Suite
struct LRUCacheTests {
    @Test func evictsTheLeastRecentlyUsedKey() throws {
        var cache = try LRUCache<String, Int>(limit: 2)
        cache["a"] = 1
        cache["b"] = 2
        #expect(cache["a"] == 1)  // refreshes "a"
        cache["c"] = 3
        #expect(cache.keys == ["a", "c"])
        #expect(cache.values == [1, 3])
        #expect(!cache.contains("b"))
    }

    @Test func overwritingAtCapacityKeepsTheSizeAndRefreshesRecency() throws {
        // Python Mode evicts on overwrite at capacity (the cache shrinks) and does not refresh recency.
        var cache = try LRUCache<String, Int>(limit: 3)
        cache.update([("a", 1), ("b", 2), ("c", 3)])
        #expect(cache.updateValue(10, forKey: "a") == 1)
        #expect(cache.count == 3)
        #expect(cache.keys == ["b", "c", "a"])
        cache["d"] = 4  // evicts "b", not the freshly written "a"
        #expect(cache.keys == ["c", "a", "d"])
        #expect(cache.peekValue(forKey: "a") == 10)
    }

    @Test func peekAndContainsDoNotRefresh() throws {
        var cache = try LRUCache<String, Int>(limit: 2)
        cache["a"] = 1
        cache["b"] = 2
        #expect(cache.peekValue(forKey: "a") == 1)
        #expect(cache.contains("a"))
        #expect(cache.peekValue(forKey: "zz") == nil)
        cache["c"] = 3
        #expect(cache.keys == ["b", "c"])
    }

    @Test func readingAMissingKeyChangesNothing() throws {
        var cache = try LRUCache<String, Int>(limit: 2)
        cache["a"] = 1
        #expect(cache.value(forKey: "x") == nil)
        #expect(cache["x"] == nil)
        #expect(cache.keys == ["a"])
    }

    @Test func updateStoresInOrderThenTrimsToTheLimit() throws {
        var cache = try LRUCache<Int, String>(limit: 3)
        cache[0] = "zero"
        cache.update((1...5).map { ($0, "v\($0)") })
        #expect(cache.keys == [3, 4, 5])
        cache.update([9: "nine"])
        #expect(cache.keys == [4, 5, 9])
    }

    @Test func popFirstAndPopLast() throws {
        var cache = LRUCache<String, Int>()
        cache.update([("a", 1), ("b", 2), ("c", 3)])
        #expect(cache.popLast()! == ("c", 3))  // Python's popitem()
        #expect(cache.popFirst()! == ("a", 1))  // Python's popitem(last=False)
        #expect(cache.popFirst()! == ("b", 2))
        #expect(cache.popFirst() == nil)
        #expect(cache.popLast() == nil)
        #expect(cache.isEmpty)
    }

    @Test func removeValueAndRemoveAll() throws {
        var cache = try LRUCache<String, Int>(limit: 5)
        cache.update([("a", 1), ("b", 2), ("c", 3)])
        #expect(cache.removeValue(forKey: "b") == 2)
        #expect(cache.removeValue(forKey: "b") == nil)
        cache["a"] = nil
        #expect(cache.keys == ["c"])
        cache.removeAll()
        #expect(cache.isEmpty)
        #expect(cache.limit == 5)
        cache.update([("x", 1), ("y", 2)])
        #expect(cache.keys == ["x", "y"])
    }

    @Test func unboundedCacheNeverEvicts() {
        var cache = LRUCache<Int, Int>()
        for key in 0..<1_000 { cache[key] = key }
        #expect(cache.count == 1_000)
        #expect(cache.limit == nil)
    }

    @Test(arguments: [0, -1, Int.min])
    func limitBelowOneThrows(limit: Int) throws {
        let error = try #require(throws: CollectionsError.self) { try LRUCache<String, Int>(limit: limit) }
        #expect(error.code == .invalidLimit)
        #expect(error.description.contains("\(limit)"))
        #expect(throws: CollectionsError.invalidLimit(limit)) { try SharedLRUCache<String, Int>(limit: limit) }
    }

    @Test func incrStoresAndReturnsAnIntAndRefreshes() throws {
        var cache = try LRUCache<String, Int>(limit: 2)
        cache["hits"] = 41
        cache["misses"] = 0
        #expect(try cache.incr("hits") == 42)
        #expect(try cache.incr("hits", by: -2) == 40)
        #expect(cache.peekValue(forKey: "hits") == 40)
        #expect(cache.keys == ["misses", "hits"])
        cache["other"] = 1  // evicts "misses", not the just-incremented "hits"
        #expect(cache.keys == ["hits", "other"])
    }

    @Test func incrOfAMissingKeyThrows() throws {
        var cache = LRUCache<String, Int>()
        let error = try #require(throws: CollectionsError.self) { try cache.incr("nope") }
        #expect(error.code == .keyNotFound)
        #expect(error.message.contains("nope"))
        #expect(cache.isEmpty)
    }

    @Test func incrOverflowThrowsAndKeepsTheValue() throws {
        var cache = LRUCache<String, Int>()
        cache["big"] = Int.max
        #expect(throws: CollectionsError.overflow(Int.max, adding: 1)) { try cache.incr("big") }
        cache["small"] = Int.min
        #expect(throws: CollectionsError.overflow(Int.min, adding: -1)) { try cache.incr("small", by: -1) }
        #expect(cache.peekValue(forKey: "big") == Int.max)
    }

    @Test func iterationIsASnapshotOldestFirst() throws {
        var cache = try LRUCache<String, Int>(limit: 3)
        cache.update([("a", 1), ("b", 2)])
        var iterator = cache.makeIterator()
        cache["c"] = 3
        #expect(iterator.next()! == ("a", 1))
        #expect(iterator.next()! == ("b", 2))
        #expect(iterator.next() == nil)
        #expect(cache.description == "LRUCache(limit: 3, [a: 1, b: 2, c: 3])")
    }

    /// Runs a long pseudo-random sequence of operations against a simple array model of the semantics.
    @Test(arguments: [1, 2, 5, 16])
    func matchesAReferenceModel(limit: Int) throws {
        var cache = try LRUCache<Int, Int>(limit: limit)
        var model: [(key: Int, value: Int)] = []  // oldest first
        var random = SplitMix64(seed: UInt64(limit))
        for step in 0..<5_000 {
            let key = Int(random.next() % 24)
            switch random.next() % 6 {
            case 0, 1:
                cache[key] = step
                if let index = model.firstIndex(where: { $0.key == key }) {
                    model.remove(at: index)
                } else if model.count >= limit {
                    model.removeFirst()
                }
                model.append((key, step))
            case 2:
                let expected = model.firstIndex { $0.key == key }.map { model.remove(at: $0) }
                if let expected { model.append(expected) }
                #expect(cache[key] == expected?.value)
            case 3:
                let expected = model.firstIndex { $0.key == key }.map { model.remove(at: $0) }
                #expect(cache.removeValue(forKey: key) == expected?.value)
            case 4:
                #expect(cache.popFirst()?.key == (model.isEmpty ? nil : model.removeFirst().key))
            default:
                #expect(cache.popLast()?.key == model.popLast()?.key)
            }
            #expect(cache.count == model.count)
            #expect(cache.count <= limit)
        }
        #expect(cache.keys == model.map(\.key))
        #expect(cache.values == model.map(\.value))
    }
}

