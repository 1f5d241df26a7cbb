import ModeConcurrencyHelpers

/// The clock a service's timers run on: the service's own clock, whose sleeps end the timer once the service
/// is asked to stop or crashes.
///
/// `itertimer` sleeps wake at once when the service stops, so a loop running in a task the service does not
/// own still ends promptly. The timers of `BackgroundTask.timer` run in owned tasks, which `stop()` cancels;
/// they sleep on the plain clock (no extra task per tick) and notice a crash at their next tick. On a
/// `ContinuousClock` or `SuspendingClock` they sleep through the clock's shared `TimerScheduler` (one
/// wake-up per due instant for all timers); on any other clock, such as a `ManualClock`, on the clock itself.
public struct ServiceTimerClock: Clock, Sendable {
    /// A point in time: the offset on the service's clock from when the service's runtime was created.
    public struct Instant: InstantProtocol, Hashable, Sendable {
        /// The offset from the runtime's creation.
        public var offset: Duration

        /// Returns the instant `duration` later.
        public func advanced(by duration: Duration) -> Self { Self(offset: self.offset + duration) }

        /// Returns the duration from this instant to `other`.
        public func duration(to other: Self) -> Duration { other.offset - self.offset }

        /// Whether `lhs` comes first.
        public static func < (lhs: Self, rhs: Self) -> Bool { lhs.offset < rhs.offset }
    }

    let runtime: ServiceRuntime
    /// Whether a sleep wakes as soon as the service should stop (a timed wait of the runtime: an alarm, no
    /// task), or only at its deadline or on cancellation.
    let wakesOnStop: Bool
    /// The shared scheduler of a real clock, and what to add to an offset of the runtime's clock to get one of
    /// the scheduler's; `nil` to sleep on the runtime's clock itself.
    let scheduler: (scheduler: TimerScheduler, shift: Duration)?
    /// The least tolerance a sleep through the shared scheduler asks for, so that timers due close together
    /// share one wake-up (see ``coalescing(for:)``).
    let coalescing: Duration

    /// The runtime's clock, kept here so that reading the time each tick does not go through the runtime
    /// (a cache miss per timer with thousands of services); a runtime's configuration never changes.
    let serviceClock: ServiceClock

    init(runtime: ServiceRuntime, wakesOnStop: Bool, coalescing: Duration = .zero) {
        self.runtime = runtime
        self.serviceClock = runtime.clock
        self.wakesOnStop = wakesOnStop
        self.scheduler = wakesOnStop ? nil : Self.scheduler(for: runtime)
        self.coalescing = coalescing
    }

    /// How late the shared scheduler may wake a timer of `interval` that asked for no tolerance.
    ///
    /// 2% of the interval, at most 1 ms (200 µs for a 10 ms timer). Without it, a thousand timers spread by
    /// their jitter would be woken a few at a time, each few costing thread wake-ups; with it they are woken
    /// in batches.
    package static func coalescing(for interval: Duration) -> Duration {
        Swift.min(interval / 50, .milliseconds(1))
    }

    /// The scheduler for the runtime's clock, if it is a real one, with the shift between their offsets.
    private static func scheduler(for runtime: ServiceRuntime) -> (scheduler: TimerScheduler, shift: Duration)? {
        let clock = runtime.configuration.clock
        let scheduler: TimerScheduler
        if clock is ContinuousClock {
            scheduler = .continuous
        } else if clock is SuspendingClock {
            scheduler = .suspending
        } else {
            return nil
        }
        // Both count offsets on the same clock from their own origins. Reading the runtime's first makes the
        // shift err by the few nanoseconds between the reads, on the late side: never an early wake-up.
        let runtimeNow = runtime.clock.now
        let schedulerNow = scheduler.clock.now
        return (scheduler, schedulerNow - runtimeNow)
    }

    /// The current instant on the service's clock.
    public var now: Instant { Instant(offset: self.serviceClock.now) }

    /// Zero: the resolution of the wrapped clock is not known.
    public var minimumResolution: Duration { .zero }

    /// Sleeps until the offset `deadline` in steps the clock accepts (what `sleepBounded(until:tolerance:)`
    /// does for any clock), without the generic layer: service timers call it on every tick.
    func sleepBounded(until deadline: Duration, tolerance: Duration?) async throws {
        var now = self.serviceClock.now
        while deadline - now > Self.longestSleepStep {
            try await self.sleep(until: Instant(offset: now + Self.longestSleepStep), tolerance: tolerance)
            now = self.serviceClock.now
        }
        try await self.sleep(until: Instant(offset: deadline), tolerance: tolerance)
    }

    /// Sleeps until `deadline`.
    ///
    /// - Throws: `CancellationError` as soon as the service should stop (stopped or crashed) or the task is
    ///   cancelled, so a timer on this clock ends rather than waking early and sleeping again.
    public func sleep(until deadline: Instant, tolerance: Duration? = nil) async throws {
        if self.wakesOnStop {
            let remaining = deadline.offset - self.serviceClock.now
            if remaining > .zero { _ = await self.runtime.waitUntilShouldStop(timeout: remaining) }
        } else if let (scheduler, shift) = self.scheduler {
            // A deadline already passed is due at once there too.
            let tolerance = Swift.max(tolerance ?? .zero, self.coalescing)
            try await scheduler.sleep(until: deadline.offset + shift, tolerance: tolerance)
        } else {
            try await self.serviceClock.sleep(until: deadline.offset, tolerance: tolerance)
        }
        if self.runtime.shouldStop { throw CancellationError() }
        try Task.checkCancellation()
    }
}
