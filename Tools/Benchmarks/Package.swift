// swift-tools-version:6.2
import PackageDescription

// Benchmarks live in their own package so the main build stays light. See README.md here for how to run them
// and for the figures measured so far.
let package = Package(
    name: "ModeBenchmarks",
    platforms: [.macOS(.v15)],
    dependencies: [
        .package(name: "swift-mode", path: "../.."),
        .package(url: "https://github.com/ordo-one/benchmark.git", from: "1.38.1", traits: ["MallocInterposer"]),
        .package(url: "https://github.com/apple/swift-log.git", from: "1.16.2"),
        .package(url: "https://github.com/apple/swift-collections.git", from: "1.6.0"),
    ],
    targets: [
        // Sizes from the environment and the JSON-line record every target writes (see compare.py).
        .target(name: "BenchmarkSupport", path: "Benchmarks/BenchmarkSupport"),
        // The same scenarios in plain Swift concurrency: the floor beside each Mode figure.
        .executableTarget(
            name: "PlainSwiftAnchors",
            dependencies: ["BenchmarkSupport", .product(name: "DequeModule", package: "swift-collections")],
            path: "Benchmarks/PlainSwiftAnchors"
        ),
        .executableTarget(
            name: "ModeCoreBenchmarks",
            dependencies: [
                .product(name: "Benchmark", package: "benchmark"),
                "BenchmarkSupport",
                .product(name: "ModeCore", package: "swift-mode"),
                .product(name: "Logging", package: "swift-log"),
            ],
            path: "Benchmarks/ModeCoreBenchmarks",
            plugins: [.plugin(name: "BenchmarkPlugin", package: "benchmark")]
        ),
        .executableTarget(
            name: "ModeSignalsBenchmarks",
            dependencies: [
                .product(name: "Benchmark", package: "benchmark"),
                "BenchmarkSupport",
                .product(name: "ModeSignals", package: "swift-mode"),
            ],
            path: "Benchmarks/ModeSignalsBenchmarks",
            plugins: [.plugin(name: "BenchmarkPlugin", package: "benchmark")]
        ),
        .executableTarget(
            name: "ModeQueuesBenchmarks",
            dependencies: [
                .product(name: "Benchmark", package: "benchmark"),
                "BenchmarkSupport",
                .product(name: "ModeQueues", package: "swift-mode"),
            ],
            path: "Benchmarks/ModeQueuesBenchmarks",
            plugins: [.plugin(name: "BenchmarkPlugin", package: "benchmark")]
        ),
        .executableTarget(
            name: "ModeSupervisorsBenchmarks",
            dependencies: [
                .product(name: "Benchmark", package: "benchmark"),
                "BenchmarkSupport",
                .product(name: "ModeCore", package: "swift-mode"),
                .product(name: "ModeSupervisors", package: "swift-mode"),
                .product(name: "Logging", package: "swift-log"),
            ],
            path: "Benchmarks/ModeSupervisorsBenchmarks",
            plugins: [.plugin(name: "BenchmarkPlugin", package: "benchmark")]
        ),
    ]
)
