import CoreMetrics
import MetricsTestKit
import ModeCore
import ModeSupervisors
import ModeTesting
import ModeTestSupport
import Testing

@Suite(.timeLimit(.minutes(1)))
struct SupervisorMetricsTests {
    @Test func giveUpsAndEscalationsAreCountedPerSupervisor() async throws {
        let metrics = TestMetrics()
        try await withMetricsFactory(metrics) {
            let log = EventLog()
            let children = [makeChild("m0", events: log), makeChild("m1", events: log)]
            let feed = EventFeed()
            var events = feed.stream.makeAsyncIterator()
            let forfeit = Supervisor(
                children,
                strategy: .forfeitOneForOne,
                label: "ForfeitingSupervisor",
                configuration: quietConfiguration(),
                onEvent: feed.handler
            )
            try await withRunningService(forfeit) { _ in
                children[0].crash(Boom())
                let first = try await nextEvent(&events)
                #expect(first.kind == .gaveUp)
                children[1].crash(Boom())
                let second = try await nextEvent(&events)
                #expect(second.kind == .gaveUp)
            }

            let child = makeChild("e0", events: log)
            let escalatingFeed = EventFeed()
            var escalatingEvents = escalatingFeed.stream.makeAsyncIterator()
            let escalating = Supervisor(
                [child],
                intensity: try RestartIntensity(maxRestarts: 0, within: .seconds(5)),
                label: "StrictSupervisor",
                configuration: quietConfiguration(),
                onEvent: escalatingFeed.handler
            )
            try await escalating.start()
            child.crash(Boom())
            let escalation = try await nextEvent(&escalatingEvents)
            #expect(escalation.kind == .escalated)
            await escalating.stop()
        }
        #expect(
            metrics.counterTotal(label: ModeMetrics.supervisorGiveUps, dimensions: [("supervisor", "ForfeitingSupervisor")]) == 2
        )
        #expect(
            metrics.counterTotal(label: ModeMetrics.supervisorEscalations, dimensions: [("supervisor", "StrictSupervisor")]) == 1
        )
        #expect(metrics.counterTotal(label: ModeMetrics.supervisorGiveUps, dimensions: [("supervisor", "StrictSupervisor")]) == 0)
        #expect(metrics.counterTotal(label: ModeMetrics.serviceCrashes, dimensions: [("service", "m0")]) == 1)
    }
}
