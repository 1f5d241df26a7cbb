import ModeCore
import ModeTestSupport
import ModeTesting
import Testing

/// A stop that arrives before the first start is remembered, and never poisons the tree.
@Suite(.timeLimit(.minutes(1)))
struct StopBeforeStartTests {
    @Test func aChildStoppedBeforeItsParentStartsIsSkippedAndTheRestStarts() async throws {
        let events = EventLog()
        let early = TestService("Early", events: events)
        let other = TestService("Other", events: events)
        let parent = TestService("Parent", events: events, dependencies: [early, other])
        try parent.addDependency(early)
        await early.stop()
        #expect(early.state == .stopped)

        try await parent.start()

        #expect(parent.state == .running)
        #expect(other.state == .running)
        #expect(early.state == .stopped)
        #expect(!events.all.contains("Early.onStart"))
        #expect(events.all.filter { $0 == "Other.onStart" }.count == 1)
        await parent.stop()
        #expect(other.state == .stopped)
        try assertStoppedClean(parent)
    }

    @Test func maybeStartOnAServiceStoppedBeforeItStartedReturnsFalse() async throws {
        let service = TestService("A", events: EventLog())
        await service.stop()
        #expect(try await service.maybeStart() == false)
        #expect(service.state == .stopped)
    }

    @Test func anExplicitStartAfterAnEarlyStopStillSaysToRestart() async throws {
        let service = TestService("A", events: EventLog())
        await service.stop()
        await #expect(throws: ServiceError.stopped(code: .stopped)) { try await service.start() }
        try await service.restart()
        #expect(service.state == .running)
        await service.stop()
    }

    @Test func addRuntimeDependencyOfAnEarlyStoppedChildDoesNotThrow() async throws {
        let events = EventLog()
        let parent = TestService("Parent", events: events)
        try await parent.start()
        let child = TestService("Child", events: events)
        await child.stop()
        try await parent.addRuntimeDependency(child)
        #expect(child.state == .stopped)
        #expect(parent.state == .running)
        await parent.stop()
    }

    @Test func aChildStoppedWhileItsParentRestartsIsSkippedNotFatal() async throws {
        let events = EventLog()
        let child = TestService("Child", events: events)
        let sibling = TestService("Sibling", events: events)
        let parent = TestService(
            "Parent",
            events: events,
            dependencies: [child, sibling],
            hooks: [
                "onRestart": { _ in
                    // The parent's stop and reset are done; the child now stops before the new start.
                    await child.stop()
                }
            ]
        )
        try await parent.start()
        try await parent.restart()

        #expect(parent.state == .running)
        #expect(sibling.state == .running)
        #expect(child.state == .stopped)
        await parent.stop()
        try assertStoppedClean(parent)
    }

    @Test func onlyAFailingHookLeavesAServiceFailed() async throws {
        let events = EventLog()
        let early = TestService("Early", events: events)
        let parent = TestService("Parent", events: events, dependencies: [early])
        try parent.addDependency(early)
        await early.stop()
        try await parent.start()
        #expect(parent.state != .failed)
        await parent.stop()

        let failing = TestService("Failing", events: events, hooks: ["onStart": { _ in throw Boom() }])
        await #expect(throws: Boom.self) { try await failing.start() }
        #expect(failing.state == .failed)
    }
}

/// A failed start tears the service down like a stop: its loops see `shouldStop` at once.
@Suite(.timeLimit(.minutes(1)))
struct FailedStartTests {
    @Test func loopsThatTestShouldStopEndWhenTheStartFails() async throws {
        let clock = ManualClock()
        let events = EventLog()
        let service = TestService(
            "A",
            events: events,
            clock: clock,
            configuration: { $0.taskCancellationGracePeriod = .seconds(Int64.max) },
            hooks: ["onStarted": { _ in throw Boom() }],
            tasks: [
                // Ignores cancellation on purpose: only `shouldStop` (or the end of its sleep) ends it.
                "loop": { service in
                    while !service.shouldStop { await service.sleep(for: .seconds(1)) }
                    events.record("A.loop ended")
                }
            ]
        )
        await #expect(throws: Boom.self) { try await service.start() }
        #expect(service.state == .failed)
        #expect(service.shouldStop)
        #expect(events.all.contains("A.loop ended"))
        #expect(service.runningTaskNames.isEmpty)
        #expect(clock.now.offset == .zero)
    }
}

extension ServiceError {
    /// An error with `code` only, for `#expect(throws:)` (errors compare by code).
    static func stopped(code: Code) -> ServiceError { ServiceError(code: code, message: "") }
}
