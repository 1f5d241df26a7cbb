import ModeAsyncSeq
import Testing

@Suite(.timeLimit(.minutes(1)))
struct AsyncRangeTests {
    @Test func stopOnlyCountsFromZero() async {
        #expect(await arange(5).collect() == [0, 1, 2, 3, 4])
        #expect(await arange(1).collect() == [0])
    }

    @Test(arguments: [0, -1, Int.min])
    func stopAtOrBelowZeroIsEmpty(stop: Int) async {
        #expect(await arange(stop).collect() == [])
        #expect(arange(stop).count == 0)
    }

    @Test func startAndStop() async {
        #expect(await arange(2, 6).collect() == [2, 3, 4, 5])
        #expect(await arange(-2, 1).collect() == [-2, -1, 0])
        #expect(await arange(6, 2).collect() == [])
        #expect(await arange(3, 3).collect() == [])
    }

    @Test func positiveAndNegativeSteps() async throws {
        #expect(try await arange(0, 100, step: 10).collect() == [0, 10, 20, 30, 40, 50, 60, 70, 80, 90])
        #expect(try await arange(0, 10, step: 3).collect() == [0, 3, 6, 9])
        #expect(try await arange(10, 0, step: -3).collect() == [10, 7, 4, 1])
        #expect(try await arange(3, -1, step: -1).collect() == [3, 2, 1, 0])
    }

    @Test func stepAwayFromStopIsEmpty() async throws {
        #expect(try await arange(5, 0, step: 1).collect() == [])
        #expect(try await arange(0, 5, step: -1).collect() == [])
    }

    @Test(arguments: [(0, 10), (10, 0), (5, 5), (Int.min, Int.max)])
    func zeroStepThrows(start: Int, stop: Int) {
        #expect(throws: AsyncSeqError.zeroStep(start: start, stop: stop)) {
            try arange(start, stop, step: 0)
        }
        do {
            _ = try arange(start, stop, step: 0)
            Issue.record("expected an error")
        } catch let error as AsyncSeqError {
            #expect(error.code == .zeroStep)
            #expect(error.description.contains("step: 0"))
        } catch {
            Issue.record("unexpected error \(error)")
        }
    }

    @Test func valuesNearTheIntLimitsDoNotOverflow() async throws {
        #expect(try await arange(Int.max - 3, Int.max, step: 2).collect() == [Int.max - 3, Int.max - 1])
        #expect(try await arange(Int.min + 3, Int.min, step: -2).collect() == [Int.min + 3, Int.min + 1])
        #expect(try await arange(-5, Int.max, step: Int.max).collect() == [-5, Int.max - 5])
        #expect(try arange(-5, Int.max, step: Int.max).count == 2)
        #expect(arange(Int.min, Int.max).count == Int.max)  // 2^64 - 1 values, clamped
        #expect(arange(Int.min, Int.max).contains(value: Int.max - 1))
        #expect(!arange(Int.min, Int.max).contains(value: Int.max))
    }

    static let shapes: [(Int, Int, Int)] = [
        (0, 10, 1), (0, 10, 3), (1, 10, 3), (10, 0, -1), (10, 0, -4), (-7, 7, 2), (7, -7, -5), (0, 0, 1), (3, 1, 1),
        (0, 1, 100),
    ]

    @Test(arguments: shapes)
    func countIndexAndContainsAgreeWithIteration(start: Int, stop: Int, step: Int) async throws {
        let range = try arange(start, stop, step: step)
        let produced = await range.collect()
        #expect(range.count == produced.count)
        #expect(Array(range.values) == produced)
        for candidate in -12...12 {
            #expect(range.index(of: candidate) == produced.firstIndex(of: candidate), "candidate \(candidate)")
            #expect(range.contains(value: candidate) == produced.contains(candidate), "candidate \(candidate)")
        }
    }

    @Test func pythonCountAndIndexExamples() {
        // Python: 3 in arange(10); 3 not in arange(2); arange(10).count(1) == 1; arange(10).index(3) == 3
        #expect(arange(10).contains(value: 3))
        #expect(!arange(2).contains(value: 3))
        #expect(arange(10).index(of: 3) == 3)
        #expect(arange(10).index(of: 10) == nil)
    }

    @Test func everyIterationStartsOver() async {
        let range = arange(3)
        #expect(await range.collect() == [0, 1, 2])
        #expect(await range.collect() == [0, 1, 2])
        var first = range.makeAsyncIterator()
        var second = range.makeAsyncIterator()
        #expect(await first.next() == 0)
        #expect(await first.next() == 1)
        #expect(await second.next() == 0)
    }

    @Test func cancellationEndsIteration() async {
        let task = Task { () -> Int in
            var seen = 0
            for await _ in arange(Int.max) {
                seen += 1
                if seen == 10 { withUnsafeCurrentTask { $0?.cancel() } }
            }
            return seen
        }
        #expect(await task.value == 10)
    }

    @Test func descriptionAndProperties() throws {
        let range = try arange(1, 9, step: 4)
        #expect(range.description == "arange(1, 9, step: 4)")
        #expect(range.start == 1 && range.stop == 9 && range.step == 4)
        #expect(arange(4) == arange(0, 4))
    }
}
