// swift-tools-version:6.2
import PackageDescription

let package = Package(
    name: "swift-mode",
    platforms: [.macOS(.v15), .iOS(.v18), .tvOS(.v18), .watchOS(.v11), .visionOS(.v2)],
    products: [
        .library(name: "ModeCore", targets: ["ModeCore"]),
        .library(name: "ModeTime", targets: ["ModeTime"]),
        .library(name: "ModeErrors", targets: ["ModeErrors"]),
        .library(name: "ModeLogging", targets: ["ModeLogging"]),
        .library(name: "ModeAsyncSeq", targets: ["ModeAsyncSeq"]),
        .library(name: "ModeCollections", targets: ["ModeCollections"]),
        .library(name: "ModeSignals", targets: ["ModeSignals"]),
        .library(name: "ModeQueues", targets: ["ModeQueues"]),
        .library(name: "ModeSupervisors", targets: ["ModeSupervisors"]),
        .library(name: "ModeTesting", targets: ["ModeTesting"]),
        .library(name: "ModeWorker", targets: ["ModeWorker"]),
        .library(name: "Mode", targets: ["Mode"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-log.git", from: "1.16.2"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle.git", from: "2.13.0"),
        .package(url: "https://github.com/apple/swift-async-algorithms.git", from: "1.1.4"),
        .package(url: "https://github.com/apple/swift-collections.git", from: "1.6.0"),
        .package(url: "https://github.com/apple/swift-metrics.git", from: "2.13.0"),
        .package(url: "https://github.com/apple/swift-argument-parser.git", from: "1.8.2"),
        // Only for `swift package generate-documentation` (DocC); no target depends on it.
        .package(url: "https://github.com/swiftlang/swift-docc-plugin", from: "1.5.0"),
    ],
    targets: [
        // The umbrella: re-exports every module but ModeTesting; no code of its own.
        .target(
            name: "Mode",
            dependencies: [
                "ModeAsyncSeq", "ModeCollections", "ModeCore", "ModeErrors", "ModeLogging", "ModeQueues",
                "ModeSignals", "ModeSupervisors", "ModeTime", "ModeWorker",
            ],
            path: "Modules/Mode"
        ),
        .testTarget(
            name: "ModeTests",
            dependencies: ["Mode", .product(name: "ServiceLifecycle", package: "swift-service-lifecycle")],
            path: "Tests/ModeTests"
        ),

        // Internal: the pthread-backed lock every module uses (no product; see Locked.swift for why).
        .target(name: "ModeConcurrencyHelpers", path: "Modules/ModeConcurrencyHelpers"),
        // Internal: a cache prefetch, which Swift cannot express (the timer scheduler's driver uses it).
        .target(name: "CModePrefetch", path: "Modules/CModePrefetch"),
        // Internal: helpers shared by the test targets (no product).
        .target(
            name: "ModeTestSupport",
            dependencies: [
                "ModeCore", "ModeTesting", "ModeConcurrencyHelpers",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "InMemoryLogging", package: "swift-log"),
            ],
            path: "Tests/ModeTestSupport"
        ),

        // The shape every Mode error shares (`ModeError`, `ModeErrorCode`); each module re-exports it.
        .target(name: "ModeErrors", path: "Modules/ModeErrors"),
        .testTarget(name: "ModeErrorsTests", dependencies: ["ModeErrors"], path: "Tests/ModeErrorsTests"),

        // The time utilities that need no service runtime (parsing, cron, token bucket, timers); a leaf:
        // no other Mode module. ModeCore re-exports it.
        .target(
            name: "ModeTime",
            dependencies: [
                "ModeErrors", "ModeConcurrencyHelpers",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "HeapModule", package: "swift-collections"),
            ],
            path: "Modules/ModeTime"
        ),
        .testTarget(
            name: "ModeTimeTests",
            dependencies: [
                "ModeTime",
                "ModeTesting",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "InMemoryLogging", package: "swift-log"),
            ],
            path: "Tests/ModeTimeTests"
        ),

        .target(
            name: "ModeCore",
            dependencies: [
                "ModeTime",
                "ModeErrors",
                "ModeConcurrencyHelpers",
                "CModePrefetch",
                "ModeLogging",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "CoreMetrics", package: "swift-metrics"),
                .product(name: "HeapModule", package: "swift-collections"),
            ],
            path: "Modules/ModeCore"
        ),
        .testTarget(
            name: "ModeCoreTests",
            dependencies: [
                "ModeCore",
                "ModeTestSupport",
                "ModeTesting",
                "ModeConcurrencyHelpers",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "InMemoryLogging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "CoreMetrics", package: "swift-metrics"),
                .product(name: "MetricsTestKit", package: "swift-metrics"),
            ],
            path: "Tests/ModeCoreTests",
            exclude: ["Golden"]
        ),

        .target(
            name: "ModeSupervisors",
            dependencies: [
                "ModeCore", "ModeErrors", "ModeConcurrencyHelpers",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "DequeModule", package: "swift-collections"),
            ],
            path: "Modules/ModeSupervisors"
        ),
        .testTarget(
            name: "ModeSupervisorsTests",
            dependencies: [
                "ModeSupervisors",
                "ModeTestSupport",
                "ModeCore",
                "ModeTesting",
                "ModeConcurrencyHelpers",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "InMemoryLogging", package: "swift-log"),
                .product(name: "CoreMetrics", package: "swift-metrics"),
                .product(name: "MetricsTestKit", package: "swift-metrics"),
            ],
            path: "Tests/ModeSupervisorsTests"
        ),

        .target(
            name: "ModeLogging",
            dependencies: ["ModeErrors", "ModeConcurrencyHelpers", .product(name: "Logging", package: "swift-log")],
            path: "Modules/ModeLogging"
        ),
        .testTarget(
            name: "ModeLoggingTests",
            dependencies: [
                "ModeLogging",
                "ModeTesting",
                "ModeConcurrencyHelpers",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "InMemoryLogging", package: "swift-log"),
            ],
            path: "Tests/ModeLoggingTests"
        ),

        .target(
            name: "ModeAsyncSeq",
            dependencies: ["ModeErrors", .product(name: "AsyncAlgorithms", package: "swift-async-algorithms")],
            path: "Modules/ModeAsyncSeq"
        ),
        .testTarget(
            name: "ModeAsyncSeqTests",
            dependencies: ["ModeAsyncSeq", "ModeConcurrencyHelpers"],
            path: "Tests/ModeAsyncSeqTests"
        ),

        .target(
            name: "ModeCollections",
            dependencies: [
                "ModeErrors", "ModeConcurrencyHelpers", .product(name: "HeapModule", package: "swift-collections"),
            ],
            path: "Modules/ModeCollections"
        ),
        .testTarget(
            name: "ModeCollectionsTests",
            dependencies: ["ModeCollections", "ModeConcurrencyHelpers"],
            path: "Tests/ModeCollectionsTests"
        ),

        .target(
            name: "ModeSignals",
            dependencies: ["ModeErrors", "ModeConcurrencyHelpers"],
            path: "Modules/ModeSignals"
        ),
        .testTarget(
            name: "ModeSignalsTests",
            dependencies: ["ModeSignals", "ModeConcurrencyHelpers"],
            path: "Tests/ModeSignalsTests"
        ),

        .target(
            name: "ModeQueues",
            dependencies: [
                "ModeErrors", "ModeConcurrencyHelpers", .product(name: "DequeModule", package: "swift-collections"),
            ],
            path: "Modules/ModeQueues"
        ),
        .testTarget(
            name: "ModeQueuesTests",
            dependencies: ["ModeQueues", "ModeConcurrencyHelpers"],
            path: "Tests/ModeQueuesTests"
        ),

        .target(
            name: "ModeWorker",
            dependencies: [
                "ModeCore",
                "ModeSupervisors",
                "ModeLogging",
                "ModeErrors",
                "ModeConcurrencyHelpers",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "UnixSignals", package: "swift-service-lifecycle"),
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ],
            path: "Modules/ModeWorker"
        ),
        // A small program built on ModeWorker that ModeWorkerTests start as a real process.
        .executableTarget(
            name: "ModeWorkerFixture",
            dependencies: [
                "ModeWorker",
                "ModeCore",
                "ModeSupervisors",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ],
            path: "Tests/ModeWorkerFixture"
        ),
        .testTarget(
            name: "ModeWorkerTests",
            dependencies: [
                "ModeWorker",
                "ModeWorkerFixture",
                "ModeTestSupport",
                "ModeSupervisors",
                "ModeCore",
                "ModeLogging",
                "ModeTesting",
                "ModeConcurrencyHelpers",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "InMemoryLogging", package: "swift-log"),
                .product(name: "UnixSignals", package: "swift-service-lifecycle"),
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ],
            path: "Tests/ModeWorkerTests"
        ),

        .target(name: "ModeTesting", dependencies: ["ModeCore", "ModeTime", "ModeConcurrencyHelpers"], path: "Modules/ModeTesting"),
        .testTarget(
            name: "ModeTestingTests",
            dependencies: [
                "ModeTesting", "ModeCore", "ModeConcurrencyHelpers", "ModeSupervisors", "ModeLogging",
                "ModeTestSupport",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "InMemoryLogging", package: "swift-log"),
            ],
            path: "Tests/ModeTestingTests"
        ),
    ]
)

// Every target: Swift 6 language mode (complete strict concurrency) plus the upcoming features the
// swift-log/NIO family enables. With InternalImportsByDefault, write `public import X` where a public
// declaration mentions a type of X.
for target in package.targets where target.name != "CModePrefetch" {
    target.swiftSettings =
        (target.swiftSettings ?? []) + [
            .enableUpcomingFeature("ExistentialAny"),
            .enableUpcomingFeature("MemberImportVisibility"),
            .enableUpcomingFeature("InternalImportsByDefault"),
            .enableUpcomingFeature("NonisolatedNonsendingByDefault"),
        ]
}
