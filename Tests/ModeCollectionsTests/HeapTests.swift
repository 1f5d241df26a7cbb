import ModeCollections
import ModeConcurrencyHelpers
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
        var generator = SplitMix64(seed: 42)  // ModeConcurrencyHelpers' seeded generator
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
