import Benchmark
import ModeQueues

/// One producer task puts `count` Ints, one consumer task takes them with `get()`; returns the sum taken.
private func transferWithGet(_ count: Int, through queue: FlowControlQueue<Int>) async throws -> Int {
    try await withThrowingTaskGroup(of: Int.self) { group in
        group.addTask {
            for value in 0..<count { try await queue.put(value) }
            return 0
        }
        group.addTask {
            var sum = 0
            for _ in 0..<count { sum &+= try await queue.get() }
            return sum
        }
        var total = 0
        for try await partial in group { total &+= partial }
        return total
    }
}

/// As `transferWithGet`, but the consumer reads the queue as an `AsyncSequence`.
private func transferWithIterator(_ count: Int, through queue: FlowControlQueue<Int>) async throws -> Int {
    try await withThrowingTaskGroup(of: Int.self) { group in
        group.addTask {
            for value in 0..<count { try await queue.put(value) }
            return 0
        }
        group.addTask {
            var sum = 0
            var taken = 0
            for await value in queue {
                sum &+= value
                taken += 1
                if taken == count { break }
            }
            return sum
        }
        var total = 0
        for try await partial in group { total &+= partial }
        return total
    }
}

private struct WrongSum: Error {}

let benchmarks: @Sendable () -> Void = {
    let configuration = Benchmark.Configuration(
        metrics: [.throughput, .wallClock, .cpuTotal],
        scalingFactor: .mega,
        maxDuration: .seconds(30),
        maxIterations: 10
    )
    // Each iteration moves scaledIterations.count (1,000,000) Ints, so throughput reads in M items/s.
    let cases: [(name: String, maxsize: Int, iterator: Bool)] = [
        ("FlowControlQueue bounded(1000) put/get 1P1C", 1_000, false),
        ("FlowControlQueue bounded(1000) put/for-await 1P1C", 1_000, true),
        ("FlowControlQueue unbounded put/get 1P1C", 0, false),
    ]
    for testCase in cases {
        Benchmark(testCase.name, configuration: configuration) { benchmark in
            let count = benchmark.scaledIterations.count
            let queue = FlowControlQueue<Int>(
                maxsize: testCase.maxsize,
                flowControl: FlowControlEvent(initiallySuspended: false)
            )
            benchmark.startMeasurement()
            let sum =
                testCase.iterator
                ? try await transferWithIterator(count, through: queue)
                : try await transferWithGet(count, through: queue)
            benchmark.stopMeasurement()
            guard sum == count * (count - 1) / 2 else { throw WrongSum() }
        }
    }
}
