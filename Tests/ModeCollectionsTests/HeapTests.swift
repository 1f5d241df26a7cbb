import ModeCollections
import Testing

/// `Heap` comes from swift-collections through ModeCollections; these test the pieces ModeCollections adds.
@Suite struct HeapTests {
    @Test func reExportedHeapIsUsableWithOnlyModeCollections() {
        var heap = Heap([5, 1, 4])
        heap.insert(2)
        #expect(heap.popMin() == 1)
        #expect(heap.popMax() == 5)
        #expect(heap.count == 2)
    }

    @Test func pushPopMinReturnsSmallerElementWithoutTouchingHeap() {
        var heap = Heap([3, 5, 8])
        #expect(heap.pushPopMin(1) == 1)
        #expect(heap.pushPopMin(3) == 3)  // equal to the minimum: returned at once, as heapq does
        #expect(heap.unordered.sorted() == [3, 5, 8])
    }

    @Test func pushPopMinReplacesTheMinimum() {
        var heap = Heap([3, 5, 8])
        #expect(heap.pushPopMin(6) == 3)
        #expect(heap.unordered.sorted() == [5, 6, 8])
        #expect(heap.min == 5)
    }

    @Test func pushPopOnEmptyHeapReturnsTheElement() {
        var heap = Heap<Int>()
        #expect(heap.pushPopMin(7) == 7)
        #expect(heap.pushPopMax(7) == 7)
        #expect(heap.isEmpty)
    }

    @Test func pushPopMaxMirrorsMin() {
        var heap = Heap([3, 5, 8])
        #expect(heap.pushPopMax(9) == 9)
        #expect(heap.pushPopMax(4) == 8)
        #expect(heap.unordered.sorted() == [3, 4, 5])
    }

    @Test func popMinAndInsertIsPythonReplace() {
        var heap = Heap([3, 5, 8])
        #expect(heap.popMinAndInsert(10) == 3)  // unlike pushpop, the larger new element goes in
        #expect(heap.unordered.sorted() == [5, 8, 10])
        var empty = Heap<Int>()
        #expect(empty.popMinAndInsert(1) == nil)
        #expect(empty.isEmpty)
    }

    @Test func matchesHeapqOnRandomSequences() {
        var generator = SplitMix(seed: 42)
        for _ in 0..<50 {
            var heap = Heap<Int>()
            var model: [Int] = []
            for _ in 0..<40 {
                let value = Int(generator.next() % 100)
                switch generator.next() % 3 {
                case 0:
                    heap.insert(value)
                    model.append(value)
                case 1:
                    model.append(value)
                    model.sort()
                    let expected = model.removeFirst()
                    #expect(heap.pushPopMin(value) == expected)
                default:
                    model.sort()
                    let expected = model.isEmpty ? nil : model.removeFirst()
                    if expected != nil { model.append(value) }
                    #expect(heap.popMinAndInsert(value) == expected)
                }
                #expect(heap.unordered.sorted() == model.sorted())
            }
        }
    }
}

/// A small deterministic generator, so a failure can be replayed.
private struct SplitMix: RandomNumberGenerator {
    var state: UInt64
    init(seed: UInt64) { self.state = seed }
    mutating func next() -> UInt64 {
        self.state &+= 0x9E37_79B9_7F4A_7C15
        var z = self.state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
