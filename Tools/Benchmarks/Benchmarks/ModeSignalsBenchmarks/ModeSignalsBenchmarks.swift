import Benchmark
import ModeSignals

/// The object the benchmark signals send from.
final class Sender: Sendable {}

private let receiverCount = 10

let benchmarks: @Sendable () -> Void = {
    // Every benchmark below runs 1,000,000 sends per iteration (scalingFactor .mega), each to 10 receivers;
    // `throughput` is then in millions of sends per second.
    let configuration = Benchmark.Configuration(
        metrics: [.throughput, .wallClock, .mallocCountTotal],
        scalingFactor: .mega,
        maxDuration: .seconds(10),
        maxIterations: 5
    )

    Benchmark("Signal.send (async), 10 receivers", configuration: configuration) { benchmark in
        let signal = Signal<Sender, Int>(name: "bench")
        for _ in 0..<receiverCount {
            signal.connect { _, value in blackHole(value) }
        }
        let sender = Sender()
        benchmark.startMeasurement()
        for index in benchmark.scaledIterations {
            try await signal.send(index, from: sender)
        }
        benchmark.stopMeasurement()
    }

    Benchmark("SyncSignal.send, 10 receivers", configuration: configuration) { benchmark in
        let signal = SyncSignal<Sender, Int>(name: "bench")
        for _ in 0..<receiverCount {
            signal.connect { _, value in blackHole(value) }
        }
        let sender = Sender()
        benchmark.startMeasurement()
        for index in benchmark.scaledIterations {
            try signal.send(index, from: sender)
        }
        benchmark.stopMeasurement()
    }

    Benchmark("Signal.send (async), bound sender, 10 filtered receivers", configuration: configuration) { benchmark in
        let sender = Sender()
        let signal = Signal<Sender, Int>(name: "bench").withDefaultSender(sender)
        for _ in 0..<receiverCount {
            signal.connect { _, value in blackHole(value) }
        }
        benchmark.startMeasurement()
        for index in benchmark.scaledIterations {
            try await signal.send(index)
        }
        benchmark.stopMeasurement()
    }

    // Baselines: the floor, 10 plain closures in an array called in a loop.
    Benchmark("Baseline: 10 raw async closures", configuration: configuration) { benchmark in
        let sender = Sender()
        var closures: [@Sendable (Sender, Int) async throws -> Void] = []
        for _ in 0..<receiverCount {
            closures.append { _, value in blackHole(value) }
        }
        benchmark.startMeasurement()
        for index in benchmark.scaledIterations {
            for closure in closures { try await closure(sender, index) }
        }
        benchmark.stopMeasurement()
    }

    Benchmark("Baseline: 10 raw sync closures", configuration: configuration) { benchmark in
        let sender = Sender()
        var closures: [@Sendable (Sender, Int) throws -> Void] = []
        for _ in 0..<receiverCount {
            closures.append { _, value in blackHole(value) }
        }
        benchmark.startMeasurement()
        for index in benchmark.scaledIterations {
            for closure in closures { try closure(sender, index) }
        }
        benchmark.stopMeasurement()
    }
}
