import CoreMetrics
import MetricsTestKit
import ModeCore
import ModeTesting
import ModeTestSupport
import Testing

@Suite(.timeLimit(.minutes(1)))
struct ServiceMetricsTests {
    @Test func startsStopsCrashesAndRestartsAreCountedPerService() async throws {
        let metrics = TestMetrics()
        try await withMetricsFactory(metrics) {
            let events = EventLog()
            let child = TestService("MetricsChild", events: events)
            let root = TestService("MetricsRoot", events: events, dependencies: [child])
            try await root.start()
            child.crash(Boom())
            try await root.restart()
            await root.stop()
        }
        func total(_ label: String, _ service: String) -> Int64 {
            metrics.counterTotal(label: label, dimensions: [("service", service)])
        }
        #expect(total(ModeMetrics.serviceStarts, "MetricsRoot") == 2)
        #expect(total(ModeMetrics.serviceStarts, "MetricsChild") == 2)
        #expect(total(ModeMetrics.serviceStops, "MetricsRoot") == 2)
        #expect(total(ModeMetrics.serviceStops, "MetricsChild") == 2)
        #expect(total(ModeMetrics.serviceCrashes, "MetricsChild") == 1)
        #expect(total(ModeMetrics.serviceCrashes, "MetricsRoot") == 0)  // marked crashed, not its own crash
        #expect(total(ModeMetrics.serviceRestarts, "MetricsRoot") == 1)
        #expect(total(ModeMetrics.serviceRestarts, "MetricsChild") == 1)
        let stopDurations = try metrics.expectTimer(ModeMetrics.serviceStopDuration, [("service", "MetricsRoot")])
        #expect(stopDurations.values.count == 2)
        #expect(stopDurations.values.allSatisfy { $0 >= 0 })
    }

    @Test func stopDurationIsMeasuredOnTheServicesClock() async throws {
        let metrics = TestMetrics()
        let clock = ManualClock()
        let service = TestService(
            "SlowStop",
            events: EventLog(),
            clock: clock,
            configuration: { $0.waitForShutdown = true; $0.shutdownTimeout = .seconds(3) }
        )
        try await withMetricsFactory(metrics) {
            try await service.start()
            async let stopped: Void = service.stop()
            await clock.waitForSleepers(count: 1)
            clock.advance(by: .seconds(3))
            await stopped
        }
        let timer = try metrics.expectTimer(ModeMetrics.serviceStopDuration, [("service", "SlowStop")])
        #expect(timer.values == [3_000_000_000])
    }

    @Test func timersReportTicksOverlapsAndLateness() async throws {
        let metrics = TestMetrics()
        let clock = ManualClock()
        let service = TimerService(clock: clock, events: EventLog()) {
            .timer("poll", every: .seconds(1), jitter: .none) {}
        }
        try await withMetricsFactory(metrics) {
            try await service.start()
            await clock.waitForSleepers(count: 1)
            clock.advance(by: .milliseconds(1250))  // a quarter of a second late
            await clock.waitForSleepers(count: 1)
            clock.advance(by: .milliseconds(750))  // on time
            await clock.waitForSleepers(count: 1)
            await service.stop()
        }
        let dimensions = [("service", "TimerService"), ("timer", "poll")]
        #expect(metrics.counterTotal(label: ModeMetrics.timerTicks, dimensions: dimensions) == 2)
        #expect(metrics.counterTotal(label: ModeMetrics.timerOverlaps, dimensions: dimensions) == 0)
        let lateness = try metrics.expectTimer(ModeMetrics.timerLateness, dimensions)
        #expect(lateness.values == [250_000_000, 0])
    }

    @Test func nothingIsMadeWithTheNoOpBackend() async throws {
        // No factory bound and none bootstrapped in this process: the service records nothing, anywhere.
        let metrics = TestMetrics()
        let service = TestService("Unmetered", events: EventLog())
        try await service.start()
        await service.stop()
        // Binding a factory later does not reach a service that already looked its backend up.
        try await withMetricsFactory(metrics) {
            try await service.restart()
            await service.stop()
        }
        #expect(metrics.counters.isEmpty)
        #expect(metrics.timers.isEmpty)
    }
}
