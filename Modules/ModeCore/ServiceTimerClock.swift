/// The clock a service's timers run on: the service's own clock, whose sleeps end the timer once the service
/// is asked to stop or crashes.
///
/// `itertimer` sleeps wake at once when the service stops, so a loop running in a task the service does not
/// own still ends promptly. The timers of `BackgroundTask.timer` run in owned tasks, which `stop()` cancels;
/// they sleep on the plain clock (no extra task per tick) and notice a crash at their next tick.
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
    /// Whether a sleep wakes as soon as the service should stop (one helper task per sleep), or only at its
    /// deadline or on cancellation.
    let wakesOnStop: Bool

    init(runtime: ServiceRuntime, wakesOnStop: Bool) {
        self.runtime = runtime
        self.wakesOnStop = wakesOnStop
    }

    /// The current instant on the service's clock.
    public var now: Instant { Instant(offset: self.runtime.clock.now) }

    /// Zero: the resolution of the wrapped clock is not known.
    public var minimumResolution: Duration { .zero }

    /// Sleeps until `deadline`.
    ///
    /// - Throws: `CancellationError` as soon as the service should stop (stopped or crashed) or the task is
    ///   cancelled, so a timer on this clock ends rather than waking early and sleeping again.
    public func sleep(until deadline: Instant, tolerance: Duration? = nil) async throws {
        if self.wakesOnStop {
            let remaining = deadline.offset - self.runtime.clock.now
            if remaining > .zero { _ = await self.runtime.waitUntilShouldStop(timeout: remaining) }
        } else {
            try await self.runtime.clock.sleep(until: deadline.offset, tolerance: tolerance)
        }
        if self.runtime.shouldStop { throw CancellationError() }
        try Task.checkCancellation()
    }
}
