import ModeAsyncSeq
import ModeConcurrencyHelpers
import Testing

@Suite(.timeLimit(.minutes(1)))
struct AsyncSliceSequenceTests {
    @Test func pythonExamples() async throws {
        // Python: aslice(arange(100), 10) == range(10); aslice(arange(100), 10, 20) == range(10, 20)
        #expect(try await arange(100).slice(to: 10).collect() == Array(0..<10))
        #expect(try await arange(100).slice(from: 10, to: 20).collect() == Array(10..<20))
    }

    @Test(
        arguments: [(0, 10, 1), (2, 12, 3), (5, nil, 7), (0, nil, 1), (0, 3, 5), (18, 40, 1), (30, 50, 2)]
            as [(
                Int, Int?, Int
            )]
    )
    func selectsThePositionsOfPythonRange(start: Int, stop: Int?, step: Int) async throws {
        let source = (0..<20).map { "e\($0)" }
        let expected = stride(from: start, to: min(stop ?? 20, 20), by: step).map { "e\($0)" }
        #expect(try await source.async.slice(from: start, to: stop, by: step).collect() == expected)
    }

    @Test func stopZeroIsEmptyNotUnbounded() async throws {
        // Python Mode treats stop=0 as "no end"; here it is an empty slice.
        #expect(try await arange(10).slice(to: 0).collect() == [])
        #expect(try await arange(10).slice(from: 5, to: 2).collect() == [])
    }

    @Test func stopsConsumingAfterTheLastSelectedPosition() async throws {
        let (stream, continuation) = AsyncStream.makeStream(of: Int.self)
        for value in 0..<10 { continuation.yield(value) }
        continuation.finish()
        let consumed = Counter()
        let counted = Counting(base: stream, counter: consumed)
        #expect(try await counted.slice(from: 1, to: 4, by: 2).collect() == [1, 3])
        #expect(consumed.value == 4)  // positions 0...3, never position 4
        #expect(try await Counting(base: arange(10), counter: consumed).slice(from: 3, to: 3).collect() == [])
        #expect(consumed.value == 4)  // an empty slice consumes nothing
    }

    @Test func endlessBaseWithStopEnds() async throws {
        #expect(try await arange(Int.max).slice(from: 1_000, to: 1_003).collect() == [1_000, 1_001, 1_002])
    }

    @Test func hugeStepDoesNotOverflow() async throws {
        #expect(try await arange(10).slice(from: 3, by: Int.max).collect() == [3])
    }

    @Test(arguments: [-1, Int.min])
    func negativeIndicesThrow(value: Int) {
        #expect(throws: AsyncSeqError.negativeIndex("start", value)) { try arange(5).slice(from: value) }
        #expect(throws: AsyncSeqError.negativeIndex("stop", value)) { try arange(5).slice(to: value) }
    }

    @Test(arguments: [0, -1, Int.min])
    func nonPositiveStepThrows(step: Int) throws {
        let error = try #require(throws: AsyncSeqError.self) { try arange(5).slice(by: step) }
        #expect(error.code == .nonPositiveStep)
        #expect(error.message.contains("\(step)"))
    }

    @Test func errorsOfTheBasePassThrough() async throws {
        struct Boom: Error, Equatable {}
        let (stream, continuation) = AsyncThrowingStream.makeStream(of: Int.self)
        continuation.yield(0)
        continuation.yield(1)
        continuation.finish(throwing: Boom())
        var iterator = try stream.slice(from: 1).makeAsyncIterator()
        #expect(try await iterator.next() == 1)
        await #expect(throws: Boom.self) { try await iterator.next() }
    }

    @Test func properties() throws {
        let slice = try arange(3).slice(from: 1, to: 9, by: 2)
        #expect(slice.start == 1 && slice.stop == 9 && slice.step == 2)
    }
}

/// Counts how many elements its base handed out.
final class Counter: Sendable {
    private let count = Locked(0)
    var value: Int { self.count.withLock { $0 } }
    func increment() { self.count.withLock { $0 += 1 } }
}

/// An async sequence that counts the elements pulled from its base.
struct Counting<Base: AsyncSequence & Sendable>: AsyncSequence, Sendable where Base.Failure == Never {
    let base: Base
    let counter: Counter

    struct AsyncIterator: AsyncIteratorProtocol {
        var base: Base.AsyncIterator
        let counter: Counter
        mutating func next(isolation actor: isolated (any Actor)?) async -> Base.Element? {
            guard let element = await self.base.next(isolation: actor) else { return nil }
            self.counter.increment()
            return element
        }
    }

    func makeAsyncIterator() -> AsyncIterator {
        AsyncIterator(base: self.base.makeAsyncIterator(), counter: self.counter)
    }
}
