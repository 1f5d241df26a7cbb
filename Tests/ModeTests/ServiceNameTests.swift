import Mode
import ServiceLifecycle
import Testing

/// A file that imports both Mode and swift-service-lifecycle: `Service` is Mode's protocol (the umbrella
/// re-exports it on its own, which takes precedence), and swift-service-lifecycle's is spelled in full.
struct ServiceNameTests {
    /// Compiles only if `Service` here is Mode's protocol: swift-service-lifecycle's requires `run()`.
    actor Cache: Service {
        let runtime = ServiceRuntime()
    }

    /// swift-service-lifecycle's protocol, by its qualified name.
    struct Ticker: ServiceLifecycle.Service {
        func run() async throws {}
    }

    @Test func serviceMeansModesServiceAndTheOtherIsQualified() async throws {
        let cache = Cache()
        try cache.addDependency(LifecycleService(Ticker(), name: "Ticker"))  // the interop, both ways named
        try await cache.start()
        #expect(cache.state == .running)
        #expect(cache.children.map(\.label) == ["Ticker"])
        await cache.stop()
        #expect(cache.state == .stopped)
    }
}
