import ModeAsyncSeq
import Testing

@Suite(.timeLimit(.minutes(1)))
struct CollectTests {
    @Test func collectsInOrder() async {
        #expect(await arange(4).map { $0 * $0 }.collect() == [0, 1, 4, 9])
        #expect(await ["x", "y"].async.collect() == ["x", "y"])
    }

    @Test func typedFailurePassesThrough() async {
        let failing = FailingAfter(values: [1, 2], error: Boom(code: 7))
        do {
            _ = try await failing.collect()
            Issue.record("expected Boom")
        } catch {
            // `error` is statically a Boom: collect() keeps the typed failure.
            #expect(error == Boom(code: 7))
        }
    }

    @Test func syncSequenceWrapperEndsOnCancellation() async {
        let task = Task { () -> [Int] in
            var seen: [Int] = []
            for await value in (0..<1_000).async {
                seen.append(value)
                if value == 2 { withUnsafeCurrentTask { $0?.cancel() } }
            }
            return seen
        }
        #expect(await task.value == [0, 1, 2])
    }

    @Test func collectOfACancelledRangeReturnsWhatWasProduced() async {
        let task = Task { () -> [Int] in
            await arange(Int.max).map { value in
                if value == 3 { withUnsafeCurrentTask { $0?.cancel() } }
                return value
            }.collect()
        }
        #expect(await task.value == [0, 1, 2, 3])
    }

    @Test func cancellationErrorOfTheBasePassesThroughUntouched() async {
        let (stream, continuation) = AsyncThrowingStream.makeStream(of: Int.self)
        continuation.yield(1)
        continuation.finish(throwing: CancellationError())
        await #expect(throws: CancellationError.self) { try await stream.collect() }
    }
}

struct Boom: Error, Equatable {
    let code: Int
}

/// Produces `values`, then throws `error`: an async sequence with a typed failure.
struct FailingAfter: AsyncSequence {
    typealias Element = Int
    let values: [Int]
    let error: Boom

    struct AsyncIterator: AsyncIteratorProtocol {
        var values: IndexingIterator<[Int]>
        let error: Boom
        mutating func next(isolation actor: isolated (any Actor)?) async throws(Boom) -> Int? {
            guard let value = self.values.next() else { throw self.error }
            return value
        }
    }

    func makeAsyncIterator() -> AsyncIterator {
        AsyncIterator(values: self.values.makeIterator(), error: self.error)
    }
}
