// swift-tools-version:6.2
import PackageDescription

// The examples that README.md and the guides in Docs/ quote. Each is an executable; CI builds them all and
// runs every one of them, so the code in the docs always compiles and works.
let package = Package(
    name: "ModeExamples",
    platforms: [.macOS(.v15)],
    dependencies: [
        .package(name: "swift-mode", path: "../.."),
        .package(url: "https://github.com/apple/swift-log.git", from: "1.16.2"),
        .package(url: "https://github.com/apple/swift-metrics.git", from: "2.13.0"),
        .package(url: "https://github.com/apple/swift-argument-parser.git", from: "1.8.2"),
        .package(url: "https://github.com/hummingbird-project/hummingbird.git", from: "2.28.1"),
        .package(url: "https://github.com/hummingbird-project/hummingbird-websocket.git", from: "2.8.1"),
        .package(url: "https://github.com/swift-server/swift-prometheus.git", from: "2.4.1"),
    ],
    targets: [
        .executableTarget(
            name: "WorkerTour",
            dependencies: [
                .product(name: "ModeCore", package: "swift-mode"),
                .product(name: "ModeWorker", package: "swift-mode"),
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ],
            path: "Sources/WorkerTour"
        ),
        .executableTarget(
            name: "ServiceTree",
            dependencies: [
                .product(name: "ModeCore", package: "swift-mode"),
                .product(name: "ModeLogging", package: "swift-mode"),
            ],
            path: "Sources/ServiceTree"
        ),
        .executableTarget(
            name: "CoreTour",
            dependencies: [
                .product(name: "ModeCore", package: "swift-mode"),
                .product(name: "ModeLogging", package: "swift-mode"),
            ],
            path: "Sources/CoreTour"
        ),
        .executableTarget(
            name: "SupervisorTour",
            dependencies: [
                .product(name: "ModeCore", package: "swift-mode"),
                .product(name: "ModeSupervisors", package: "swift-mode"),
            ],
            path: "Sources/SupervisorTour"
        ),
        .executableTarget(
            name: "TimeTour",
            dependencies: [.product(name: "ModeCore", package: "swift-mode")],
            path: "Sources/TimeTour"
        ),
        .executableTarget(
            name: "ModeTimeTour",
            dependencies: [.product(name: "ModeTime", package: "swift-mode")],
            path: "Sources/ModeTimeTour"
        ),
        .executableTarget(
            name: "ModeLoggingTour",
            dependencies: [
                .product(name: "ModeLogging", package: "swift-mode"),
                .product(name: "Logging", package: "swift-log"),
            ],
            path: "Sources/ModeLoggingTour"
        ),
        .executableTarget(
            name: "ModeSignalsTour",
            dependencies: [.product(name: "ModeSignals", package: "swift-mode")],
            path: "Sources/ModeSignalsTour"
        ),
        .executableTarget(
            name: "ModeQueuesTour",
            dependencies: [.product(name: "ModeQueues", package: "swift-mode")],
            path: "Sources/ModeQueuesTour"
        ),
        .executableTarget(
            name: "ModeAsyncSeqTour",
            dependencies: [.product(name: "ModeAsyncSeq", package: "swift-mode")],
            path: "Sources/ModeAsyncSeqTour"
        ),
        .executableTarget(
            name: "ModeTestingTour",
            dependencies: [
                .product(name: "ModeCore", package: "swift-mode"),
                .product(name: "ModeSupervisors", package: "swift-mode"),
                .product(name: "ModeTesting", package: "swift-mode"),
            ],
            path: "Sources/ModeTestingTour"
        ),
        .executableTarget(
            name: "IntrospectionTour",
            dependencies: [
                .product(name: "ModeCore", package: "swift-mode"),
                .product(name: "CoreMetrics", package: "swift-metrics"),
                .product(name: "MetricsTestKit", package: "swift-metrics"),
            ],
            path: "Sources/IntrospectionTour"
        ),
        .executableTarget(
            name: "ModeCollectionsTour",
            dependencies: [.product(name: "ModeCollections", package: "swift-mode")],
            path: "Sources/ModeCollectionsTour"
        ),
        // The tutorial (Docs/Tutorial.md): a real server. CI starts it and talks to it
        // (tutorial-check.sh) instead of running it in the example loop.
        .executableTarget(
            name: "Tutorial",
            dependencies: [
                .product(name: "Mode", package: "swift-mode"),
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HummingbirdWebSocket", package: "hummingbird-websocket"),
                .product(name: "Prometheus", package: "swift-prometheus"),
                .product(name: "Metrics", package: "swift-metrics"),
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ],
            path: "Sources/Tutorial"
        ),
    ]
)
