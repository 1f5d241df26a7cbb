// Supervisor benchmark: how long from a child's crash to its next onStarted under one-for-one, as the Python
// baseline measured (152 µs median, 273 µs p99 on the reference machine).
import Benchmark
import BenchmarkSupport
import Logging
import ModeCore
import ModeSupervisors

/// As in the Python baseline (root logger at WARNING with a null handler): lifecycle lines at info are filtered,
/// and the "Crashed reason=..." error line of every crash goes to a handler that drops it.
let quietLogger: Logger = {
    var logger = Logger(label: "bench") { _ in SwiftLogNoOpLogHandler() }
    logger.logLevel = .warning
    return logger
}()

/// Records when it last started and lets the benchmark wait for each start.
actor Crashy: Service {
    let runtime = ServiceRuntime(configuration: ServiceConfiguration(logger: quietLogger))
    let starts: AsyncStream<ContinuousClock.Instant>.Continuation

    init(starts: AsyncStream<ContinuousClock.Instant>.Continuation) {
        self.starts = starts
    }

    func onStarted() {
        self.starts.yield(ContinuousClock.now)
    }

    func backgroundTasks() -> [BackgroundTask] {
        [.task("work") { await self.waitUntilStopped() }]
    }
}

struct Boom: Error {}

func percentile(_ sorted: [Duration], _ fraction: Double) -> Duration {
    sorted[min(sorted.count - 1, Int(Double(sorted.count - 1) * fraction))]
}

func nanoseconds(_ duration: Duration) -> Int {
    Int(duration.components.seconds) * 1_000_000_000 + Int(duration.components.attoseconds / 1_000_000_000)
}

let benchmarks: @Sendable () -> Void = {
    Benchmark.defaultConfiguration.timeUnits = .microseconds
    let cycles = BenchEnvironment.count("MODE_BENCH_RESTART_CYCLES", full: 1_000, quick: 20)
    Benchmark(
        "Supervisor one-for-one: \(cycles) crash → onStarted cycles",
        configuration: .init(
            metrics: [
                .wallClock,
                .custom("crash→onStarted median (ns)", polarity: .prefersSmaller),
                .custom("crash→onStarted p99 (ns)", polarity: .prefersSmaller),
            ],
            warmupIterations: BenchEnvironment.quick ? 0 : 1,
            maxIterations: BenchEnvironment.iterations(10)
        )
    ) { benchmark in
        let (starts, continuation) = AsyncStream.makeStream(of: ContinuousClock.Instant.self)
        var iterator = starts.makeAsyncIterator()
        let child = Crashy(starts: continuation)
        let supervisor = Supervisor(
            [child],
            intensity: try RestartIntensity(maxRestarts: 1_000_000, within: .seconds(1)),
            configuration: ServiceConfiguration(logger: quietLogger)
        )
        try await supervisor.start()
        _ = await iterator.next()
        var samples: [Duration] = []
        samples.reserveCapacity(cycles)
        benchmark.startMeasurement()
        for _ in 0..<cycles {
            let crashed = ContinuousClock.now
            child.crash(Boom())
            guard let started = await iterator.next() else { break }
            samples.append(crashed.duration(to: started))
        }
        benchmark.stopMeasurement()
        await supervisor.stop()
        samples.sort()
        benchmark.measurement(.custom("crash→onStarted median (ns)"), nanoseconds(percentile(samples, 0.5)))
        benchmark.measurement(.custom("crash→onStarted p99 (ns)"), nanoseconds(percentile(samples, 0.99)))
        record("restart_median", size: cycles, value: percentile(samples, 0.5).seconds * 1e6, unit: "us")
        record("restart_p99", size: cycles, value: percentile(samples, 0.99).seconds * 1e6, unit: "us")
    }
}
