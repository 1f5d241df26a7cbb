// swift-tools-version:6.2
import PackageDescription

let package = Package(
    name: "ModeBenchmarks",
    platforms: [.macOS(.v15)],
    dependencies: [
        .package(name: "swift-mode", path: "../.."),
        .package(url: "https://github.com/ordo-one/benchmark.git", from: "1.38.1", traits: ["MallocInterposer"]),
    ],
    targets: [
        .executableTarget(
            name: "ModeSignalsBenchmarks",
            dependencies: [
                .product(name: "Benchmark", package: "benchmark"),
                .product(name: "ModeSignals", package: "swift-mode"),
            ],
            path: "Benchmarks/ModeSignalsBenchmarks",
            plugins: [.plugin(name: "BenchmarkPlugin", package: "benchmark")]
        ),
    ]
)
