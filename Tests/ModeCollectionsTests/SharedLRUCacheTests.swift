import ModeCollections
import Synchronization
import Testing

@Suite(.timeLimit(.minutes(1)))
struct SharedLRUCacheTests {
    @Test func hasTheSemanticsOfLRUCache() throws {
        let cache = try SharedLRUCache<String, Int>(limit: 2)
        cache["a"] = 1
        cache["b"] = 2
        #expect(cache["a"] == 1)
        cache["c"] = 3
        #expect(cache.keys == ["a", "c"])
        #expect(cache.updateValue(5, forKey: "a") == 1)  // overwrite at capacity: no eviction, refreshed
        #expect(cache.count == 2)
        #expect(cache.keys == ["c", "a"])
        #expect(cache.peekValue(forKey: "c") == 3)
        #expect(cache.value(forKey: "zz") == nil)
        #expect(cache.contains("c") && !cache.contains("b"))
        #expect(cache.keys == ["c", "a"])
        #expect(cache.values == [3, 5])
        #expect(cache.entries.map(\.key) == ["c", "a"])
        #expect(cache.limit == 2)
    }

    @Test func bulkAndRemovalOperations() {
        let cache = SharedLRUCache<Int, String>()
        cache.update([(1, "one"), (2, "two"), (3, "three")])
        cache.update([4: "four"])
        #expect(cache.popLast()! == (4, "four"))
        #expect(cache.popFirst()! == (1, "one"))
        #expect(cache.removeValue(forKey: 2) == "two")
        cache[3] = nil
        #expect(cache.isEmpty)
        cache[5] = "five"
        cache.removeAll()
        #expect(cache.count == 0)
        #expect(cache.limit == nil)
    }

    @Test func incrThrowsLikeLRUCache() throws {
        let cache = SharedLRUCache<String, Int>()
        #expect(throws: CollectionsError.keyNotFound("x")) { try cache.incr("x") }
        cache["x"] = Int.max - 1
        #expect(try cache.incr("x") == Int.max)
        #expect(throws: CollectionsError.overflow(Int.max, adding: 1)) { try cache.incr("x") }
    }

    @Test func concurrentIncrementsAreNotLost() async throws {
        let cache = try SharedLRUCache<String, Int>(limit: 4)
        for counter in ["a", "b", "c", "d"] { cache[counter] = 0 }
        try await withThrowingTaskGroup { group in
            for worker in 0..<16 {
                group.addTask {
                    for round in 0..<500 {
                        try cache.incr(["a", "b", "c", "d"][(worker + round) % 4])
                    }
                }
            }
            try await group.waitForAll()
        }
        #expect(cache.values.reduce(0, +) == 16 * 500)
        for counter in ["a", "b", "c", "d"] { #expect(cache.peekValue(forKey: counter) == 16 * 500 / 4) }
    }

    @Test func concurrentProducersAndConsumersKeepTheLimit() async throws {
        let limit = 64
        let cache = try SharedLRUCache<Int, Int>(limit: limit)
        let producersDone = Flag()
        let (violations, consumed) = await withTaskGroup(of: (Int, Int).self) { group in
            group.addTask {
                await withTaskGroup { producers in
                    for producer in 0..<4 {
                        producers.addTask {
                            for value in 0..<2_000 { cache[producer * 10_000 + value] = value }
                        }
                    }
                }
                producersDone.set()
                return (0, 0)
            }
            for _ in 0..<4 {
                group.addTask {
                    var violations = 0
                    var consumed = 0
                    while !producersDone.isSet {
                        if cache.count > limit { violations += 1 }
                        for key in cache.keys.suffix(8) {
                            // Another consumer may pop the key in between: only a wrong value is a violation.
                            if let value = cache[key], value != key % 10_000 { violations += 1 }
                        }
                        if cache.popFirst() != nil { consumed += 1 }
                        await Task.yield()
                    }
                    return (violations, consumed)
                }
            }
            return await group.reduce((0, 0)) { ($0.0 + $1.0, $0.1 + $1.1) }
        }
        #expect(violations == 0)
        #expect(cache.count <= limit)
        #expect(consumed <= 4 * 2_000)
        let keys = cache.keys
        #expect(Set(keys).count == keys.count)
        #expect(keys.allSatisfy { cache.peekValue(forKey: $0) == $0 % 10_000 })
    }
}

/// A one-way flag set by one task and read by others.
final class Flag: Sendable {
    private let value = Atomic(false)
    var isSet: Bool { self.value.load(ordering: .acquiring) }
    func set() { self.value.store(true, ordering: .releasing) }
}
