import Benchmark
import BenchmarkSupport
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
    let items = BenchEnvironment.count("MODE_BENCH_QUEUE_ITEMS", full: 1_000_000, quick: 10_000)
    let configuration = Benchmark.Configuration(
        metrics: [.wallClock, .cpuTotal],
        warmupIterations: BenchEnvironment.quick ? 0 : 1,
        maxDuration: .seconds(30),
        maxIterations: BenchEnvironment.iterations(10)
    )
    // Each iteration moves `items` Ints from one producer task to one consumer task.
    let cases: [(name: String, figure: String, maxsize: Int, iterator: Bool)] = [
        ("FlowControlQueue bounded(1000) put/get 1P1C", "queue_bounded", 1_000, false),
        ("FlowControlQueue bounded(1000) put/for-await 1P1C", "queue_bounded_for_await", 1_000, true),
        ("FlowControlQueue unbounded put/get 1P1C", "queue_unbounded", 0, false),
    ]
    for testCase in cases {
        Benchmark("\(testCase.name), \(items) items", configuration: configuration) { benchmark in
            let queue = FlowControlQueue<Int>(
                maxsize: testCase.maxsize,
                flowControl: FlowControlEvent(initiallySuspended: false)
            )
            let clock = ContinuousClock()
            let began = clock.now
            benchmark.startMeasurement()
            let sum =
                testCase.iterator
                ? try await transferWithIterator(items, through: queue)
                : try await transferWithGet(items, through: queue)
            benchmark.stopMeasurement()
            record(testCase.figure, size: items, value: began.duration(to: clock.now).seconds * 1e9 / Double(items), unit: "ns/item")
            guard sum == items * (items - 1) / 2 else { throw WrongSum() }
        }
    }
}
