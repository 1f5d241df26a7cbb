import Logging
import ModeCore
import ModeTesting
import ServiceLifecycle
import ModeTestSupport
import Testing

@Suite(.timeLimit(.minutes(1)), .serviceLeakCheck)
struct ServiceLifecycleBridgeTests {
    var logger: Logger {
        var logger = Logger(label: "test")
        logger.logLevel = .critical
        return logger
    }

    @Test func aModeServiceRunsInAServiceGroupAndStopsOnGracefulShutdown() async throws {
        let events = EventLog()
        let service = TestService("App", events: events)
        let group = ServiceGroup(services: [service.lifecycleService], logger: self.logger)
        let recorder = LifecycleRecorder(of: service)
        try await withThrowingTaskGroup(of: Void.self) { tasks in
            tasks.addTask { try await group.run() }
            await recorder.wait(for: service, toReach: .running)
            await group.triggerGracefulShutdown()
            try await tasks.waitForAll()
        }
        #expect(service.state == .stopped)
        #expect(events.all.contains("App.onShutdown"))
    }

    @Test func aCrashOfTheModeServiceIsThrownToTheGroup() async throws {
        let service = TestService("App", events: EventLog(), tasks: ["fail": { _ in throw Boom(id: 8) }])
        let group = ServiceGroup(services: [service.lifecycleService], logger: self.logger)
        let error = await #expect(throws: ServiceError.self) { try await group.run() }
        #expect(error?.code == .crashed)
        #expect(error?.underlying as? Boom == Boom(id: 8))
        #expect(service.runtime.lifecycleState == .stopped)
    }

    @Test func aLifecycleServiceRunsAsAModeChildAndShutsDownGracefully() async throws {
        let events = EventLog()
        let wrapped = GracefulService(events: events)
        let child = LifecycleService(wrapped, name: "http")
        let root = TestService("Root", events: events, dependencies: [child])
        try await root.start()
        while !events.all.contains("http running") { await Task.yield() }
        await root.stop()
        #expect(events.all.contains("http graceful shutdown"))
        #expect(child.state == .stopped)
        try assertStoppedClean(root)
    }

    @Test func aLifecycleServiceThatIgnoresGracefulShutdownIsCancelled() async throws {
        let clock = ManualClock()
        let events = EventLog()
        let child = LifecycleService(StubbornService(clock: clock, events: events), gracefulShutdownTimeout: .zero)
        try await child.start()
        await clock.waitForSleepers(count: 1)
        await child.stop()
        #expect(events.all.contains("stubborn cancelled"))
        try assertStoppedClean(child)
    }
}

/// A swift-service-lifecycle service that returns on graceful shutdown.
struct GracefulService: ServiceLifecycle.Service {
    let events: EventLog

    func run() async throws {
        self.events.record("http running")
        try? await gracefulShutdown()
        self.events.record("http graceful shutdown")
    }
}

/// A swift-service-lifecycle service that only stops when cancelled.
struct StubbornService: ServiceLifecycle.Service {
    let clock: ManualClock
    let events: EventLog

    func run() async throws {
        do {
            try await self.clock.sleep(for: .seconds(3600))
        } catch {
            self.events.record("stubborn cancelled")
            throw error
        }
    }
}
