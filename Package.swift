// swift-tools-version:6.2
import PackageDescription

let package = Package(
    name: "swift-mode",
    platforms: [.macOS(.v15), .iOS(.v18), .tvOS(.v18), .watchOS(.v11), .visionOS(.v2)],  // Synchronization
    products: [
        .library(name: "ModeCore", targets: ["ModeCore"]),
        .library(name: "ModeTesting", targets: ["ModeTesting"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-log.git", from: "1.16.2"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle.git", from: "2.13.0"),
        .package(url: "https://github.com/apple/swift-async-algorithms.git", from: "1.1.4"),
        .package(url: "https://github.com/apple/swift-collections.git", from: "1.6.0"),
    ],
    targets: [
        // Internal: the pthread-backed lock every module uses (no product).
        .target(name: "ModeConcurrencyHelpers", path: "Modules/ModeConcurrencyHelpers"),
        .target(
            name: "ModeCore",
            dependencies: [
                "ModeConcurrencyHelpers",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ],
            path: "Modules/ModeCore"
        ),
        .target(name: "ModeTesting", dependencies: ["ModeCore", "ModeConcurrencyHelpers"], path: "Modules/ModeTesting"),
        .testTarget(
            name: "ModeCoreTests",
            dependencies: [
                "ModeCore", "ModeTesting",
                .product(name: "InMemoryLogging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ],
            path: "Tests/ModeCoreTests"
        ),
    ]
)

// Every target: Swift 6 language mode (complete strict concurrency) plus the upcoming features the
// swift-log/NIO family enables. With InternalImportsByDefault, write `public import X` where a public
// declaration mentions a type of X.
for target in package.targets {
    target.swiftSettings =
        (target.swiftSettings ?? []) + [
            .enableUpcomingFeature("ExistentialAny"),
            .enableUpcomingFeature("MemberImportVisibility"),
            .enableUpcomingFeature("InternalImportsByDefault"),
            .enableUpcomingFeature("NonisolatedNonsendingByDefault"),
        ]
}
