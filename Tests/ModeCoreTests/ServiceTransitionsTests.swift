import ModeConcurrencyHelpers
import ModeCore
import ModeTestSupport
import ModeTesting
import Testing

@Suite(.timeLimit(.minutes(1)))
struct ServiceTransitionsTests {
    /// Collects the transitions of one service only: the observation point sees the whole process, and other
    /// tests run in parallel.
    final class Collector: Sendable {
        let service: any Service
        let seen = Locked<[ServiceTransition]>([])

        init(_ service: any Service) {
            self.service = service
        }

        func receive(_ transition: ServiceTransition) {
            if transition.service === self.service { self.seen.withLock { $0.append(transition) } }
        }

        var steps: [String] { self.seen.withLock { $0.map { "\($0.from)->\($0.to)" } } }
    }

    @Test func everyPhaseChangeAndCrashIsReportedOnceInOrder() async throws {
        let clock = ManualClock()
        let service = TestService("A", events: EventLog(), clock: clock)
        let collector = Collector(service)
        let observation = ServiceTransitions.observe { collector.receive($0) }
        defer { observation.cancel() }
        try await service.start()
        clock.advance(by: .seconds(2))
        service.crash(Boom())
        service.crash(Boom())  // a second crash is no change
        await service.stop()
        try await service.restart()
        await service.stop()
        // A crashed service reads crashed while it stops: its stop shows no change.
        #expect(
            collector.steps == [
                "init->starting", "starting->running", "running->crashed", "crashed->init",
                "init->starting", "starting->running", "running->stopping", "stopping->stopped",
            ]
        )
        #expect(collector.seen.withLock { $0[2].time } == .seconds(2))
        #expect(collector.seen.withLock { $0[2].description } == "A: running -> crashed at 2.0 seconds")
    }

    @Test func aFailedStartIsReported() async throws {
        let service = TestService("A", events: EventLog(), hooks: ["onStart": { _ in throw Boom() }])
        let collector = Collector(service)
        let observation = ServiceTransitions.observe { collector.receive($0) }
        defer { observation.cancel() }
        await #expect(throws: Boom.self) { try await service.start() }
        #expect(collector.steps == ["init->starting", "starting->failed"])
    }

    /// A runtime keeps no reference to a service outside a tree until transitions are observed: a service
    /// already running when an observer comes is recorded at its next entry point, and its stop is heard.
    @Test func anObserverThatComesWhileAServiceRunsHearsItsStop() async throws {
        let service = TestService("A", events: EventLog())
        try await service.start()
        let collector = Collector(service)
        let observation = ServiceTransitions.observe { collector.receive($0) }
        defer { observation.cancel() }
        await service.stop()
        #expect(collector.steps == ["running->stopping", "stopping->stopped"])
        #expect(collector.seen.withLock { $0.allSatisfy { $0.label == "A" } })
    }

    @Test func aCancelledObservationHearsNothingMore() async throws {
        let service = TestService("A", events: EventLog())
        let collector = Collector(service)
        let observation = ServiceTransitions.observe { collector.receive($0) }
        try await service.start()
        observation.cancel()
        observation.cancel()  // twice is harmless
        await service.stop()
        #expect(collector.steps == ["init->starting", "starting->running"])
    }
}
