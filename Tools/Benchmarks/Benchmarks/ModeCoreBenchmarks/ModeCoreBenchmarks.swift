// Service-runtime benchmarks: the scenarios ../../shared/baselines ran on Python's Mode and on plain Swift.
import Benchmark
import BenchmarkSupport
import Logging
import ModeCore

/// The logger of every benchmark service: lifecycle lines are at info, so they are filtered, as in the
/// Python baseline (root logger at WARNING with a null handler).
let quietLogger: Logger = {
    var logger = Logger(label: "bench")
    logger.logLevel = .warning
    return logger
}()

/// A node of the benchmark tree; its children become dependencies at the first start.
actor TreeNode: Service {
    let runtime = ServiceRuntime(configuration: ServiceConfiguration(logger: quietLogger))
    let dependencies: [any Service]

    init(dependencies: [any Service]) {
        self.dependencies = dependencies
    }

    func initDependencies() -> [any Service] { self.dependencies }
}

/// A complete tree of `count` services with fan-out 10, numbered breadth-first as in the Python baseline.
func makeTree(count: Int) -> TreeNode {
    var nodes = [TreeNode?](repeating: nil, count: count)
    for index in stride(from: count - 1, through: 0, by: -1) {
        let first = index * 10 + 1
        let children = first < count ? (first..<min(first + 10, count)).map { nodes[$0]! } : []
        nodes[index] = TreeNode(dependencies: children)
        for child in first..<max(first, min(first + 10, count)) { nodes[child] = nil }
    }
    return nodes[0]!
}

/// A service with one background task that wakes every second, as in the idle-memory baseline.
actor IdleService: Service {
    let runtime = ServiceRuntime(configuration: ServiceConfiguration(logger: quietLogger))
    let useServiceSleep: Bool

    init(useServiceSleep: Bool) {
        self.useServiceSleep = useServiceSleep
    }

    func backgroundTasks() -> [BackgroundTask] {
        if self.useServiceSleep {
            return [.task("idle") { while !self.shouldStop { await self.sleep(for: .seconds(1)) } }]
        }
        return [.task("idle") { while true { try await Task.sleep(for: .seconds(1)) } }]
    }
}

/// A service with one timer that counts its ticks.
actor TimerNode: Service {
    let runtime = ServiceRuntime(configuration: ServiceConfiguration(logger: quietLogger))
    let monitor = TimerMonitor()
    let interval: Duration
    let tolerance: Duration?
    private var ticks = 0

    init(interval: Duration, tolerance: Duration?) {
        self.interval = interval
        self.tolerance = tolerance
    }

    func backgroundTasks() -> [BackgroundTask] {
        [.timer("tick", every: self.interval, monitor: self.monitor, tolerance: self.tolerance) { await self.tick() }]
    }

    private func tick() { self.ticks += 1 }
}

let benchmarks: @Sendable () -> Void = {
    // Sizes come from the environment (see BenchmarkSupport): MODE_BENCH_QUICK=1 for tiny ones.
    for count in BenchEnvironment.sizes("MODE_BENCH_TREE_SIZES", full: [1_000, 10_000, 100_000], quick: [10, 100]) {
        let iterations = BenchEnvironment.iterations(count >= 100_000 ? 5 : 20)
        let configuration = Benchmark.Configuration(
            metrics: [.wallClock, .cpuTotal, .mallocCountTotal],
            warmupIterations: BenchEnvironment.quick ? 0 : 1,
            maxDuration: .seconds(30),
            maxIterations: iterations
        )
        Benchmark("Tree start, fan-out 10, N=\(count)", configuration: configuration) { benchmark in
            let root = makeTree(count: count)
            let clock = ContinuousClock()
            let began = clock.now
            benchmark.startMeasurement()
            try await root.start()
            benchmark.stopMeasurement()
            record("tree_start", size: count, value: began.duration(to: clock.now).seconds * 1e6 / Double(count), unit: "us/service")
            await root.stop()
        }
        Benchmark("Tree stop, fan-out 10, N=\(count)", configuration: configuration) { benchmark in
            let root = makeTree(count: count)
            try await root.start()
            let clock = ContinuousClock()
            let began = clock.now
            benchmark.startMeasurement()
            await root.stop()
            benchmark.stopMeasurement()
            record("tree_stop", size: count, value: began.duration(to: clock.now).seconds * 1e6 / Double(count), unit: "us/service")
        }
    }

    timerBenchmarks()

    let idleCount = BenchEnvironment.count("MODE_BENCH_IDLE_SERVICES", full: 10_000, quick: 200)
    for useServiceSleep in [true, false] {
        let name = useServiceSleep ? "service.sleep(for:)" : "Task.sleep(for:)"
        Benchmark(
            "Idle memory, \(idleCount) services with one task (\(name))",
            configuration: .init(
                metrics: [.custom("bytes per idle service"), .wallClock],
                // One measurement in a fresh process: later iterations would reuse memory the first freed.
                warmupIterations: 0,
                maxDuration: .seconds(60),
                maxIterations: 1
            )
        ) { benchmark in
            let count = idleCount
            let warmUp = IdleService(useServiceSleep: useServiceSleep)
            try await warmUp.start()
            await warmUp.stop()
            let before = residentBytes()
            let services = (0..<count).map { _ in IdleService(useServiceSleep: useServiceSleep) }
            for service in services { try await service.start() }
            // Let every task reach its sleep.
            await withTaskGroup(of: Void.self) { group in
                group.addTask { try? await Task.sleep(for: .milliseconds(BenchEnvironment.quick ? 200 : 1500)) }
            }
            let after = residentBytes()
            benchmark.measurement(.custom("bytes per idle service"), (after - before) / count)
            record(
                useServiceSleep ? "idle_memory_service_sleep" : "idle_memory_task_sleep",
                size: count, value: Double(after - before) / Double(count), unit: "B/service"
            )
            for service in services { await service.stop() }
        }
    }
}

/// N services, each with one timer, all timers together due 100,000 times a second (N = 1,000: 10 ms each), run for
/// 5 s: ticks delivered, lateness, CPU per tick. With and without a 1 ms wake-up tolerance.
let timerBenchmarks: @Sendable () -> Void = {
    let totalRate = BenchEnvironment.count("MODE_BENCH_TIMER_TICKS_PER_SECOND", full: 100_000, quick: 1_000)
    let window = Duration.milliseconds(BenchEnvironment.count("MODE_BENCH_TIMER_MILLISECONDS", full: 5_000, quick: 300))
    let sizes = BenchEnvironment.sizes("MODE_BENCH_TIMER_SERVICES", full: [100, 1_000, 10_000], quick: [10, 100])
    for count in sizes {
        for tolerance in [nil, Duration.milliseconds(1)] {
            let interval = timerInterval(services: count, totalTicksPerSecond: totalRate)
            let name = tolerance.map { "tolerance \($0)" } ?? "no tolerance"
            Benchmark(
                "Timers, \(count) services x \(interval) for \(window) (\(name))",
                configuration: .init(
                    metrics: [
                        .custom("ticks delivered (per mille of expected)", polarity: .prefersLarger, useScalingFactor: false),
                        .custom("mean lateness (us)", useScalingFactor: false),
                        .custom("p99 lateness, upper bound (us)", useScalingFactor: false),
                        .custom("max lateness (us)", useScalingFactor: false),
                        .cpuTotal, .wallClock,
                    ],
                    warmupIterations: 0,
                    maxDuration: .seconds(60),
                    maxIterations: 1
                )
            ) { benchmark in
                let services = (0..<count).map { _ in TimerNode(interval: interval, tolerance: tolerance) }
                for service in services { try await service.start() }
                let cpuBefore = cpuSeconds()
                try await Task.sleep(for: window)
                let cpuUsed = cpuSeconds() - cpuBefore
                // Read the statistics at the end of the window: ticks during the stops below do not count.
                let statistics = services.map(\.monitor.statistics)
                for service in services { await service.stop() }
                benchmark.stopMeasurement()
                let delivered = statistics.reduce(0) { $0 + $1.iteration }
                let total = statistics.reduce(Duration.zero) { $0 + $1.totalLateness }
                let measured = statistics.reduce(0) { $0 + $1.measuredTicks }
                let histogram = statistics.reduce(into: [Int](repeating: 0, count: 32)) { sum, stats in
                    for (bucket, count) in stats.latenessHistogram.enumerated() { sum[bucket] += count }
                }
                func micros(_ duration: Duration) -> Int { Int(duration / .microseconds(1)) }
                let expected = Int(window / interval) * count
                benchmark.measurement(
                    .custom("ticks delivered (per mille of expected)", polarity: .prefersLarger, useScalingFactor: false),
                    delivered * 1000 / max(expected, 1)
                )
                benchmark.measurement(.custom("mean lateness (us)", useScalingFactor: false), micros(total / max(measured, 1)))
                benchmark.measurement(
                    .custom("p99 lateness, upper bound (us)", useScalingFactor: false),
                    micros(TimerStatistics.percentile(0.99, of: histogram))
                )
                benchmark.measurement(
                    .custom("max lateness (us)", useScalingFactor: false),
                    micros(statistics.map(\.maxLateness).max() ?? .zero)
                )
                let suffix = tolerance == nil ? "" : "_tolerance_1ms"
                record("timers_cpu\(suffix)", size: count, value: cpuUsed * 1e6 / Double(max(delivered, 1)), unit: "us CPU/tick")
                record("timers_cores\(suffix)", size: count, value: cpuUsed / window.seconds, unit: "cores")
                record("timers_delivered\(suffix)", size: count, value: Double(delivered) * 100 / Double(max(expected, 1)), unit: "% of ticks")
                record("timers_mean_late\(suffix)", size: count, value: (total / max(measured, 1)).seconds * 1e3, unit: "ms")
                record(
                    "timers_p99_late\(suffix)",
                    size: count,
                    value: TimerStatistics.percentile(0.99, of: histogram).seconds * 1e3,
                    unit: "ms (upper bound)"
                )
            }
        }
    }
}
