import InMemoryLogging
import Logging
import ModeCore
import ModeTestSupport
import ModeTesting
import Testing

/// `stop()` has a deadline per step: a hook, cleanup, child or start that never finishes cannot hang it.
@Suite(.timeLimit(.minutes(1)))
struct StopDeadlineTests {
    /// Waits until a stop-deadline timer of `timeout` sleeps on `clock` (they are not counted as sleepers).
    private func untilATimerSleeps(on clock: ManualClock, for timeout: Duration = .seconds(30)) async {
        await clock.waitForSleeper(until: clock.now.advanced(by: timeout))
    }

    /// A hook body that opens `entered` and then waits on `hang`, which only the test opens.
    private func hanging(_ entered: Gate, _ hang: Gate) -> TestService.Hook {
        { _ in
            entered.open()
            await hang.wait()
        }
    }

    private func warnings(_ handler: InMemoryLogHandler) -> [String] {
        handler.entries.filter { $0.level == .warning }.map(\.message.description)
    }

    @Test func theDefaultDeadlineIsThirtySecondsAndReadable() {
        let service = TestService("A", events: EventLog())
        #expect(service.runtime.configuration.stopTimeout == .seconds(30))
        #expect(ServiceConfiguration.defaultStopTimeout == .seconds(30))
    }

    @Test func aHungOnStopIsGivenUpOnAndTheRestOfTheStopRuns() async throws {
        let clock = ManualClock()
        let (logger, logs) = makeMemoryLogger()
        let events = EventLog()
        let hang = Gate()
        let entered = Gate()
        let service = TestService(
            "A",
            events: events,
            clock: clock,
            logger: logger,
            hooks: ["onStop": self.hanging(entered, hang)],
            tasks: ["work": { service in await service.waitUntilStopped() }]
        )
        try await service.start()
        let stopping = Task { await service.stop() }
        await entered.wait()
        await self.untilATimerSleeps(on: clock)
        #expect(events.filter("A.onShutdown").isEmpty)

        clock.advance(by: .seconds(30))
        await stopping.value

        #expect(service.state == .stopped)
        #expect(events.filter("A.onShutdown").count == 1)
        #expect(service.runningTaskNames.isEmpty)
        let warning = try #require(self.warnings(logs).first)
        #expect(warning.contains("onStop"))
        #expect(warning.contains("30"))
        hang.open()
    }

    @Test func aHungOnShutdownIsNamed() async throws {
        let clock = ManualClock()
        let (logger, logs) = makeMemoryLogger()
        let hang = Gate()
        let entered = Gate()
        let service = TestService(
            "A",
            events: EventLog(),
            clock: clock,
            logger: logger,
            configuration: { $0.stopTimeout = .seconds(2) },
            hooks: ["onShutdown": self.hanging(entered, hang)]
        )
        try await service.start()
        let stopping = Task { await service.stop() }
        await entered.wait()
        await self.untilATimerSleeps(on: clock, for: .seconds(2))
        clock.advance(by: .seconds(1))
        #expect(service.state == .stopping)
        clock.advance(by: .seconds(1))
        await stopping.value
        #expect(service.state == .stopped)
        #expect(self.warnings(logs).contains { $0.contains("onShutdown") && $0.contains("2") })
        hang.open()
    }

    @Test func aHungChildIsNamedByItsPathAndItsSiblingsStillStop() async throws {
        let clock = ManualClock()
        let (logger, logs) = makeMemoryLogger()
        let events = EventLog()
        let hang = Gate()
        let entered = Gate()
        let stuck = TestService(
            "Stuck",
            events: events,
            clock: clock,
            logger: logger,
            configuration: { $0.stopTimeout = .seconds(5) },
            hooks: ["onStop": self.hanging(entered, hang)]
        )
        let sibling = TestService("Sibling", events: events, clock: clock, logger: logger)
        let parent = TestService(
            "Parent",
            events: events,
            clock: clock,
            logger: logger,
            dependencies: [sibling, stuck]
        )
        try await parent.start()
        let stopping = Task { await parent.stop() }
        await entered.wait()
        await self.untilATimerSleeps(on: clock, for: .seconds(5))
        clock.advance(by: .seconds(5))
        await stopping.value

        #expect(parent.state == .stopped)
        #expect(stuck.state == .stopped)
        #expect(sibling.state == .stopped)
        #expect(events.filter("Stuck.onShutdown").count == 1)
        #expect(events.filter("Parent.onShutdown").count == 1)
        #expect(self.warnings(logs).contains { $0.contains("onStop of Parent/Stuck") })
        hang.open()
    }

    @Test func aHungCleanupIsNamed() async throws {
        let clock = ManualClock()
        let (logger, logs) = makeMemoryLogger()
        let hang = Gate()
        let entered = Gate()
        let service = TestService("A", events: EventLog(), clock: clock, logger: logger)
        try await service.start()
        try service.addCleanup("close-socket") {
            entered.open()
            await hang.wait()
        }
        let stopping = Task { await service.stop() }
        await entered.wait()
        await self.untilATimerSleeps(on: clock)
        clock.advance(by: .seconds(30))
        await stopping.value
        #expect(self.warnings(logs).contains { $0.contains("cleanup close-socket") })
        hang.open()
    }

    @Test func aStartThatNeverFinishesDoesNotHangStop() async throws {
        let clock = ManualClock()
        let (logger, logs) = makeMemoryLogger()
        let events = EventLog()
        let hang = Gate()
        let entered = Gate()
        let service = TestService(
            "A",
            events: events,
            clock: clock,
            logger: logger,
            hooks: [
                "onStart": { _ in
                    entered.open()
                    await hang.wait()
                }
            ]
        )
        let starting = Task { try await service.start() }
        await entered.wait()
        let stopping = Task { await service.stop() }
        await entered.wait()
        await self.untilATimerSleeps(on: clock)
        clock.advance(by: .seconds(30))
        await stopping.value
        #expect(service.state == .stopped)
        #expect(events.filter("A.onShutdown").count == 1)
        #expect(self.warnings(logs).contains { $0.contains("start") })

        // The start goes on once its hook returns, sees the stop and ends without running the stop again.
        hang.open()
        try await starting.value
        #expect(service.state == .stopped)
        #expect(events.filter("A.onShutdown").count == 1)
    }

    @Test func withoutADeadlineTheStopWaitsForTheHook() async throws {
        let clock = ManualClock()
        let events = EventLog()
        let hang = Gate()
        let entered = Gate()
        let service = TestService(
            "A",
            events: events,
            clock: clock,
            configuration: { $0.stopTimeout = nil },
            hooks: [
                "onStop": { _ in
                    entered.open()
                    await hang.wait()
                }
            ]
        )
        try await service.start()
        let stopping = Task { await service.stop() }
        await entered.wait()
        clock.advance(by: .seconds(3600))
        #expect(service.state == .stopping)
        hang.open()
        await stopping.value
        #expect(service.state == .stopped)
    }

    @Test(arguments: [Duration.zero, .seconds(-5)])
    func aDeadlineOfZeroOrLessGivesUpOnASuspendedHookAtOnce(timeout: Duration) async throws {
        let clock = ManualClock()
        let events = EventLog()
        let hang = Gate()
        let entered = Gate()
        let service = TestService(
            "A",
            events: events,
            clock: clock,
            configuration: { $0.stopTimeout = timeout },
            hooks: ["onStop": self.hanging(entered, hang)]
        )
        try await service.start()
        await service.stop()
        #expect(service.state == .stopped)
        #expect(events.filter("A.onShutdown").count == 1)
        hang.open()
    }

    @Test func aHugeDeadlineWaitsAsLongAsItTakes() async throws {
        let clock = ManualClock()
        let hang = Gate()
        let entered = Gate()
        let service = TestService(
            "A",
            events: EventLog(),
            clock: clock,
            configuration: { $0.stopTimeout = .seconds(Int64.max) },
            hooks: ["onStop": self.hanging(entered, hang)]
        )
        try await service.start()
        let stopping = Task { await service.stop() }
        // Huge sleeps go to the clock in steps of about 95 years, so none can overflow it.
        await entered.wait()
        await self.untilATimerSleeps(on: clock, for: .seconds(3_000_000_000))
        clock.advance(by: .seconds(1_000_000_000))
        #expect(service.state == .stopping)
        hang.open()
        await stopping.value
        #expect(service.state == .stopped)
    }

    @Test func stoppingFromInsideOnStopDoesNotWaitForItself() async throws {
        let clock = ManualClock()
        let events = EventLog()
        let service = TestService(
            "A",
            events: events,
            clock: clock,
            hooks: ["onStop": { service in await service.stop() }]
        )
        try await service.start()
        await service.stop()
        #expect(service.state == .stopped)
        #expect(clock.now.offset == .zero)
    }

    @Test func aFastStopLeavesNoTimerBehind() async throws {
        let clock = ManualClock()
        let child = TestService("Child", events: EventLog(), clock: clock)
        let parent = TestService("Parent", events: EventLog(), clock: clock, dependencies: [child])
        try await parent.start()
        await parent.stop()
        await clock.runUntilIdle()
        #expect(clock.deadlines.isEmpty)
    }
}
