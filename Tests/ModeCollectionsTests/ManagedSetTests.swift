import ModeCollections
import Testing

enum SetEvent: Equatable, Sendable {
    case add(Int)
    case discard(Int)
    case clear
    case change(added: Set<Int>, removed: Set<Int>)
}

@Suite
struct ManagedSetTests {
    let log = EventLog<SetEvent>()

    func makeSet(_ contents: Set<Int> = []) -> ManagedSet<Int> {
        let log = self.log
        return ManagedSet(
            contents,
            hooks: .init(
                onAdd: { log.record(.add($0)) },
                onDiscard: { log.record(.discard($0)) },
                onClear: { log.record(.clear) },
                onChange: { log.record(.change(added: $0, removed: $1)) }
            )
        )
    }

    @Test func insertCallsOnAddOnlyForNewElements() {
        var set = self.makeSet([1])
        #expect(set.insert(2) == (true, 2))
        #expect(set.insert(1) == (false, 1))
        #expect(self.log.events == [.add(2)])
        #expect(set.elements == [1, 2])
    }

    @Test func removeCallsOnDiscardOnlyForPresentElements() {
        // Python Mode's ManagedUserSet.remove forgets the hook; here it is the one removal path.
        var set = self.makeSet([1, 2])
        #expect(set.remove(1) == 1)
        #expect(set.remove(9) == nil)
        #expect(self.log.events == [.discard(1)])
        #expect(set.elements == [2])
    }

    @Test func popFirstCallsOnDiscardWithThePoppedElement() throws {
        var set = self.makeSet([5, 6])
        let popped1 = set.popFirst()
        let popped2 = set.popFirst()
        let first = try #require(popped1)
        let second = try #require(popped2)
        #expect(set.popFirst() == nil)
        #expect(Set([first, second]) == [5, 6])
        #expect(self.log.events == [.discard(first), .discard(second)])
    }

    @Test func removeAllCallsOnClearEvenWhenEmpty() {
        var set = self.makeSet([1, 2])
        set.removeAll()
        set.removeAll()
        #expect(self.log.events == [.clear, .clear])
        #expect(set.isEmpty)
    }

    @Test func formUnionReportsTheAddedElements() {
        var set = self.makeSet([1, 2, 3])
        set.formUnion([3, 4, 5])
        #expect(self.log.events == [.change(added: [4, 5], removed: [])])
        #expect(set.elements == [1, 2, 3, 4, 5])
    }

    @Test func formIntersectionReportsTheRemovedElements() {
        var set = self.makeSet([1, 2, 3])
        set.formIntersection([2, 3, 4])
        #expect(self.log.events == [.change(added: [], removed: [1])])
        #expect(set.elements == [2, 3])
    }

    @Test func subtractReportsTheRemovedElements() {
        var set = self.makeSet([1, 2, 3])
        set.subtract([2, 3, 4])
        #expect(self.log.events == [.change(added: [], removed: [2, 3])])
        #expect(set.elements == [1])
    }

    @Test func formSymmetricDifferenceReportsBoth() {
        var set = self.makeSet([1, 2, 3])
        set.formSymmetricDifference([3, 4])
        #expect(self.log.events == [.change(added: [4], removed: [3])])
        #expect(set.elements == [1, 2, 4])
    }

    @Test func bulkOperationsCallOnChangeOnceEvenWhenNothingChanges() {
        var set = self.makeSet([1])
        set.formUnion([1])
        set.subtract([9])
        #expect(self.log.events == [.change(added: [], removed: []), .change(added: [], removed: [])])
    }

    @Test func bulkOperationsAcceptSinglePassSequences() {
        var set = self.makeSet([1, 2])
        set.formSymmetricDifference(AnyIterator([2, 3].makeIterator()).lazy.map { $0 })
        #expect(self.log.events == [.change(added: [3], removed: [2])])
        #expect(set.elements == [1, 3])
    }

    @Test func rawUpdateAndReadsCallNoHook() {
        var set = self.makeSet([1])
        set.rawUpdate([2, 3])
        #expect(set.contains(2))
        #expect(!set.contains(9))
        _ = set.count
        for _ in set {}
        #expect(self.log.events.isEmpty)
        #expect(set.elements == [1, 2, 3])
    }

    @Test func literalEqualityAndDescription() {
        let plain: ManagedSet = [1, 2, 2]
        #expect(plain == self.makeSet([1, 2]))
        #expect(plain.count == 2)
        #expect(plain.description == plain.elements.description)
    }

    @Test func hooksFromConcurrentCopiesAreAllRecorded() async {
        let set = self.makeSet()
        await withTaskGroup { group in
            for worker in 0..<8 {
                group.addTask {
                    var mine = set
                    for value in 0..<50 { mine.insert(worker * 1_000 + value) }
                    for value in 0..<50 { mine.remove(worker * 1_000 + value) }
                }
            }
        }
        let events = self.log.events
        #expect(events.count == 8 * 100)
        for worker in 0..<8 {
            let mine = events.filter {
                switch $0 {
                case .add(let value), .discard(let value): value / 1_000 == worker
                default: false
                }
            }
            #expect(mine == (0..<50).map { .add(worker * 1_000 + $0) } + (0..<50).map { .discard(worker * 1_000 + $0) })
        }
    }
}
