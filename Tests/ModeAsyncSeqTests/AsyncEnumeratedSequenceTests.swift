import ModeAsyncSeq
import Testing

@Suite(.timeLimit(.minutes(1)))
struct AsyncEnumeratedSequenceTests {
    @Test func pairsEachElementWithItsOffset() async {
        // Python: aenumerate(aiter([1, 2, 3, 4, 5])) yields (0, 1) … (4, 5), then stops.
        var iterator = [1, 2, 3, 4, 5].async.enumerated().makeAsyncIterator()
        for expected in [(0, 1), (1, 2), (2, 3), (3, 4), (4, 5)] {
            let pair = await iterator.next()
            #expect(pair?.offset == expected.0)
            #expect(pair?.element == expected.1)
        }
        #expect(await iterator.next() == nil)
        #expect(await iterator.next() == nil)  // stays finished; Python's anext(it, default) is `?? default`
    }

    @Test func offsetsCountProducedElementsNotBasePositions() async throws {
        let pairs = try await arange(10).slice(from: 2, by: 3).enumerated().collect()
        #expect(pairs.map(\.offset) == [0, 1, 2])
        #expect(pairs.map(\.element) == [2, 5, 8])
    }

    @Test func emptyBase() async {
        #expect(await arange(0).enumerated().collect().isEmpty)
    }

    @Test func errorsPassThroughTyped() async throws {
        struct Boom: Error {}
        let (stream, continuation) = AsyncThrowingStream.makeStream(of: String.self)
        continuation.yield("a")
        continuation.finish(throwing: Boom())
        var iterator = stream.enumerated().makeAsyncIterator()
        let first = try await iterator.next()
        #expect(first?.offset == 0)
        await #expect(throws: Boom.self) { try await iterator.next() }
    }

    @Test func cancellationEndsIteration() async {
        let task = Task { () -> Int in
            var last = -1
            for await (offset, _) in arange(Int.max).enumerated() {
                last = offset
                if offset == 4 { withUnsafeCurrentTask { $0?.cancel() } }
            }
            return last
        }
        #expect(await task.value == 4)
    }
}
