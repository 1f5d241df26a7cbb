import Logging
import ModeConcurrencyHelpers
import ModeCore
import ModeTesting
import Testing

/// The shared timer scheduler, on a manual clock: its driver is the one sleeper on that clock.
@Suite(.timeLimit(.minutes(1)), .serviceLeakCheck)
struct TimerSchedulerTests {
    /// Yields until `condition` holds (the suite's time limit bounds it).
    private func eventually(_ condition: () -> Bool) async {
        while !condition() { await Task.yield() }
    }

    /// Starts a task that sleeps on `scheduler` until `deadline` and records `label` when it wakes.
    private func sleeper(
        _ scheduler: TimerScheduler,
        until deadline: Duration,
        label: String,
        woken: Locked<[String]>
    ) -> Task<Bool, Never> {
        Task {
            do {
                try await scheduler.sleep(until: deadline)
                woken.withLock { $0.append(label) }
                return true
            } catch {
                woken.withLock { $0.append("\(label) cancelled") }
                return false
            }
        }
    }

    @Test func manyTimersDueAtOneInstantShareOneWakeUp() async throws {
        let clock = ManualClock()
        let scheduler = TimerScheduler(clock: ServiceClock(clock))
        let woken = Locked<[String]>([])
        let tasks = (0..<200).map { self.sleeper(scheduler, until: .seconds(1), label: "\($0)", woken: woken) }
        await self.eventually { scheduler.sleeperCount == 200 }
        await clock.waitForSleeper(until: ManualClock.Instant(offset: .seconds(1)))
        #expect(clock.sleeperCount == 1)  // one driver sleeps for all 200
        clock.advance(by: .milliseconds(999))
        #expect(scheduler.sleeperCount == 200)
        clock.advance(by: .milliseconds(1))
        for task in tasks { #expect(await task.value) }
        #expect(woken.withLock { $0.count } == 200)
        await self.eventually { !scheduler.hasDriver }
        #expect(scheduler.sleeperCount == 0)
        await clock.waitForSleepers(count: 0)
    }

    @Test func sleepersWakeInDeadlineOrderAndNeverEarly() async throws {
        let clock = ManualClock()
        let scheduler = TimerScheduler(clock: ServiceClock(clock))
        let woken = Locked<[String]>([])
        let late = self.sleeper(scheduler, until: .seconds(3), label: "3s", woken: woken)
        await self.eventually { scheduler.sleeperCount == 1 }
        let early = self.sleeper(scheduler, until: .seconds(1), label: "1s", woken: woken)
        await self.eventually { scheduler.sleeperCount == 2 }
        let middle = self.sleeper(scheduler, until: .seconds(2), label: "2s", woken: woken)
        await self.eventually { scheduler.sleeperCount == 3 }
        // The driver sleeps until the earliest deadline, even though a later one came first.
        await clock.waitForSleeper(until: ManualClock.Instant(offset: .seconds(1)))
        #expect(clock.deadlines == [ManualClock.Instant(offset: .seconds(1))])
        clock.advance(to: ManualClock.Instant(offset: .milliseconds(1500)))
        #expect(await early.value)
        #expect(woken.withLock { $0 } == ["1s"])
        #expect(scheduler.sleeperCount == 2)
        await clock.waitForSleeper(until: ManualClock.Instant(offset: .seconds(2)))
        clock.advance(to: ManualClock.Instant(offset: .seconds(2)))
        #expect(await middle.value)
        #expect(woken.withLock { $0 } == ["1s", "2s"])
        await clock.waitForSleeper(until: ManualClock.Instant(offset: .seconds(3)))
        clock.advance(by: .seconds(10))
        #expect(await late.value)
        #expect(woken.withLock { $0 } == ["1s", "2s", "3s"])
        await self.eventually { !scheduler.hasDriver }
    }

    @Test func oneAdvanceWakesEverySleeperDueByThen() async throws {
        let clock = ManualClock()
        let scheduler = TimerScheduler(clock: ServiceClock(clock))
        let woken = Locked<[String]>([])
        let tasks = (1...5).map { self.sleeper(scheduler, until: .seconds(Int64($0)), label: "\($0)s", woken: woken) }
        await self.eventually { scheduler.sleeperCount == 5 }
        await clock.waitForSleeper(until: ManualClock.Instant(offset: .seconds(1)))
        clock.advance(to: ManualClock.Instant(offset: .seconds(3)))
        for task in tasks.prefix(3) { #expect(await task.value) }
        #expect(Set(woken.withLock { $0 }) == ["1s", "2s", "3s"])
        #expect(scheduler.sleeperCount == 2)
        await clock.waitForSleeper(until: ManualClock.Instant(offset: .seconds(4)))
        clock.advance(to: ManualClock.Instant(offset: .seconds(5)))
        for task in tasks.suffix(2) { #expect(await task.value) }
        await self.eventually { !scheduler.hasDriver }
    }

    @Test func toleranceBatchesSleepersIntoOneWakeUp() async throws {
        let clock = ManualClock()
        let scheduler = TimerScheduler(clock: ServiceClock(clock))
        let woken = Locked<[String]>([])
        let tolerant = [1000, 1200, 1400].map { milliseconds in
            Task {
                try await scheduler.sleep(until: .milliseconds(milliseconds), tolerance: .milliseconds(500))
                woken.withLock { $0.append("\(milliseconds)") }
            }
        }
        await self.eventually { scheduler.sleeperCount == 3 }
        // One wake-up, the smallest tolerance after the earliest deadline, for all three.
        await clock.waitForSleeper(until: ManualClock.Instant(offset: .milliseconds(1500)))
        #expect(clock.deadlines == [ManualClock.Instant(offset: .milliseconds(1500))])
        // A sleeper that asks for no tolerance pulls the wake-up in to its own deadline.
        let strict = self.sleeper(scheduler, until: .milliseconds(1100), label: "strict", woken: woken)
        await clock.waitForSleeper(until: ManualClock.Instant(offset: .milliseconds(1000)))
        await clock.waitForSleepers(count: 1)
        clock.advance(to: ManualClock.Instant(offset: .milliseconds(1000)))
        try await tolerant[0].value
        #expect(woken.withLock { $0 } == ["1000"])
        await clock.waitForSleeper(until: ManualClock.Instant(offset: .milliseconds(1100)))
        clock.advance(to: ManualClock.Instant(offset: .milliseconds(1100)))
        #expect(await strict.value)
        // The strict one gone, the other two are batched again: 1,200 ms + 500 ms.
        await clock.waitForSleeper(until: ManualClock.Instant(offset: .milliseconds(1700)))
        clock.advance(to: ManualClock.Instant(offset: .milliseconds(1699)))
        #expect(scheduler.sleeperCount == 2)
        clock.advance(to: ManualClock.Instant(offset: .milliseconds(1700)))
        for task in tolerant { try await task.value }
        let order = woken.withLock { $0 }
        #expect(order == ["1000", "strict", "1200", "1400"] || order == ["1000", "strict", "1400", "1200"])
        await self.eventually { !scheduler.hasDriver }
    }

    @Test func cancellationRemovesTheSleeperAndTheLastOneEndsTheDriver() async throws {
        let clock = ManualClock()
        let scheduler = TimerScheduler(clock: ServiceClock(clock))
        let woken = Locked<[String]>([])
        let first = self.sleeper(scheduler, until: .seconds(10), label: "first", woken: woken)
        let second = self.sleeper(scheduler, until: .seconds(20), label: "second", woken: woken)
        await self.eventually { scheduler.sleeperCount == 2 }
        await clock.waitForSleepers(count: 1)
        first.cancel()
        #expect(await first.value == false)
        #expect(scheduler.sleeperCount == 1)
        #expect(scheduler.hasDriver)
        second.cancel()
        #expect(await second.value == false)
        #expect(woken.withLock { $0 }.sorted() == ["first cancelled", "second cancelled"])
        #expect(scheduler.sleeperCount == 0)
        // The driver's own sleep is cancelled with the last sleeper: nothing stays on the clock.
        await self.eventually { !scheduler.hasDriver }
        await clock.waitForSleepers(count: 0)
        #expect(clock.sleeperCount == 0)
    }

    @Test func aCancelledTaskDoesNotSleep() async throws {
        let clock = ManualClock()
        let scheduler = TimerScheduler(clock: ServiceClock(clock))
        let task = Task {
            withUnsafeCurrentTask { $0?.cancel() }
            do {
                try await scheduler.sleep(until: .seconds(1))
                return false
            } catch {
                return error is CancellationError
            }
        }
        #expect(await task.value)
        #expect(scheduler.sleeperCount == 0)
        #expect(!scheduler.hasDriver)
    }

    @Test func aSleeperSleepsManyTimesAndCancellationEndsTheSleepInProgress() async throws {
        let clock = ManualClock()
        let scheduler = TimerScheduler(clock: ServiceClock(clock))
        let woken = Locked<[Duration]>([])
        let task = Task {
            do {
                try await scheduler.withSleeper { sleeper in
                    for second in 1...10 {
                        try await scheduler.sleep(sleeper, until: .seconds(Int64(second)))
                        woken.withLock { $0.append(.seconds(Int64(second))) }
                    }
                }
                return "finished"
            } catch {
                return "\(type(of: error))"
            }
        }
        for second in 1...3 {
            await self.eventually { scheduler.sleeperCount == 1 }
            await clock.waitForSleeper(until: ManualClock.Instant(offset: .seconds(Int64(second))))
            clock.advance(to: ManualClock.Instant(offset: .seconds(Int64(second))))
            await self.eventually { woken.withLock { $0.count } == second }
        }
        #expect(woken.withLock { $0 } == [.seconds(1), .seconds(2), .seconds(3)])
        await self.eventually { scheduler.sleeperCount == 1 }
        task.cancel()
        #expect(await task.value == "CancellationError")
        #expect(woken.withLock { $0.count } == 3)
        #expect(scheduler.sleeperCount == 0)
        await self.eventually { !scheduler.hasDriver }
        await clock.waitForSleepers(count: 0)
    }

    @Test func aSleeperCancelledBetweenSleepsDoesNotSleepAgain() async throws {
        let clock = ManualClock()
        let scheduler = TimerScheduler(clock: ServiceClock(clock))
        let (cancelled, cancel) = AsyncStream.makeStream(of: Void.self)
        let task = Task {
            var outcomes: [String] = []
            try? await scheduler.withSleeper { sleeper in
                // Cancelled while it holds the sleeper but does not sleep: every later sleep throws at once.
                withUnsafeCurrentTask { $0?.cancel() }
                cancel.yield()
                for _ in 0..<2 {
                    do {
                        try await scheduler.sleep(sleeper, until: .seconds(1))
                        outcomes.append("slept")
                    } catch {
                        outcomes.append("\(type(of: error))")
                    }
                }
            }
            return outcomes
        }
        for await _ in cancelled { break }
        #expect(await task.value == ["CancellationError", "CancellationError"])
        #expect(scheduler.sleeperCount == 0)
        #expect(!scheduler.hasDriver)
        #expect(clock.sleeperCount == 0)
    }

    @Test func aTaskCancelledBeforeItsSleeperIsMadeNeverSleepsOnIt() async throws {
        let clock = ManualClock()
        let scheduler = TimerScheduler(clock: ServiceClock(clock))
        let task = Task {
            withUnsafeCurrentTask { $0?.cancel() }
            var outcome = "not run"
            try? await scheduler.withSleeper { sleeper in
                do {
                    try await scheduler.sleep(sleeper, until: .seconds(1))
                    outcome = "slept"
                } catch {
                    outcome = "\(type(of: error))"
                }
            }
            return outcome
        }
        #expect(await task.value == "CancellationError")
        #expect(scheduler.sleeperCount == 0)
        #expect(!scheduler.hasDriver)
    }

    @Test func anEarlierSleeperReplacesTheDriversTarget() async throws {
        let clock = ManualClock()
        let scheduler = TimerScheduler(clock: ServiceClock(clock))
        let woken = Locked<[String]>([])
        let late = self.sleeper(scheduler, until: .seconds(60), label: "late", woken: woken)
        await clock.waitForSleeper(until: ManualClock.Instant(offset: .seconds(60)))
        let soon = self.sleeper(scheduler, until: .seconds(1), label: "soon", woken: woken)
        await clock.waitForSleeper(until: ManualClock.Instant(offset: .seconds(1)))
        await clock.waitForSleepers(count: 1)  // the first driver ended
        clock.advance(by: .seconds(1))
        #expect(await soon.value)
        #expect(woken.withLock { $0 } == ["soon"])
        late.cancel()
        #expect(await late.value == false)
        await self.eventually { !scheduler.hasDriver }
    }

    @Test func pastAndHugeDeadlines() async throws {
        let clock = ManualClock(now: ManualClock.Instant(offset: .seconds(5)))
        let scheduler = TimerScheduler(clock: ServiceClock(clock))
        // Zero, negative and already-passed deadlines are due at once.
        try await scheduler.sleep(until: .zero)
        try await scheduler.sleep(until: .seconds(-100))
        try await scheduler.sleep(until: clock.now.offset - .seconds(5))
        // A huge one waits (in bounded steps) until cancelled, without trapping.
        let woken = Locked<[String]>([])
        let huge = self.sleeper(scheduler, until: .seconds(Int64.max), label: "huge", woken: woken)
        await self.eventually { scheduler.sleeperCount == 1 }
        await clock.waitForSleepers(count: 1)
        clock.advance(by: .seconds(3_000_000_000))
        await clock.waitForSleepers(count: 1)
        #expect(woken.withLock { $0 }.isEmpty)
        huge.cancel()
        #expect(await huge.value == false)
        await self.eventually { !scheduler.hasDriver }
        await clock.waitForSleepers(count: 0)
    }

    @Test func manyCancellationsKeepTheHeapSmall() async throws {
        let clock = ManualClock()
        let scheduler = TimerScheduler(clock: ServiceClock(clock))
        let woken = Locked<[String]>([])
        let keeper = self.sleeper(scheduler, until: .seconds(1000), label: "keeper", woken: woken)
        await self.eventually { scheduler.sleeperCount == 1 }
        for round in 0..<5 {
            let tasks = (0..<100).map {
                self.sleeper(scheduler, until: .seconds(Int64(100 + $0)), label: "\(round).\($0)", woken: woken)
            }
            await self.eventually { scheduler.sleeperCount == 101 }
            for task in tasks { task.cancel() }
            for task in tasks { #expect(await task.value == false) }
            #expect(scheduler.sleeperCount == 1)
        }
        // The driver may still sleep until a cancelled sleeper's deadline: waking then, it finds nothing due.
        await clock.waitForSleepers(count: 1)
        clock.advance(by: .seconds(999))
        await clock.waitForSleepers(count: 1)
        #expect(woken.withLock { $0 }.filter { !$0.hasSuffix("cancelled") }.isEmpty)
        clock.advance(by: .seconds(1))
        #expect(await keeper.value)
        #expect(woken.withLock { $0 }.filter { !$0.hasSuffix("cancelled") } == ["keeper"])
        await self.eventually { !scheduler.hasDriver }
    }
}

/// Service timers on real clocks go through the shared scheduler; a few milliseconds of real time at most.
@Suite(.timeLimit(.minutes(1)), .serviceLeakCheck)
struct SharedSchedulerServiceTimerTests {
    actor RealClockTimer: Service {
        let runtime: ServiceRuntime
        let monitor = TimerMonitor()
        let interval: Duration

        init<C: Clock<Duration>>(clock: C, interval: Duration) {
            var logger = Logger(label: "scheduler-tests")
            logger.logLevel = .error  // no overlap warnings for the zero interval
            self.runtime = ServiceRuntime(configuration: ServiceConfiguration(clock: clock, logger: logger))
            self.interval = interval
        }

        func backgroundTasks() -> [BackgroundTask] {
            [.timer("tick", every: self.interval, jitter: .none, monitor: self.monitor) {}]
        }
    }

    @Test(arguments: [false, true])
    func timersOnARealClockTick(suspending: Bool) async throws {
        let services = (0..<20).map { _ in
            suspending
                ? RealClockTimer(clock: SuspendingClock(), interval: .milliseconds(1))
                : RealClockTimer(clock: ContinuousClock(), interval: .milliseconds(1))
        }
        for service in services { try await service.start() }
        for service in services {
            while service.monitor.statistics.iteration < 3 { await Task.yield() }
        }
        for service in services { await service.stop() }
        for service in services {
            let statistics = service.monitor.statistics
            #expect(statistics.iteration >= 3)
            #expect(statistics.measuredTicks >= 3)
            try assertStoppedClean(service)
        }
    }

    @Test(arguments: [Duration.zero, .seconds(3600), .seconds(Int64.max)])
    func stopWakesARealClockTimer(interval: Duration) async throws {
        let service = RealClockTimer(clock: ContinuousClock(), interval: interval)
        try await service.start()
        if interval == .zero {
            while service.monitor.statistics.iteration < 3 { await Task.yield() }
        } else {
            for _ in 0..<100 { await Task.yield() }
        }
        let stopped = ContinuousClock().now
        await service.stop()
        // stop() cancels the timer's task, which the scheduler resumes at once: far under the 10 s grace period.
        #expect(ContinuousClock().now - stopped < .seconds(5))
        try assertStoppedClean(service)
    }
}

@Suite struct TimerCoalescingTests {
    @Test func aServiceTimerAllowsTwoPercentOfItsIntervalAtMostOneMillisecond() {
        #expect(ServiceTimerClock.coalescing(for: .zero) == .zero)
        #expect(ServiceTimerClock.coalescing(for: .milliseconds(1)) == .microseconds(20))
        #expect(ServiceTimerClock.coalescing(for: .milliseconds(10)) == .microseconds(200))
        #expect(ServiceTimerClock.coalescing(for: .milliseconds(50)) == .milliseconds(1))
        #expect(ServiceTimerClock.coalescing(for: .seconds(Int64.max)) == .milliseconds(1))
    }
}
