import InMemoryLogging
import Logging
import ModeCore
import ModeTesting
import ModeTestSupport
import Testing

@Suite(.timeLimit(.minutes(1)), .serviceLeakCheck)
struct WaitTests {
    @Test func sleepEndsWhenTheClockReachesTheDeadline() async throws {
        let clock = ManualClock()
        let a = TestService("A", events: EventLog(), clock: clock)
        let sleeper = Task { await a.sleep(for: .seconds(10)) }
        await clock.waitForSleepers(count: 1)
        clock.advance(by: .seconds(9))
        #expect(clock.sleeperCount == 1)
        clock.advance(by: .seconds(1))
        await sleeper.value
        #expect(clock.now.offset == .seconds(10))
    }

    @Test func sleepWakesAsSoonAsTheServiceStops() async throws {
        let clock = ManualClock()
        let a = TestService("A", events: EventLog(), clock: clock)
        try await a.start()
        let sleeper = Task { await a.sleep(for: .seconds(3600)) }
        await clock.waitForSleepers(count: 1)
        await a.stop()
        await sleeper.value
        #expect(clock.now.offset == .zero)
        #expect(clock.sleeperCount == 0)
    }

    @Test func sleepWakesAsSoonAsTheServiceCrashes() async throws {
        let clock = ManualClock()
        let a = TestService("A", events: EventLog(), clock: clock)
        try await a.start()
        let sleeper = Task { await a.sleep(for: .seconds(3600)) }
        await clock.waitForSleepers(count: 1)
        a.crash(Boom())
        await sleeper.value
        #expect(clock.now.offset == .zero)
        await a.stop()
    }

    @Test func sleepReturnsAtOnceForNonPositiveDurations() async {
        let a = TestService("A", events: EventLog())
        await a.sleep(for: .zero)
        await a.sleep(for: .seconds(-1))
    }

    @Test func waitReportsCompletion() async throws {
        let a = TestService("A", events: EventLog())
        try await a.start()
        let outcome = try await a.wait(timeout: .seconds(1)) { "done" }
        #expect(outcome == .completed("done"))
        #expect(outcome.value == "done")
        await a.stop()
    }

    @Test func waitReportsStopAndCancelsTheOperation() async throws {
        let clock = ManualClock()
        let gate = Gate()
        let a = TestService("A", events: EventLog(), clock: clock)
        try await a.start()
        let waiting = Task {
            try await a.wait { try await clock.sleep(for: .seconds(3600)) }
        }
        await clock.waitForSleepers(count: 1)
        await a.stop()
        let outcome = try await waiting.value
        #expect(outcome.value == nil)
        guard case .stopped = outcome else {
            Issue.record("expected .stopped, got \(outcome)")
            return
        }
        #expect(clock.sleeperCount == 0, "the operation was cancelled")
        #expect(try await a.wait { await gate.wait() }.value == nil, "a stopped service reports .stopped at once")
    }

    @Test func waitReportsATimeoutApartFromAStop() async throws {
        let clock = ManualClock()
        let a = TestService("A", events: EventLog(), clock: clock)
        try await a.start()
        let waiting = Task {
            try await a.wait(timeout: .seconds(2)) { try await clock.sleep(for: .seconds(3600)) }
        }
        await clock.waitForSleepers(count: 2)
        clock.advance(by: .seconds(2))
        guard case .timedOut = try await waiting.value else {
            Issue.record("expected .timedOut")
            return
        }
        #expect(a.state == .running)
        await a.stop()
    }

    @Test func waitRethrowsTheOperationsError() async throws {
        let a = TestService("A", events: EventLog())
        try await a.start()
        await #expect(throws: Boom(id: 5)) {
            _ = try await a.wait { () async throws -> Int in throw Boom(id: 5) }
        }
        await a.stop()
    }

    @Test func waitRejectsANegativeTimeout() async throws {
        let a = TestService("A", events: EventLog())
        let error = await #expect(throws: ServiceError.self) {
            _ = try await a.wait(timeout: .seconds(-1)) { 1 }
        }
        #expect(error?.code == .invalidArgument)
        let stopError = await #expect(throws: ServiceError.self) {
            _ = try await a.waitUntilStopped(timeout: .milliseconds(-5))
        }
        #expect(stopError?.code == .invalidArgument)
    }

    @Test func waitManyReturnsEveryResultInOrder() async throws {
        let clock = ManualClock()
        let a = TestService("A", events: EventLog(), clock: clock)
        try await a.start()
        let waiting = Task {
            try await a.waitMany(
                { try await clock.sleep(for: .seconds(2)); return 1 },
                { try await clock.sleep(for: .seconds(1)); return 2 },
                { 3 }
            )
        }
        await clock.waitForSleepers(count: 2)
        clock.advance(by: .seconds(2))
        #expect(try await waiting.value == WaitOutcome.completed([1, 2, 3]))
        #expect(try await a.waitMany([@Sendable () async throws -> Int]()) == WaitOutcome.completed([]))
        await a.stop()
    }

    @Test func waitFirstReturnsTheFirstToFinishAndCancelsTheRest() async throws {
        let clock = ManualClock()
        let a = TestService("A", events: EventLog(), clock: clock)
        try await a.start()
        let waiting = Task {
            try await a.waitFirst(
                { try await clock.sleep(for: .seconds(5)); return "slow" },
                { try await clock.sleep(for: .seconds(1)); return "fast" }
            )
        }
        await clock.waitForSleepers(count: 2)
        clock.advance(by: .seconds(1))
        let outcome = try await waiting.value
        #expect(outcome.value?.index == 1)
        #expect(outcome.value?.value == "fast")
        #expect(clock.sleeperCount == 0)
        let error = await #expect(throws: ServiceError.self) {
            _ = try await a.waitFirst([@Sendable () async throws -> Int]())
        }
        #expect(error?.code == .invalidArgument)
        await a.stop()
    }

    @Test func waitUntilStoppedTellsStoppedFromTimedOut() async throws {
        let clock = ManualClock()
        let a = TestService("A", events: EventLog(), clock: clock)
        try await a.start()
        let first = Task { try await a.waitUntilStopped(timeout: .seconds(1)) }
        await clock.waitForSleepers(count: 1)
        clock.advance(by: .seconds(1))
        guard case .timedOut = try await first.value else {
            Issue.record("expected .timedOut")
            return
        }
        let second = Task { try await a.waitUntilStopped(timeout: .seconds(1)) }
        await clock.waitForSleepers(count: 1)
        await a.stop()
        guard case .stopped = try await second.value else {
            Issue.record("expected .stopped")
            return
        }
    }

    @Test func aCancelledWaiterThrowsCancellation() async throws {
        let clock = ManualClock()
        let a = TestService("A", events: EventLog(), clock: clock)
        try await a.start()
        let waiting = Task { try await a.wait { try await clock.sleep(for: .seconds(60)) } }
        await clock.waitForSleepers(count: 1)
        waiting.cancel()
        await #expect(throws: CancellationError.self) { _ = try await waiting.value }
        await a.stop()
    }
}

@Suite(.timeLimit(.minutes(1)), .serviceLeakCheck)
struct ShutdownTests {
    @Test func stopWaitsForSetShutdownAfterTheChildren() async throws {
        let clock = ManualClock()
        let events = EventLog()
        let child = TestService("Child", events: events, clock: clock)
        let a = TestService(
            "A",
            events: events,
            clock: clock,
            configuration: { $0.waitForShutdown = true },
            dependencies: [child]
        )
        try await a.start()
        let stopping = Task { await a.stop() }
        await clock.waitForSleepers(count: 1)  // the shutdown timeout
        #expect(child.state == .stopped)
        #expect(events.filter("A.onShutdown").isEmpty)
        a.setShutdown()
        await stopping.value
        #expect(events.filter("A.onShutdown").count == 1)
        #expect(clock.now.offset == .zero)
    }

    @Test func theShutdownTimeoutWarnsAndTheStopGoesOn() async throws {
        let clock = ManualClock()
        let events = EventLog()
        let (logger, handler) = makeMemoryLogger()
        let a = TestService(
            "A",
            events: events,
            clock: clock,
            logger: logger,
            configuration: {
                $0.waitForShutdown = true
                $0.shutdownTimeout = .seconds(30)
            }
        )
        try await a.start()
        let stopping = Task { await a.stop() }
        await clock.waitForSleepers(count: 1)
        clock.advance(by: .seconds(30))
        await stopping.value
        #expect(a.state == .stopped)
        #expect(events.filter("A.onShutdown").count == 1)
        #expect(handler.entries.contains { $0.level == .warning && "\($0.message)".contains("setShutdown()") })
    }
}
