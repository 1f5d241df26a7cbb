import ModeCore
import ModeTesting
import ModeTestSupport
import Testing

/// A proxy named after itself that runs a `TestService`.
actor DatabaseProxy: ServiceProxy {
    nonisolated let service: any Service

    init(_ service: any Service) {
        self.service = service
    }
}

@Suite(.timeLimit(.minutes(1)))
struct ServiceProxyTests {
    @Test func theProxyRunsTheServicesLifecycleUnderItsOwnLabel() async throws {
        let events = EventLog()
        let pool = TestService("Pool", events: events, tasks: ["serve": { service in await service.sleep(for: .seconds(3600)) }])
        let proxy = DatabaseProxy(pool)
        #expect(proxy.label == "DatabaseProxy")
        try await proxy.start()
        #expect(events.all == ["Pool.initDependencies", "Pool.onFirstStart", "Pool.onStart", "Pool.onStarted"])
        #expect(proxy.state == .running)
        #expect(pool.state == .running)
        #expect(proxy.runtime === pool.runtime)
        #expect(proxy.runningTaskNames == ["serve"])
        #expect(proxy.beacon === pool.beacon)
        #expect(proxy.snapshot().label == "DatabaseProxy")
        #expect("\(proxy)" == "<DatabaseProxy: running>")

        try await proxy.restart()
        #expect(events.filter("Pool.onRestart") == ["Pool.onRestart"])
        #expect(pool.restartCount == 1)

        proxy.crash(Boom())
        #expect(pool.isCrashed)
        #expect(pool.crashReason as? Boom == Boom())

        await proxy.stop()
        #expect(pool.state == .crashed)
        #expect(events.filter("Pool.onShutdown").count == 2)
        try assertStoppedClean(pool)
    }

    @Test func aProxyIsAChildLikeAnyOther() async throws {
        let events = EventLog()
        let pool = TestService("Pool", events: events)
        let root = TestService("App", events: events, dependencies: [DatabaseProxy(pool)])
        try await root.start()
        #expect(pool.state == .running)
        #expect(root.snapshot().children.map(\.label) == ["DatabaseProxy"])
        #expect(root.dot().contains("\"App\" -> \"DatabaseProxy\""))
        await root.stop()
        #expect(pool.state == .stopped)
    }
}

@Suite(.timeLimit(.minutes(1)))
struct JoinServicesTests {
    @Test func joinStartsInOrderAndTheServicesStopWithTheOwner() async throws {
        let events = EventLog()
        let owner = TestService("Owner", events: events)
        try await owner.start()
        let a = TestService("A", events: events)
        let b = TestService("B", events: events)
        try await owner.joinServices([a, b])
        #expect(events.filter("A.onStarted").count == 1)
        #expect(events.all.firstIndex(of: "A.onStarted")! < events.all.firstIndex(of: "B.onStart")!)
        #expect(owner.children.count == 2)
        #expect(a.beacon.parent === owner.beacon)
        await owner.stop()
        #expect(a.state == .stopped && b.state == .stopped)
        #expect(events.all.firstIndex(of: "B.onStop")! < events.all.firstIndex(of: "A.onStop")!)
    }

    @Test func aFailedStartStopsTheStartedOnesAndRemovesThemAll() async throws {
        let events = EventLog()
        let owner = TestService("Owner", events: events)
        try await owner.start()
        let a = TestService("A", events: events)
        let b = TestService("B", events: events)
        let c = TestService("C", events: events, hooks: ["onStart": { _ in throw Boom(id: 3) }])
        let d = TestService("D", events: events)
        await #expect(throws: Boom(id: 3)) { try await owner.joinServices([a, b, c, d]) }
        #expect(a.state == .stopped)
        #expect(b.state == .stopped)
        #expect(c.state == .failed)
        #expect(d.state == .initial)
        #expect(events.filter("D.").isEmpty)
        #expect(events.all.firstIndex(of: "B.onStop")! < events.all.firstIndex(of: "A.onStop")!)
        #expect(owner.children.isEmpty)
        #expect(owner.state == .running)
        await owner.stop()
    }

    @Test func aLaterCrashCrashesTheOwner() async throws {
        let events = EventLog()
        let owner = TestService("Owner", events: events)
        try await owner.start()
        let a = TestService("A", events: events)
        try await owner.joinServices([a])
        a.crash(Boom())
        #expect(owner.isCrashed)
        #expect(owner.crashReason as? Boom == Boom())
        await owner.stop()
    }

    @Test func aStoppingOrCrashedOwnerRefusesToJoin() async throws {
        let events = EventLog()
        let owner = TestService("Owner", events: events)
        try await owner.start()
        owner.crash(Boom())
        let a = TestService("A", events: events)
        await #expect(throws: ServiceError.self) { try await owner.joinServices([a]) }
        #expect(a.state == .initial)
        #expect(owner.children.isEmpty)
        await owner.stop()
    }

    @Test func joiningNothingOrAnAncestorIsHandled() async throws {
        let events = EventLog()
        let owner = TestService("Owner", events: events)
        let child = TestService("Child", events: events)
        try owner.addDependency(child)
        try await owner.joinServices([])
        #expect(owner.children.count == 1)
        await #expect(throws: ServiceError.self) { try await child.joinServices([owner]) }
        #expect(child.children.isEmpty)
        #expect(owner.state == .initial)
    }
}

@Suite struct ServiceDescriptionTests {
    @Test func aServiceReadsAsLabelAndState() async throws {
        let service = TestService("Webserver", events: EventLog())
        #expect(service.description == "<Webserver: init>")
        try await service.start()
        #expect("\(service)" == "<Webserver: running>")
        #expect(String(describing: service) == "<Webserver: running>")
        let services: [any Service] = [service]
        #expect("\(services)" == "[<Webserver: running>]")
        await service.stop()
        #expect("\(service)" == "<Webserver: stopped>")
        #expect(LabelledService("Cache").description == "<Cache: init>")
    }
}
