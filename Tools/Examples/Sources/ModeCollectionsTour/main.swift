// A tour of ModeCollections: managed collections with mutation hooks, and an LRU cache.
import ModeCollections
import Synchronization

/// Collects the hook calls, from any task.
final class Changelog: Sendable {
    private let lines = Mutex<[String]>([])
    func send(_ line: String) { self.lines.withLock { $0.append(line) } }
    var all: [String] { self.lines.withLock { $0 } }
}

// ManagedDictionary: typed hooks run before each change (Python Mode's ManagedUserDict).
let changelog = Changelog()
var table = ManagedDictionary<String, Int>(
    hooks: .init(
        onKeySet: { key, value in changelog.send("set \(key)=\(value)") },
        onKeyDelete: { key in changelog.send("delete \(key)") },
        onClear: { changelog.send("clear") }
    )
)
table["apples"] = 3
table["pears", default: 0] += 2
table.update([("plums", 1), ("apples", 4)])
table["pears"] = nil
table.rawUpdate(["figs": 9])  // no hook: for bulk loads
print("table:", table.dictionary.sorted { $0.key < $1.key })

// ManagedSet: add/discard hooks and one onChange per bulk operation (Python Mode's ManagedUserSet).
var members = ManagedSet<String>(
    hooks: .init(
        onAdd: { changelog.send("joined \($0)") },
        onDiscard: { changelog.send("left \($0)") },
        onChange: { added, removed in changelog.send("change +\(added.sorted()) -\(removed.sorted())") }
    )
)
members.insert("ada")
members.insert("ada")  // already present: no hook
members.formUnion(["grace", "linus"])
members.remove("linus")  // Python Mode's remove() forgot this hook
print("members:", members.elements.sorted())
print("changelog:")
for line in changelog.all { print("  " + line) }

// LRUCache: a value type for one owner. Overwriting at capacity keeps the size and refreshes recency.
var cache = try LRUCache<String, Int>(limit: 2)
cache["a"] = 1
cache["b"] = 2
cache["a"] = 10  // "a" is now the most recent; nothing is evicted
cache["c"] = 3  // evicts "b"
print("cache:", cache)

// SharedLRUCache: the same cache behind a Mutex, for many tasks.
let hits = try SharedLRUCache<String, Int>(limit: 100)
hits["/"] = 0
try await withThrowingTaskGroup { group in
    for _ in 0..<8 {
        group.addTask { for _ in 0..<100 { try hits.incr("/") } }
    }
    try await group.waitForAll()
}
print("hits on /:", hits["/"] ?? 0)

// Heap: swift-collections' min-max heap, re-exported by ModeCollections (Python Mode's Heap).
var heap: Heap = [7, 3, 9, 1]
heap.insert(4)  // push
let smallest = heap.popMin()  // pop: 1 (nil when empty)
let pushed = heap.pushPopMin(2)  // pushpop: 2 is smaller than every element, so it comes straight back
let replaced = heap.popMinAndInsert(8)  // replace: pops 3, then inserts 8
let threeSmallest = Array(heap.unordered.sorted().prefix(3))  // nsmallest(3), heap untouched
print("heap:", smallest ?? -1, pushed, replaced ?? -1, threeSmallest, "max:", heap.max ?? -1)
