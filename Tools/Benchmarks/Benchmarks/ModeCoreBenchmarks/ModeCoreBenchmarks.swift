// Service-runtime benchmarks: the scenarios ../../shared/baselines ran on Python's Mode and on plain Swift.
import Benchmark
import Logging
import ModeCore

#if canImport(Glibc)
import Glibc
#endif

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

/// Resident memory of this process, from /proc/self/statm (its second field, in pages).
func residentBytes() -> Int {
    #if canImport(Glibc)
    let fd = open("/proc/self/statm", O_RDONLY)
    guard fd >= 0 else { return 0 }
    defer { close(fd) }
    var buffer = [UInt8](repeating: 0, count: 128)
    let count = buffer.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
    guard count > 0 else { return 0 }
    let fields = String(decoding: buffer[0..<count], as: UTF8.self).split(separator: " ")
    guard fields.count > 1, let pages = Int(fields[1]) else { return 0 }
    return pages * Int(sysconf(Int32(_SC_PAGESIZE)))
    #else
    return 0
    #endif
}

/// A service with one 10 ms timer that counts its ticks.
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
    for count in [1_000, 10_000, 100_000] {
        let iterations = count == 100_000 ? 5 : 20
        let configuration = Benchmark.Configuration(
            metrics: [.wallClock, .cpuTotal, .mallocCountTotal],
            maxDuration: .seconds(30),
            maxIterations: iterations
        )
        Benchmark("Tree start, fan-out 10, N=\(count)", configuration: configuration) { benchmark in
            let root = makeTree(count: count)
            benchmark.startMeasurement()
            try await root.start()
            benchmark.stopMeasurement()
            await root.stop()
        }
        Benchmark("Tree stop, fan-out 10, N=\(count)", configuration: configuration) { benchmark in
            let root = makeTree(count: count)
            try await root.start()
            benchmark.startMeasurement()
            await root.stop()
            benchmark.stopMeasurement()
        }
    }

    timerBenchmarks()

    for useServiceSleep in [true, false] {
        let name = useServiceSleep ? "service.sleep(for:)" : "Task.sleep(for:)"
        Benchmark(
            "Idle memory, 10,000 services with one task (\(name))",
            configuration: .init(
                metrics: [.custom("bytes per idle service"), .wallClock],
                // One measurement in a fresh process: later iterations would reuse memory the first freed.
                warmupIterations: 0,
                maxDuration: .seconds(60),
                maxIterations: 1
            )
        ) { benchmark in
            let count = 10_000
            let warmUp = IdleService(useServiceSleep: useServiceSleep)
            try await warmUp.start()
            await warmUp.stop()
            let before = residentBytes()
            let services = (0..<count).map { _ in IdleService(useServiceSleep: useServiceSleep) }
            for service in services { try await service.start() }
            // Let every task reach its sleep.
            await withTaskGroup(of: Void.self) { group in
                group.addTask { try? await Task.sleep(for: .milliseconds(1500)) }
            }
            let after = residentBytes()
            benchmark.measurement(.custom("bytes per idle service"), (after - before) / count)
            for service in services { await service.stop() }
        }
    }
}

/// 1,000 services, each with a 10 ms timer, run for 5 s: ticks delivered, lateness, CPU.
let timerBenchmarks: @Sendable () -> Void = {
    for tolerance in [nil, Duration.milliseconds(1)] {
        let name = tolerance.map { "tolerance \($0)" } ?? "no tolerance"
        Benchmark(
            "Timers, 1,000 services x 10 ms for 5 s (\(name))",
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
            let interval = Duration.milliseconds(10)
            let services = (0..<1_000).map { _ in TimerNode(interval: interval, tolerance: tolerance) }
            for service in services { try await service.start() }
            try await Task.sleep(for: .seconds(5))
            for service in services { await service.stop() }
            benchmark.stopMeasurement()
            let statistics = services.map(\.monitor.statistics)
            let delivered = statistics.reduce(0) { $0 + $1.iteration }
            let total = statistics.reduce(Duration.zero) { $0 + $1.totalLateness }
            let measured = statistics.reduce(0) { $0 + $1.measuredTicks }
            let histogram = statistics.reduce(into: [Int](repeating: 0, count: 32)) { sum, stats in
                for (bucket, count) in stats.latenessHistogram.enumerated() { sum[bucket] += count }
            }
            func micros(_ duration: Duration) -> Int { Int(duration / .microseconds(1)) }
            benchmark.measurement(
                .custom("ticks delivered (per mille of expected)", polarity: .prefersLarger, useScalingFactor: false),
                delivered * 1000 / (1_000 * 500)
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
        }
    }
}
