extension Clock where Duration == Swift.Duration {
    /// The longest single sleep handed to the clock: about 95 years.
    ///
    /// `ContinuousClock` and `SuspendingClock` turn a deadline into 64-bit nanoseconds since boot and trap past
    /// about 292 years, so `sleep(until: now + .seconds(Int64.max))` kills the process. Sleeping in steps of at
    /// most this length never overflows, and a huge duration then simply means "until cancelled".
    package static var longestSleepStep: Swift.Duration { .seconds(3_000_000_000) }

    /// Sleeps until `deadline` in steps short enough for any clock, so that no duration can trap.
    ///
    /// - Throws: `CancellationError` if the task is cancelled, as the clock's own `sleep` does.
    package func sleepBounded(until deadline: Instant, tolerance: Swift.Duration? = nil) async throws {
        while true {
            let now = self.now
            let remaining = now.duration(to: deadline)
            if remaining <= Self.longestSleepStep {
                try await self.sleep(until: deadline, tolerance: tolerance)
                return
            }
            try await self.sleep(until: now.advanced(by: Self.longestSleepStep), tolerance: tolerance)
        }
    }

    /// Sleeps for `duration` (any value: zero or negative returns at once, a huge one lasts until cancelled).
    package func sleepBounded(for duration: Swift.Duration, tolerance: Swift.Duration? = nil) async throws {
        try await self.sleepBounded(until: self.now.advanced(by: duration), tolerance: tolerance)
    }
}
