import ModeConcurrencyHelpers

/// The clock a service waits on, with its instants reduced to offsets from when the box was made.
///
/// `any Clock<Duration>` cannot name its instants, so the runtime keeps this box: `now` is the time elapsed on
/// the wrapped clock since the box was created, and `sleep(until:)` takes such an offset. Tests pass a
/// `ManualClock` and every sleep, wait, deadline and timer of the service follows it.
package struct ServiceClock: Sendable {
    /// Everything in one object, so a configuration holds one reference (every runtime keeps a configuration).
    private final class Box: Sendable {
        let base: any Clock<Duration>
        let now: @Sendable () -> Duration
        let sleepUntil: @Sendable (Duration, Duration?) async throws -> Void
        let alarms: SleepAlarms

        init<C: Clock<Duration>>(_ clock: C) {
            let origin = clock.now
            let now: @Sendable () -> Duration = { origin.duration(to: clock.now) }
            self.base = clock
            self.now = now
            self.sleepUntil = { offset, tolerance in
                try await clock.sleepBounded(until: origin.advanced(by: offset), tolerance: tolerance)
            }
            self.alarms = SleepAlarms(clock: clock, origin: origin, now: now)
        }
    }

    private let box: Box

    /// Wraps `clock`; offsets count from the clock's `now` at this call.
    package init<C: Clock<Duration>>(_ clock: C) {
        self.box = Box(clock)
    }

    /// The wrapped clock.
    package var base: any Clock<Duration> { self.box.base }

    /// Ends the runtimes' timed waits at their deadlines, without a task per wait.
    package var alarms: SleepAlarms { self.box.alarms }

    /// One box for every runtime on the default `ContinuousClock`: offsets then count from the first use,
    /// which is as good as any origin, and no runtime pays for closures of its own.
    package static let continuous = ServiceClock(ContinuousClock())

    /// The time elapsed since the box was created, on the wrapped clock.
    package var now: Duration { self.box.now() }

    /// Sleeps until the wrapped clock reaches `offset`; `tolerance` lets the clock coalesce wake-ups.
    package func sleep(until offset: Duration, tolerance: Duration? = nil) async throws {
        try await self.box.sleepUntil(offset, tolerance)
    }

    /// Sleeps for `duration` on the wrapped clock.
    package func sleep(for duration: Duration) async throws {
        try await self.box.sleepUntil(self.now + duration, nil)
    }
}
