import Benchmark
import BenchmarkSupport
import ModeSignals

/// The object the benchmark signals send from.
final class Sender: Sendable {}

/// Times `sends` calls of `body` and records the cost per receiver call.
private func measureSends(
    _ figure: String, receivers: Int, sends: Int, _ benchmark: Benchmark, _ body: (Int) async throws -> Void
) async rethrows {
    let clock = ContinuousClock()
    let began = clock.now
    benchmark.startMeasurement()
    for index in 0..<sends { try await body(index) }
    benchmark.stopMeasurement()
    let elapsed = began.duration(to: clock.now).seconds
    record(figure, size: receivers, value: elapsed * 1e9 / Double(sends * receivers), unit: "ns/receiver call")
}

let benchmarks: @Sendable () -> Void = {
    // Each iteration makes about 1,000,000 receiver calls (sends x receivers) at every receiver count.
    let receiverCounts = BenchEnvironment.sizes("MODE_BENCH_SIGNAL_RECEIVERS", full: [1, 10, 1_000], quick: [1, 10])
    let calls = BenchEnvironment.count("MODE_BENCH_SIGNAL_CALLS", full: 1_000_000, quick: 1_000)
    for receivers in receiverCounts {
        let sends = max(calls / receivers, 1)
        let configuration = Benchmark.Configuration(
            metrics: [.wallClock, .mallocCountTotal],
            warmupIterations: BenchEnvironment.quick ? 0 : 1,
            maxDuration: .seconds(10),
            maxIterations: BenchEnvironment.iterations(5)
        )

        Benchmark("Signal.send (async), \(receivers) receivers, \(sends) sends", configuration: configuration) { benchmark in
            let signal = Signal<Sender, Int>(name: "bench")
            for _ in 0..<receivers {
                signal.connect { _, value in blackHole(value) }
            }
            let sender = Sender()
            try await measureSends("signal_async", receivers: receivers, sends: sends, benchmark) { index in
                try await signal.send(index, from: sender)
            }
        }

        Benchmark("SyncSignal.send, \(receivers) receivers, \(sends) sends", configuration: configuration) { benchmark in
            let signal = SyncSignal<Sender, Int>(name: "bench")
            for _ in 0..<receivers {
                signal.connect { _, value in blackHole(value) }
            }
            let sender = Sender()
            try await measureSends("signal_sync", receivers: receivers, sends: sends, benchmark) { index in
                try signal.send(index, from: sender)
            }
        }

        Benchmark(
            "Signal.send (async), bound sender, \(receivers) filtered receivers, \(sends) sends",
            configuration: configuration
        ) { benchmark in
            let sender = Sender()
            let signal = Signal<Sender, Int>(name: "bench").withDefaultSender(sender)
            for _ in 0..<receivers {
                signal.connect { _, value in blackHole(value) }
            }
            try await measureSends("signal_async_bound", receivers: receivers, sends: sends, benchmark) { index in
                try await signal.send(index)
            }
        }
    }
}
