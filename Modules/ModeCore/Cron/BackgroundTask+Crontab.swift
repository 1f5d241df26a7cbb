public import Foundation

extension BackgroundTask {
    /// A crontab timer: runs `body` at each time `schedule` names, while the service runs.
    ///
    /// The next fire time is computed from the wall clock (`now`, in the schedule's time zone) and slept for on
    /// the service's clock, so tests drive it with a `ManualClock` and a fixed `now`. The timer ends when the
    /// service stops or crashes.
    ///
    /// ```swift
    /// .crontab("report", try CronSchedule(parsing: "0 9 * * MON-FRI", timeZone: .current)) {
    ///     try await self.sendReport()
    /// }
    /// ```
    ///
    /// - Parameters:
    ///   - name: The task name.
    ///   - schedule: When to run.
    ///   - onError: ``TimerErrorPolicy/crash`` (the default) or ``TimerErrorPolicy/logAndContinue``.
    ///   - now: The wall clock; tests pass one that follows their manual clock.
    ///   - body: The work of one run.
    public static func crontab(
        _ name: String,
        _ schedule: CronSchedule,
        onError: TimerErrorPolicy = .crash,
        now: @escaping @Sendable () -> Date = { Date() },
        _ body: @escaping @concurrent @Sendable () async throws -> Void
    ) -> Self {
        Self(name: name) { runtime, _ in
            let fires = CronTimer(schedule: schedule, clock: ServiceTimerClock(runtime: runtime, wakesOnStop: true), now: now)
            for await _ in fires {
                guard !runtime.shouldStop else { break }
                try await onError.run(name, runtime: runtime, body)
            }
        }
    }
}
