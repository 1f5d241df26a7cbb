import ModeConcurrencyHelpers
import ModeCore
import ModeTesting
import ModeTestSupport
import Testing

/// A clock that forwards to a `ManualClock` without being one: a service on it waits through ModeCore's
/// shared alarm driver (one task sleeping until the earliest deadline) instead of the manual clock's alarms.
private struct ForwardingClock: Clock {
    let base: ManualClock

    var now: ManualClock.Instant { self.base.now }
    var minimumResolution: Duration { .zero }

    func sleep(until deadline: ManualClock.Instant, tolerance: Duration?) async throws {
        try await self.base.sleep(until: deadline, tolerance: tolerance)
    }
}

/// Counts the sleeps that returned.
private final class WakeCounter: Sendable {
    private let value = Locked(0)
    func increment() { self.value.withLock { $0 += 1 } }
    var count: Int { self.value.withLock { $0 } }
}

@Suite(.timeLimit(.minutes(1)), .serviceLeakCheck)
struct SleepAlarmTests {
    @Test func aStopWakesASleepingBackgroundTaskAtOnce() async throws {
        let clock = ManualClock()
        let woke = Gate()
        let a = TestService(
            "A",
            events: EventLog(),
            clock: clock,
            tasks: ["idle": { service in
                await service.sleep(for: .seconds(3600))
                woke.open()
            }]
        )
        try await a.start()
        await clock.waitForSleepers(count: 1)
        #expect(clock.deadlines == [ManualClock.Instant(offset: .seconds(3600))])
        await a.stop()
        await woke.wait()
        #expect(clock.now.offset == .zero, "no time passed: the stop woke the sleep")
        #expect(clock.sleeperCount == 0, "the sleep's alarm is gone with it")
    }

    @Test func aCrashWakesEverySleeperOfTheService() async throws {
        let clock = ManualClock()
        let a = TestService("A", events: EventLog(), clock: clock)
        try await a.start()
        let woken = WakeCounter()
        let sleepers = (0..<50).map { index in
            Task {
                await a.sleep(for: .seconds(100 + index))
                woken.increment()
            }
        }
        await clock.waitForSleepers(count: 50)
        a.crash(Boom())
        for sleeper in sleepers { await sleeper.value }
        #expect(woken.count == 50)
        #expect(clock.sleeperCount == 0)
        #expect(clock.now.offset == .zero)
        await a.stop()
    }

    @Test func cancellingTheSleepingTaskReturnsPromptlyAndLeavesTheServiceRunning() async throws {
        let clock = ManualClock()
        let a = TestService("A", events: EventLog(), clock: clock)
        try await a.start()
        let sleeper = Task { await a.sleep(for: .seconds(3600)) }
        await clock.waitForSleepers(count: 1)
        sleeper.cancel()
        await sleeper.value
        #expect(clock.sleeperCount == 0, "the cancelled sleep took its alarm away")
        #expect(clock.now.offset == .zero)
        #expect(a.runtime.serviceState == .running)
        // The next sleep of the same service still ends at its deadline.
        let next = Task { await a.sleep(for: .seconds(2)) }
        await clock.waitForSleepers(count: 1)
        clock.advance(by: .seconds(2))
        await next.value
        await a.stop()
    }

    @Test func aTaskCancelledBeforeItSleepsDoesNotSleep() async throws {
        let clock = ManualClock()
        let a = TestService("A", events: EventLog(), clock: clock)
        try await a.start()
        let started = Gate()
        let sleeper = Task {
            await started.wait()
            await a.sleep(for: .seconds(3600))
        }
        sleeper.cancel()
        started.open()
        await sleeper.value
        #expect(clock.sleeperCount == 0)
        await a.stop()
    }

    @Test func manySleepersWakeEachAtItsOwnDeadline() async throws {
        let clock = ManualClock()
        let a = TestService("A", events: EventLog(), clock: clock)
        try await a.start()
        let woken = WakeCounter()
        let sleepers = (1...20).map { seconds in
            Task {
                await a.sleep(for: .seconds(seconds))
                woken.increment()
            }
        }
        await clock.waitForSleepers(count: 20)
        for second in 1...20 {
            clock.advance(by: .seconds(1))
            while woken.count < second { await Task.yield() }
            #expect(woken.count == second)
            #expect(clock.sleeperCount == 20 - second)
        }
        for sleeper in sleepers { await sleeper.value }
        await a.stop()
    }

    @Test func zeroAndNegativeDurationsReturnAtOnceWithoutAnAlarm() async throws {
        let clock = ManualClock()
        let a = TestService("A", events: EventLog(), clock: clock)
        try await a.start()
        await a.sleep(for: .zero)
        await a.sleep(for: .seconds(-1))
        await a.sleep(for: .seconds(Int64.min))
        #expect(clock.sleeperCount == 0)
        await a.stop()
    }

    @Test func theLongestDurationSleepsUntilTheServiceStops() async throws {
        let clock = ManualClock()
        let a = TestService("A", events: EventLog(), clock: clock)
        try await a.start()
        let sleeper = Task { await a.sleep(for: .seconds(Int64.max)) }
        await clock.waitForSleepers(count: 1)
        clock.advance(by: .seconds(1_000_000_000))
        #expect(clock.sleeperCount == 1, "still asleep long after any ordinary deadline")
        await a.stop()
        await sleeper.value
        #expect(clock.sleeperCount == 0)
    }

    @Test func theLongestDurationStillEndsWhenTheClockGetsThere() async throws {
        let clock = ManualClock()
        let a = TestService("A", events: EventLog(), clock: clock)
        try await a.start()
        let sleeper = Task { await a.sleep(for: .seconds(Int64.max)) }
        await clock.waitForSleepers(count: 1)
        clock.advance(by: .seconds(Int64.max))
        await sleeper.value
        #expect(a.runtime.serviceState == .running)
        await a.stop()
    }

    @Test func racingStopsAlarmsAndCancellationsResumeEachSleepOnce() async throws {
        for round in 0..<50 {
            let clock = ManualClock()
            let a = TestService("A", events: EventLog(), clock: clock)
            try await a.start()
            let sleepers = (0..<4).map { _ in Task { await a.sleep(for: .seconds(1)) } }
            await clock.waitForSleepers(count: 4)
            async let advanced: Void = clock.advance(by: .seconds(round % 2 == 0 ? 1 : 0))
            async let stopped: Void = a.stop()
            sleepers[round % 4].cancel()
            _ = await (advanced, stopped)
            for sleeper in sleepers { await sleeper.value }
            #expect(clock.sleeperCount == 0)
        }
    }

    @Test func aTimedWaitEndsAtItsDeadlineWithoutAHelperSleeper() async throws {
        let clock = ManualClock()
        let a = TestService("A", events: EventLog(), clock: clock)
        try await a.start()
        let waiting = Task { try await a.waitUntilStopped(timeout: .seconds(5)) }
        await clock.waitForSleepers(count: 1)
        #expect(clock.sleeperCount == 1, "one alarm, no second sleeper for a helper task")
        clock.advance(by: .seconds(5))
        guard case .timedOut = try await waiting.value else {
            Issue.record("expected .timedOut")
            return
        }
        await a.stop()
    }

    @Test func onAClockWithoutAlarmsOneDriverSleepsForAllSleepers() async throws {
        let base = ManualClock()
        let a = TestService("A", events: EventLog(), configuration: { $0.clock = ForwardingClock(base: base) })
        try await a.start()
        let woken = WakeCounter()
        let late = Task {
            await a.sleep(for: .seconds(10))
            woken.increment()
        }
        await base.waitForSleeper(until: ManualClock.Instant(offset: .seconds(10)))
        // An earlier deadline replaces the driver's sleep; the base clock still has one sleeper.
        let early = Task {
            await a.sleep(for: .seconds(5))
            woken.increment()
        }
        await base.waitForSleeper(until: ManualClock.Instant(offset: .seconds(5)))
        await base.runUntilIdle()
        #expect(base.sleeperCount == 1)
        base.advance(by: .seconds(5))
        await early.value
        #expect(woken.count == 1)
        await base.waitForSleeper(until: ManualClock.Instant(offset: .seconds(10)))
        base.advance(by: .seconds(5))
        await late.value
        #expect(woken.count == 2)
        #expect(base.sleeperCount == 0, "the driver sleeps no more once no alarm is left")
        await a.stop()
    }

    @Test func onAClockWithoutAlarmsAStopWakesTheSleepersAndTheDriverEnds() async throws {
        let base = ManualClock()
        let a = TestService("A", events: EventLog(), configuration: { $0.clock = ForwardingClock(base: base) })
        try await a.start()
        let sleepers = (0..<10).map { _ in Task { await a.sleep(for: .seconds(3600)) } }
        await base.waitForSleepers(count: 1)
        await a.stop()
        for sleeper in sleepers { await sleeper.value }
        #expect(base.sleeperCount == 0, "the alarms went with the sleeps, and the driver with the alarms")
        #expect(base.now.offset == .zero)
    }

    @Test func aStopFromAChildTaskOfAnOwnedTaskDoesNotWaitForThatTask() async throws {
        let clock = ManualClock()
        let done = Gate()
        let a = TestService(
            "A",
            events: EventLog(),
            clock: clock,
            tasks: ["loop": { service in
                await withTaskGroup(of: Void.self) { group in
                    group.addTask { await service.stop() }
                }
                done.open()
            }]
        )
        try await a.start()
        // Were the stop to wait for "loop" (which waits for the stop), it would wait out the grace period, which
        // never passes on this clock.
        await done.wait()
        #expect(a.runtime.serviceState == .stopped)
        #expect(a.runtime.abandonedTaskNames.isEmpty)
    }
}
