import Logging
import ModeConcurrencyHelpers
import ModeCore
import ModeTesting
import ModeTestSupport
import Testing

/// Issue 10: every `Duration` (and count) a public ModeCore API accepts, at the extremes.
///
/// Each is tried at zero, a negative value and `.seconds(Int64.max)`. Each either works (a huge value means
/// "never" or "until stopped") or throws a typed error; none may trap or hang. Everything that waits runs on
/// a `ManualClock`.
@Suite(.timeLimit(.minutes(1)), .serviceLeakCheck)
struct DurationExtremesTests {
    static let huge = Duration.seconds(Int64.max)
    static let negative = Duration.seconds(-1)
    /// Far past any real deadline, yet far before `huge`.
    static let aLongTime = Duration.seconds(Int64(1) << 40)

    // MARK: Service waits

    @Test func sleepAtExtremes() async throws {
        let clock = ManualClock()
        let service = TestService("A", events: EventLog(), clock: clock)
        try await service.start()
        await service.sleep(for: .zero)  // returns at once
        await service.sleep(for: Self.negative)  // returns at once
        #expect(clock.sleeperCount == 0)
        let sleeper = Task { await service.sleep(for: Self.huge) }
        await clock.waitForSleepers(count: 1)
        clock.advance(by: Self.aLongTime)  // still asleep: a huge sleep lasts until the service stops
        await clock.waitForSleepers(count: 1)
        await service.stop()
        await sleeper.value
        #expect(clock.sleeperCount == 0)
    }

    @Test func waitUntilStoppedAtExtremes() async throws {
        let clock = ManualClock()
        let service = TestService("A", events: EventLog(), clock: clock)
        try await service.start()
        #expect(isTimedOut(try await service.waitUntilStopped(timeout: .zero)))
        let error = await #expect(throws: ServiceError.self) {
            try await service.waitUntilStopped(timeout: Self.negative)
        }
        #expect(error?.code == .invalidArgument)
        let waiter = Task { try await service.waitUntilStopped(timeout: Self.huge) }
        await clock.waitForSleepers(count: 1)
        clock.advance(by: Self.aLongTime)
        await clock.waitForSleepers(count: 1)
        await service.stop()
        #expect(isStopped(try await waiter.value))
    }

    @Test func waitAtExtremes() async throws {
        let clock = ManualClock()
        let service = TestService("A", events: EventLog(), clock: clock)
        try await service.start()
        let error = await #expect(throws: ServiceError.self) { try await service.wait(timeout: Self.negative) { 1 } }
        #expect(error?.code == .invalidArgument)
        #expect(try await service.wait(timeout: Self.huge) { 1 } == .completed(1))
        // A zero timeout races the operation; either outcome is fine, a trap or a hang is not.
        let outcome = try await service.wait(timeout: .zero) { 1 }
        #expect(outcome == .completed(1) || outcome == .timedOut)
        // Huge timeout, operation never ends: the stop ends the wait.
        let waiter = Task {
            try await service.wait(timeout: Self.huge) { () async throws -> Int in
                try await clock.sleep(for: Self.huge)
                return 0
            }
        }
        await clock.waitForSleepers(count: 2)
        clock.advance(by: Self.aLongTime)
        await service.stop()
        #expect(try await waiter.value == .stopped)
    }

    @Test func waitManyAndWaitFirstAtExtremes() async throws {
        let service = TestService("A", events: EventLog(), clock: ManualClock())
        try await service.start()
        for timeout in [Self.negative] {
            let many = await #expect(throws: ServiceError.self) { try await service.waitMany(timeout: timeout, { 1 }) }
            #expect(many?.code == .invalidArgument)
            let first = await #expect(throws: ServiceError.self) {
                try await service.waitFirst(timeout: timeout, { 1 })
            }
            #expect(first?.code == .invalidArgument)
        }
        #expect(try await service.waitMany(timeout: Self.huge, { 1 }, { 2 }) == .completed([1, 2]))
        #expect(try await service.waitFirst(timeout: Self.huge, { 7 }).value?.value == 7)
        let many = try await service.waitMany(timeout: .zero, { 1 })
        #expect(many == .completed([1]) || many == .timedOut)
        await service.stop()
    }

    // MARK: Timers

    @Test func serviceTimerWithHugeIntervalNeverTicksAndStops() async throws {
        let clock = ManualClock()
        let events = EventLog()
        let service = TimerService(clock: clock, events: events) {
            .timer("never", every: Self.huge, jitter: .default, tolerance: Self.huge) { events.record("tick") }
        }
        try await service.start()
        await clock.waitForSleepers(count: 1)
        clock.advance(by: Self.aLongTime)
        await clock.waitForSleepers(count: 1)
        #expect(events.filter("tick").isEmpty)
        await service.stop()
        try assertStoppedClean(service)
    }

    @Test func serviceTimerWithZeroIntervalTicksAndStops() async throws {
        let clock = ManualClock()
        let ticks = TickCounter()
        let service = TimerService(clock: clock, events: EventLog()) {
            .timer("busy", every: .zero, jitter: .none) { ticks.increment() }
        }
        try await service.start()
        await ticks.waitFor(3)
        await service.stop()
        try assertStoppedClean(service)
    }

    @Test func serviceTimerRejectsNegativeIntervalAndTolerance() async throws {
        let service = TimerService(clock: ManualClock(), events: EventLog()) {
            .timer("bad", every: .seconds(1), tolerance: Self.negative) {}
        }
        let error = await #expect(throws: ServiceError.self) { try await service.start() }
        #expect(error?.code == .invalidArgument)
    }

    @Test func itertimerAtExtremes() async throws {
        let clock = ManualClock()
        let service = TestService("A", events: EventLog(), clock: clock)
        try await service.start()
        do {
            _ = try service.itertimer(every: Self.negative)
            Issue.record("a negative itertimer interval did not throw")
        } catch let error as ServiceError {
            #expect(error.code == .invalidArgument)
            #expect(error.message.contains("has a negative interval"))
        }
        var zero = try service.itertimer(every: .zero, jitter: .none).makeAsyncIterator()
        #expect(try await zero.next() != nil)
        let huge = Task {
            var ticks = 0
            for await _ in try service.itertimer(every: Self.huge, jitter: .upTo(Self.huge)) { ticks += 1 }
            return ticks
        }
        await clock.waitForSleepers(count: 1)
        clock.advance(by: Self.aLongTime)
        await clock.waitForSleepers(count: 1)
        await service.stop()
        #expect(try await huge.value == 0)
    }

    @Test(arguments: [TimerScheduling.fixedRate, .driftCorrected])
    func intervalTimerAtExtremes(scheduling: TimerScheduling) async throws {
        let clock = ManualClock()
        // IntervalTimer is ModeTime's, so it throws ModeTime's error (service timers map it to ServiceError).
        #expect(throws: TimerError.self) { try IntervalTimer(every: Self.negative, clock: clock) }
        for bad in [Self.negative] {
            let drift = #expect(throws: TimerError.self) {
                try IntervalTimer(every: .seconds(1), maxDriftCorrection: bad, clock: clock)
            }
            #expect(drift?.code == .invalidArgument)
            let tolerance = #expect(throws: TimerError.self) {
                try IntervalTimer(every: .seconds(1), tolerance: bad, clock: clock)
            }
            #expect(tolerance?.code == .invalidArgument)
        }
        // Zero everything: ticks back to back without sleeping.
        var zero = try IntervalTimer(
            every: .zero,
            scheduling: scheduling,
            maxDriftCorrection: .zero,
            jitter: .none,
            tolerance: .zero,
            clock: clock
        ).makeAsyncIterator()
        #expect(await zero.next() != nil)
        #expect(await zero.next() != nil)
        // Huge everything: never ticks; cancelling ends it.
        let timer = try IntervalTimer(
            every: Self.huge,
            scheduling: scheduling,
            maxDriftCorrection: Self.huge,
            jitter: .upTo(Self.huge),
            tolerance: Self.huge,
            clock: clock
        )
        let waiting = Task {
            var iterator = timer.makeAsyncIterator()
            return await iterator.next()
        }
        await clock.waitForSleepers(count: 1)
        clock.advance(by: Self.aLongTime)
        await clock.waitForSleepers(count: 1)
        waiting.cancel()
        #expect(await waiting.value == nil)
    }

    @Test func timerJitterAtExtremes() {
        for jitter in [
            TimerJitter.upTo(.zero), .upTo(Self.negative), .fraction(0.5, cap: .zero),
            .fraction(0.5, cap: Self.negative),
        ] {
            #expect(jitter.maximum(for: .seconds(10)) == .zero)
            #expect(jitter.delay(for: .seconds(10)) == .zero)
            #expect(jitter.delay(for: Self.huge) == .zero)
        }
        // A huge bound draws a delay between zero and the bound, never a wrapped-around value.
        for seed: UInt64 in 0..<20 {
            let upTo = TimerJitter.upTo(Self.huge, seed: seed)
            #expect(upTo.maximum(for: .seconds(1)) == Self.huge)
            let delay = upTo.delay(for: .seconds(1))
            #expect(delay >= .zero && delay <= Self.huge)
            let fraction = TimerJitter.fraction(1, cap: Self.huge, seed: seed)
            #expect(fraction.maximum(for: Self.huge) == Self.huge)
            let drawn = fraction.delay(for: Self.huge)
            #expect(drawn >= .zero && drawn <= Self.huge)
        }
        // Draws from a huge bound are spread over it, not stuck near zero as a wrapped product would be.
        let draws = (0..<64).map { TimerJitter.upTo(Self.huge, seed: UInt64($0)).delay(for: .seconds(1)) }
        // (The draw saturates at Int64.max nanoseconds, about 292 years.)
        #expect(draws.contains { $0 > .seconds(2_000_000_000) })
        #expect(draws.allSatisfy { $0 <= .nanoseconds(Int64.max) })
        #expect(TimerJitter.fraction(.nan, cap: .seconds(1)).delay(for: Self.huge) == .zero)
        #expect(TimerJitter.fraction(.infinity, cap: .seconds(1)).maximum(for: Self.huge) == .seconds(1))
    }

    @Test func timerDriftStateAtExtremes() {
        for interval in [Duration.zero, Self.negative, Self.huge] {
            for correction in [Duration.zero, Self.negative, Self.huge] {
                var state = TimerDriftState(interval: interval, maxDriftCorrection: correction, now: .zero)
                let first = state.tick(now: .zero)
                #expect(first.sleepTime == interval)
                state.willYield(now: .zero)
                let second = state.tick(now: Self.huge)
                // The corrected interval stays within interval ± the (non-negative) correction.
                let bound = max(correction, .zero)
                if interval > bound {
                    #expect(second.sleepTime >= interval - bound && second.sleepTime <= interval + bound)
                } else {
                    #expect(second.sleepTime == interval)
                }
                _ = state.adjustedInterval(drift: Self.huge)
                _ = state.adjustedInterval(drift: .zero - Self.huge)
            }
        }
    }

    // MARK: Configuration

    @Test(arguments: [Duration.zero, Self.negative, Self.huge])
    func configurationDurationsAtExtremes(value: Duration) async throws {
        let clock = ManualClock()
        let service = TestService(
            "A",
            events: EventLog(),
            clock: clock,
            configuration: { config in
                config.taskCancellationGracePeriod = value
                config.shutdownTimeout = value
                config.stopTimeout = value
                config.waitForShutdown = true
            }
        )
        #expect(service.runtime.configuration.shutdownTimeout == value)
        try await service.start()
        let stopping = Task { await service.stop() }
        if value == Self.huge {
            // A huge shutdown timeout waits for setShutdown() for as long as it takes.
            await clock.waitForSleepers(count: 1)
            clock.advance(by: Self.aLongTime)
            await clock.waitForSleepers(count: 1)
            service.runtime.setShutdown()
        }
        await stopping.value
        #expect(service.state == .stopped)
    }

    // MARK: Rates and token buckets

    @Test func rateFromExtremeWindows() throws {
        let zero = Rate.events(10, per: .zero)  // infinitely fast: no interval
        #expect(zero.perSecond == .infinity)
        #expect(zero.interval == .zero)
        #expect(Rate.events(0, per: .zero).interval == Rate.maximumInterval)  // 0/0: never
        let negative = Rate.events(10, per: Self.negative)
        #expect(negative.perSecond < 0)
        #expect(negative.interval == Rate.maximumInterval)
        let slow = Rate.events(1, per: Self.huge)
        #expect(slow.perSecond > 0)
        #expect(slow.interval == Rate.maximumInterval)
        #expect(Rate.events(.greatestFiniteMagnitude, per: .nanoseconds(1)).interval == .zero)
        for rate in [zero, negative, Rate.events(0, per: .zero)] {
            let error = #expect(throws: TokenBucketError.self) {
                try TokenBucket(rate: rate, capacity: 1, clock: ManualClock())
            }
            #expect(error?.code == .invalidRate)
        }
    }

    @Test func tokenBucketWithVerySlowRate() async throws {
        let clock = ManualClock()
        let bucket = try TokenBucket(rate: .events(1, per: Self.huge), capacity: 2, clock: clock)
        try await bucket.acquire(2)
        let wait = try bucket.expectedWait(for: 2)
        #expect(wait > .seconds(1_000_000_000))
        let failing = try TokenBucket(rate: .events(1, per: Self.huge), capacity: 1, whenEmpty: .fail, clock: clock)
        try await failing.acquire()
        await #expect(throws: TokenBucketError.self) { try await failing.acquire() }
        // A waiting acquire on such a bucket sleeps "forever" and ends when cancelled.
        let waiter = Task { try await bucket.acquire() }
        await clock.waitForSleepers(count: 1)
        clock.advance(by: Self.aLongTime)
        waiter.cancel()
        await #expect(throws: CancellationError.self) { try await waiter.value }
        for count in [0, -1, Int.max, Int.min] {
            #expect(throws: TokenBucketError.self) { try bucket.expectedWait(for: count) }
            await #expect(throws: TokenBucketError.self) { try await bucket.acquire(count) }
            #expect(bucket.pour(count) == false)
        }
        for capacity in [0, -1, Int.min] {
            #expect(throws: TokenBucketError.self) {
                try TokenBucket(rate: .perSecond(1), capacity: capacity, clock: clock)
            }
        }
        let wide = try TokenBucket(rate: .perSecond(1), capacity: Int.max, clock: clock)
        #expect(wide.pour(Int.max))
        #expect(try wide.expectedWait(for: Int.max) > .seconds(1_000_000_000))
    }

    // MARK: Timer statistics

    @Test func timerStatisticsAtExtremes() {
        var statistics = TimerStatistics()
        statistics.recordLateness(Self.negative)
        statistics.recordLateness(.zero)
        #expect(statistics.totalLateness == .zero)
        // Before: Int(huge / 1 µs) trapped, and adding ~18 huge values overflowed Duration.
        for _ in 0..<40 { statistics.recordLateness(Self.huge) }
        statistics.recordLateness(Self.huge * 4)
        #expect(statistics.measuredTicks == 43)
        #expect(statistics.maxLateness == Self.huge)
        #expect(statistics.totalLateness == Self.huge)
        #expect(statistics.meanLateness > .zero)
        #expect(statistics.latenessHistogram[31] == 41)
        #expect(statistics.latenessPercentile(1) == .microseconds(1 << 31))
        #expect(statistics.latenessPercentile(-1) == .microseconds(1))
        #expect(statistics.latenessPercentile(.nan) >= .zero)
    }

    // MARK: swift-service-lifecycle bridge

    @Test(arguments: [Duration.zero, Self.negative])
    func lifecycleServiceWithNoGraceCancelsAtOnce(timeout: Duration) async throws {
        let clock = ManualClock()
        let events = EventLog()
        let child = LifecycleService(
            StubbornService(clock: clock, events: events),
            gracefulShutdownTimeout: timeout,
            configuration: ServiceConfiguration(clock: clock)
        )
        try await child.start()
        await clock.waitForSleepers(count: 1)
        await child.stop()
        #expect(events.all.contains("stubborn cancelled"))
        try assertStoppedClean(child)
    }

    @Test func lifecycleServiceWithHugeGraceWaitsForRun() async throws {
        let clock = ManualClock()
        let events = EventLog()
        let child = LifecycleService(
            GracefulService(events: events),
            gracefulShutdownTimeout: Self.huge,
            configuration: ServiceConfiguration(clock: clock)
        )
        try await child.start()
        while !events.all.contains("http running") { await Task.yield() }
        await child.stop()
        #expect(events.all.contains("http graceful shutdown"))
        try assertStoppedClean(child)
    }

    // MARK: ManualClock

    @Test func manualClockSaturatesInsteadOfOverflowing() async {
        let clock = ManualClock()
        // Before: the ~19th advance by .seconds(Int64.max) overflowed Duration and trapped.
        for _ in 0..<40 { clock.advance(by: Self.huge) }
        #expect(clock.now.offset == Self.huge * 16)
        clock.advance(by: Self.negative)  // time never moves backwards
        #expect(clock.now.offset == Self.huge * 16)
        let start = ManualClock.Instant(offset: .zero - Self.huge * 16)
        #expect(start.duration(to: clock.now) == Self.huge * 16)
        #expect(clock.now.duration(to: start) == .zero - Self.huge * 16)
        await clock.run(for: Self.huge)
        #expect(clock.now.offset == Self.huge * 16)
    }

    // MARK: Humanize

    @Test func humanizeAtExtremes() {
        #expect(humanize(.zero) == "now")
        #expect(humanize(Self.negative) == "now")
        #expect(humanizeAgo(.zero) == "just now")
        #expect(humanize(Self.huge).hasSuffix("days"))
        #expect(humanizeAgo(Self.huge).hasSuffix("days ago"))
        #expect(humanize(.zero - Self.huge, subsecond: true) == "now")
    }
}

private func isTimedOut(_ outcome: WaitOutcome<Void>) -> Bool {
    if case .timedOut = outcome { return true }
    return false
}

private func isStopped(_ outcome: WaitOutcome<Void>) -> Bool {
    if case .stopped = outcome { return true }
    return false
}

/// Counts timer ticks and lets a test wait for a number of them without sleeping.
private final class TickCounter: Sendable {
    private let count = Locked(0)

    func increment() { self.count.withLock { $0 += 1 } }

    func waitFor(_ target: Int) async {
        while self.count.withLock({ $0 }) < target { await Task.yield() }
    }
}
