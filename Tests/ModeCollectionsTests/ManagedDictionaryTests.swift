import ModeCollections
import ModeConcurrencyHelpers
import Testing

/// Records hook calls from any task.
final class EventLog<Event: Sendable>: Sendable {
    private let storage = Locked<[Event]>([])

    var events: [Event] { self.locked { $0 } }

    func record(_ event: Event) { self.locked { $0.append(event) } }

    private func locked<Result: Sendable>(_ body: (inout [Event]) -> Result) -> Result {
        self.storage.withLock { events in
            return body(&events)
        }
    }
}

enum DictEvent: Equatable, Sendable {
    case get(String)
    case set(String, Int)
    case delete(String)
    case clear
}

@Suite
struct ManagedDictionaryTests {
    let log = EventLog<DictEvent>()

    func makeDictionary(_ contents: [String: Int] = [:]) -> ManagedDictionary<String, Int> {
        let log = self.log
        return ManagedDictionary(
            contents,
            hooks: .init(
                onKeyGet: { log.record(.get($0)) },
                onKeySet: { log.record(.set($0, $1)) },
                onKeyDelete: { log.record(.delete($0)) },
                onClear: { log.record(.clear) }
            )
        )
    }

    @Test func readsCallOnKeyGetEvenForMissingKeys() {
        let dict = self.makeDictionary(["a": 1])
        #expect(dict["a"] == 1)
        #expect(dict["zz"] == nil)
        #expect(dict["zz", default: 7] == 7)
        #expect(self.log.events == [.get("a"), .get("zz"), .get("zz")])
        #expect(!dict.keys.contains("zz"))  // the default is not stored
    }

    @Test func writesCallOnKeySetEvenWhenUnchanged() {
        var dict = self.makeDictionary()
        dict["a"] = 1
        dict["a"] = 1
        #expect(dict.updateValue(2, forKey: "a") == 1)
        dict["b", default: 0] = 5
        #expect(self.log.events == [.set("a", 1), .set("a", 1), .set("a", 2), .set("b", 5)])
        #expect(dict.dictionary == ["a": 2, "b": 5])
    }

    @Test func inPlaceChangeIsAReadThenAWrite() {
        var dict = self.makeDictionary(["hits": 1])
        dict["hits", default: 0] += 1
        #expect(self.log.events == [.get("hits"), .set("hits", 2)])
        #expect(dict.dictionary["hits"] == 2)
    }

    @Test func deletesCallOnKeyDeleteOnlyForPresentKeys() {
        var dict = self.makeDictionary(["a": 1, "b": 2])
        dict["a"] = nil
        #expect(dict.removeValue(forKey: "b") == 2)
        #expect(dict.removeValue(forKey: "missing") == nil)
        dict["missing"] = nil
        #expect(self.log.events == [.delete("a"), .delete("b")])
        #expect(dict.isEmpty)
    }

    @Test func removeAllCallsOnClearEvenWhenEmpty() {
        var dict = self.makeDictionary(["a": 1])
        dict.removeAll()
        dict.removeAll()
        #expect(self.log.events == [.clear, .clear])
        #expect(dict.count == 0)
    }

    @Test func updateCallsOnKeySetForEveryPairInOrder() {
        var dict = self.makeDictionary(["a": 0])
        dict.update([("a", 1), ("b", 2), ("a", 3)])
        #expect(self.log.events == [.set("a", 1), .set("b", 2), .set("a", 3)])
        #expect(dict.dictionary == ["a": 3, "b": 2])
        dict.update(["c": 4])
        #expect(self.log.events.last == .set("c", 4))
    }

    @Test func rawUpdateAndReadsWithoutSubscriptCallNoHook() {
        var dict = self.makeDictionary(["a": 1])
        dict.rawUpdate(["b": 2])
        dict.rawUpdate([("c", 3), ("c", 4)])
        _ = dict.count
        _ = dict.isEmpty
        _ = Array(dict.keys)
        _ = Array(dict.values)
        _ = dict.dictionary
        for _ in dict {}
        #expect(self.log.events.isEmpty)
        #expect(dict.dictionary == ["a": 1, "b": 2, "c": 4])
    }

    @Test func literalEqualityAndValueSemantics() {
        let plain: ManagedDictionary = ["a": 1, "b": 2]
        var managed = self.makeDictionary(["a": 1, "b": 2])
        #expect(plain == managed)  // hooks are not compared
        var copy = managed
        copy["a"] = 10
        #expect(managed["a"] == 1)  // the copy has its own contents…
        #expect(self.log.events == [.set("a", 10), .get("a")])  // …and the same hooks
        managed.hooks = .init()
        managed["z"] = 0
        #expect(self.log.events.count == 2)
        #expect(plain.description == plain.dictionary.description)
    }

    @Test func hooksFromConcurrentCopiesAreAllRecorded() async {
        let dict = self.makeDictionary()
        await withTaskGroup { group in
            for worker in 0..<8 {
                group.addTask {
                    var mine = dict
                    for value in 0..<100 { mine["w\(worker)"] = value }
                    mine.removeAll()
                }
            }
        }
        let events = self.log.events
        #expect(events.count == 8 * 101)
        #expect(events.filter { $0 == .clear }.count == 8)
        for worker in 0..<8 {
            let sets = events.compactMap { event -> Int? in
                if case .set("w\(worker)", let value) = event { value } else { nil }
            }
            #expect(sets == Array(0..<100))
        }
    }
}
