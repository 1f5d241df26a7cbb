import InMemoryLogging
import Logging
import ModeTime
import ModeTesting
import Testing

/// A clock that wakes every sleeper `overshoot` after its deadline, like a busy scheduler would.
struct OvershootingClock: Clock {
    typealias Duration = Swift.Duration
    let base: ManualClock
    let overshoot: Duration

    var now: ManualClock.Instant { self.base.now }
    var minimumResolution: Duration { .zero }

    func sleep(until deadline: ManualClock.Instant, tolerance: Duration?) async throws {
        try await self.base.sleep(until: deadline.advanced(by: self.overshoot), tolerance: tolerance)
    }
}


/// Runs a timer in a child task that reports each tick and then waits for the test's go-ahead, so the
/// test can play the part of a callback that takes time.
struct TimerDriver {
    struct Tick: Equatable {
        var at: Duration
        var slept: Duration
    }

    private var ticks: AsyncStream<Tick>.Iterator
    private let proceed: AsyncStream<Void>.Continuation
    let task: Task<Int, Never>

    init<C: Clock>(_ timer: IntervalTimer<C>, now: @escaping @Sendable () -> Duration) where C.Duration == Duration {
        let (tickStream, tickContinuation) = AsyncStream.makeStream(of: Tick.self)
        let (proceedStream, proceedContinuation) = AsyncStream.makeStream(of: Void.self)
        self.ticks = tickStream.makeAsyncIterator()
        self.proceed = proceedContinuation
        self.task = Task {
            var count = 0
            var goAhead = proceedStream.makeAsyncIterator()
            for await slept in timer {
                count += 1
                tickContinuation.yield(Tick(at: now(), slept: slept))
                guard await goAhead.next() != nil else { break }
            }
            tickContinuation.finish()
            return count
        }
    }

    /// The next tick the timer delivered.
    mutating func nextTick() async -> Tick? { await self.ticks.next(isolation: #isolation) }

    /// Lets the timer go on to its next tick.
    func proceedToNextTick() { self.proceed.yield() }

    /// Cancels the timer's task and returns how many ticks it saw.
    func stop() async -> Int {
        self.task.cancel()
        self.proceed.finish()
        return await self.task.value
    }
}

@Suite(.timeLimit(.minutes(1)))
struct IntervalTimerTests {
    static func recordingLogger() -> (Logger, InMemoryLogHandler) {
        var handler = InMemoryLogHandler()
        handler.logLevel = .info
        let captured = handler
        return (Logger(label: "test.timers") { _ in captured }, handler)
    }

    @Test func fixedRateTicksOnTheGridWhateverTheRuntime() async throws {
        let clock = ManualClock()
        let timer = try IntervalTimer(every: .seconds(1), name: "grid", jitter: .none, clock: clock)
        var driver = TimerDriver(timer) { clock.now.offset }

        await clock.waitForSleepers(count: 1)
        #expect(clock.nextDeadline?.offset == .seconds(1))
        clock.advance(by: .seconds(1))
        #expect(await driver.nextTick() == .init(at: .seconds(1), slept: .seconds(1)))

        clock.advance(by: .milliseconds(300))  // the callback takes 300 ms
        driver.proceedToNextTick()
        await clock.waitForSleepers(count: 1)
        #expect(clock.nextDeadline?.offset == .seconds(2))
        clock.advance(by: .milliseconds(700))
        #expect(await driver.nextTick() == .init(at: .seconds(2), slept: .milliseconds(700)))

        driver.proceedToNextTick()
        await clock.waitForSleepers(count: 1)
        clock.advance(by: .seconds(1))
        #expect(await driver.nextTick() == .init(at: .seconds(3), slept: .seconds(1)))

        #expect(await driver.stop() == 3)
        let statistics = timer.statistics
        #expect(statistics.iteration == 3)
        #expect(statistics.overlaps == 0)
        #expect(statistics.meanLateness == .zero)
        #expect(clock.sleeperCount == 0)
    }

    @Test func fixedRateDoesNotAccumulateOvershoot() async throws {
        let base = ManualClock()
        let clock = OvershootingClock(base: base, overshoot: .milliseconds(50))
        let timer = try IntervalTimer(every: .seconds(1), jitter: .none, clock: clock)
        var driver = TimerDriver(timer) { base.now.offset }
        for second in 1...4 {
            await base.waitForSleepers(count: 1)
            base.advanceToNextDeadline()
            // Every tick is 50 ms late, never more: deadlines stay on the grid.
            #expect(await driver.nextTick()?.at == .seconds(second) + .milliseconds(50))
            driver.proceedToNextTick()
        }
        _ = await driver.stop()
        #expect(timer.statistics.meanLateness == .milliseconds(50))
        #expect(timer.statistics.maxLateness == .milliseconds(50))
        #expect(timer.statistics.drifting == 0)  // 50 ms is under the 300 ms threshold
    }

    @Test func driftCorrectedSchedulingCorrectsOvershootLikeTheOriginal() async throws {
        let base = ManualClock()
        let clock = OvershootingClock(base: base, overshoot: .milliseconds(50))
        let timer = try IntervalTimer(every: .seconds(1), scheduling: .driftCorrected, jitter: .none, clock: clock)
        var driver = TimerDriver(timer) { base.now.offset }
        var ticks: [TimerDriver.Tick] = []
        for _ in 1...3 {
            await base.waitForSleepers(count: 1)
            base.advanceToNextDeadline()
            if let tick = await driver.nextTick() { ticks.append(tick) }
            driver.proceedToNextTick()
        }
        _ = await driver.stop()
        // Sleep 1 s (woke at 1.05), then 950 ms (woke at 2.05, having slept 1 s), then 1 s again.
        #expect(ticks.map(\.slept) == [.seconds(1), .milliseconds(950), .seconds(1)])
        #expect(ticks.map(\.at) == [.milliseconds(1050), .milliseconds(2050), .milliseconds(3100)])
        #expect(timer.statistics.iteration == 2)  // the original does not count the first tick
    }

    @Test func driftCorrectedSchedulingIsFixedDelay() async throws {
        let clock = ManualClock()
        let timer = try IntervalTimer(every: .seconds(1), scheduling: .driftCorrected, jitter: .none, clock: clock)
        var driver = TimerDriver(timer) { clock.now.offset }
        await clock.waitForSleepers(count: 1)
        clock.advance(by: .seconds(1))
        #expect(await driver.nextTick()?.at == .seconds(1))
        clock.advance(by: .milliseconds(300))
        driver.proceedToNextTick()
        await clock.waitForSleepers(count: 1)
        // The period is interval + runtime, as in Python Mode.
        #expect(clock.nextDeadline?.offset == .milliseconds(2300))
        _ = await driver.stop()
    }

    @Test func anOverrunFiresAtOnceCountsAnOverlapAndLogs() async throws {
        let clock = ManualClock()
        let (logger, handler) = Self.recordingLogger()
        let timer = try IntervalTimer(every: .seconds(1), name: "flush", jitter: .none, logger: logger, clock: clock)
        var driver = TimerDriver(timer) { clock.now.offset }
        await clock.waitForSleepers(count: 1)
        clock.advance(by: .seconds(1))
        #expect(await driver.nextTick()?.at == .seconds(1))

        clock.advance(by: .milliseconds(2500))  // the callback overruns two deadlines
        driver.proceedToNextTick()
        // No sleep: the tick fires at once, and missed ticks are not replayed.
        #expect(await driver.nextTick() == .init(at: .milliseconds(3500), slept: .zero))
        driver.proceedToNextTick()
        await clock.waitForSleepers(count: 1)
        #expect(clock.nextDeadline?.offset == .milliseconds(4500))
        _ = await driver.stop()

        let statistics = timer.statistics
        #expect(statistics.overlaps == 1)
        #expect(statistics.driftingLate == 1)
        #expect(statistics.maxLateness == .milliseconds(1500))
        let lines = handler.entries.map { "\($0.level) \($0.message)" }
        #expect(
            lines == [
                "warning Timer flush is overlapping (interval=1.0 runtime=2.5)",
                "info Timer flush woke up too late, with a drift of +1.5 runtime=2.5 sleeptime=0.0",
            ]
        )
    }

    @Test func driftCorrectedLogsTheOriginalLines() async throws {
        let base = ManualClock()
        let clock = OvershootingClock(base: base, overshoot: .milliseconds(500))
        let (logger, handler) = Self.recordingLogger()
        let timer = try IntervalTimer(
            every: .seconds(1),
            name: "beat",
            scheduling: .driftCorrected,
            jitter: .none,
            logger: logger,
            clock: clock
        )
        var driver = TimerDriver(timer) { base.now.offset }
        await base.waitForSleepers(count: 1)
        base.advanceToNextDeadline()
        _ = await driver.nextTick()
        base.advance(by: .milliseconds(1200))  // overlapping callback
        driver.proceedToNextTick()
        await base.waitForSleepers(count: 1)
        _ = await driver.stop()
        #expect(
            handler.entries.map { "\($0.level) \($0.message)" } == [
                "info Timer beat woke up too late, with a drift of +0.5 runtime=1.2 sleeptime=1.5",
                "warning Timer beat is overlapping (interval=1.0 runtime=1.2)",
            ]
        )
        #expect(timer.statistics.overlaps == 1)
        #expect(timer.statistics.driftingLate == 1)
    }

    @Test func jitterDelaysOnlyTheFirstDeadline() async throws {
        let clock = ManualClock()
        let jitter = TimerJitter.upTo(.milliseconds(100), seed: 3)
        let delay = jitter.delay(for: .seconds(1))
        #expect(delay > .zero)
        let timer = try IntervalTimer(every: .seconds(1), jitter: jitter, clock: clock)
        var driver = TimerDriver(timer) { clock.now.offset }
        for tick in 1...3 {
            await clock.waitForSleepers(count: 1)
            #expect(clock.nextDeadline?.offset == .seconds(tick) + delay)
            clock.advanceToNextDeadline()
            _ = await driver.nextTick()
            driver.proceedToNextTick()
        }
        _ = await driver.stop()
    }

    @Test func driftCorrectedJitterIsASeparateFirstSleep() async throws {
        let clock = ManualClock()
        let jitter = TimerJitter.upTo(.milliseconds(100), seed: 3)
        let delay = jitter.delay(for: .seconds(1))
        let timer = try IntervalTimer(every: .seconds(1), scheduling: .driftCorrected, jitter: jitter, clock: clock)
        var driver = TimerDriver(timer) { clock.now.offset }
        await clock.waitForSleepers(count: 1)
        #expect(clock.nextDeadline?.offset == delay)
        clock.advanceToNextDeadline()
        await clock.waitForSleepers(count: 1)
        #expect(clock.nextDeadline?.offset == delay + .seconds(1))
        clock.advanceToNextDeadline()
        #expect(await driver.nextTick()?.slept == .seconds(1))
        _ = await driver.stop()
    }

    @Test func cancellationWhileSleepingEndsTheSequence() async throws {
        let clock = ManualClock()
        let timer = try IntervalTimer(every: .seconds(1), jitter: .none, clock: clock)
        let task = Task {
            var count = 0
            for await _ in timer { count += 1 }
            return count
        }
        await clock.waitForSleepers(count: 1)
        task.cancel()
        #expect(await task.value == 0)
        #expect(clock.sleeperCount == 0)
    }

    @Test func anIteratorStaysFinishedAfterCancellation() async throws {
        let clock = ManualClock()
        let timer = try IntervalTimer(every: .seconds(1), jitter: .none, clock: clock)
        let task = Task {
            var iterator = timer.makeAsyncIterator()
            withUnsafeCurrentTask { $0?.cancel() }
            let first = await iterator.next()
            let second = await iterator.next()
            return first == nil && second == nil
        }
        #expect(await task.value)
        #expect(timer.statistics.iteration == 0)
    }

    @Test func zeroIntervalTicksBackToBack() async throws {
        let timer = try IntervalTimer(every: .zero, jitter: .none, clock: ManualClock())
        var iterator = timer.makeAsyncIterator()
        for _ in 0..<3 { #expect(await iterator.next() == .zero) }
        #expect(timer.statistics.iteration == 3)
    }

    @Test func manyTimersOnOneClockAllTick() async throws {
        let clock = ManualClock()
        let timers = try (0..<50).map { index in
            try IntervalTimer(every: .milliseconds(10), name: "t\(index)", jitter: .none, clock: clock)
        }
        let total = await withTaskGroup(of: Int.self) { group in
            for timer in timers {
                group.addTask {
                    var count = 0
                    for await _ in timer {
                        count += 1
                        if count == 5 { break }
                    }
                    return count
                }
            }
            for _ in 0..<5 {
                await clock.waitForSleepers(count: 50)
                clock.advance(by: .milliseconds(10))
            }
            return await group.reduce(0, +)
        }
        #expect(total == 250)
        #expect(timers.allSatisfy { $0.statistics.iteration == 5 && $0.statistics.maxLateness == .zero })
    }
}
