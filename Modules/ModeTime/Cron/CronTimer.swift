public import Foundation

/// An async sequence that yields each fire time of a ``CronSchedule`` when it comes, sleeping on a clock
/// in between, until the iterating task is cancelled.
///
/// The sleep is measured on `clock` (a monotonic `ContinuousClock` by default, a manual clock in tests),
/// while the fire times are wall-clock dates read from `now`. After each sleep the timer checks `now`
/// again and sleeps the remainder if the wall clock is still short of the fire time by more than a
/// millisecond, so a wall clock that was adjusted backwards does not make it fire early. Each fire time is
/// yielded at most once.
///
/// This is the engine of Python Mode's `@Service.crontab`.
///
/// ```swift
/// let nightly = try CronSchedule(parsing: "0 3 * * *", timeZone: TimeZone(identifier: "UTC")!)
/// for await fire in CronTimer(schedule: nightly) {
///     print("compacting, scheduled for \(fire)")
///     await store.compact()
/// }
/// ```
///
/// The sequence is `Sendable`; each iterator belongs to one task.
public struct CronTimer<C: Clock>: AsyncSequence, Sendable where C.Duration == Duration {
    /// The scheduled fire time of each tick (not the moment the task woke up).
    public typealias Element = Date
    /// Cron timers do not fail; they end on cancellation, or when the schedule never fires again.
    public typealias Failure = Never

    /// The schedule.
    public let schedule: CronSchedule
    /// The clock the timer sleeps on.
    public let clock: C
    /// The wall-clock source.
    public let now: @Sendable () -> Date

    /// Creates a cron timer.
    ///
    /// - Parameters:
    ///   - schedule: When to fire.
    ///   - clock: The clock to sleep on; tests pass a manual clock.
    ///   - now: The wall-clock time; tests derive it from the manual clock.
    public init(schedule: CronSchedule, clock: C, now: @escaping @Sendable () -> Date = { Date() }) {
        self.schedule = schedule
        self.clock = clock
        self.now = now
    }

    /// Starts the timer.
    public func makeAsyncIterator() -> AsyncIterator { AsyncIterator(timer: self) }

    /// The iterator of a ``CronTimer``; it belongs to one task.
    public struct AsyncIterator: AsyncIteratorProtocol {
        private let timer: CronTimer
        private var lastFire: Date?
        private var isFinished = false

        init(timer: CronTimer) {
            self.timer = timer
        }

        /// Sleeps until the next fire time and returns it, or `nil` once the task is cancelled.
        public mutating func next(isolation actor: isolated (any Actor)?) async -> Date? {
            guard !self.isFinished, !Task.isCancelled else { return self.finish() }
            var from = self.timer.now()
            if let lastFire = self.lastFire, lastFire > from { from = lastFire }
            guard let fire = self.timer.schedule.nextFire(after: from) else { return self.finish() }
            while true {
                // Within a millisecond counts as due: `Date` arithmetic is only that precise near 2026.
                let remaining = self.timer.now().distance(to: fire)
                if remaining <= 0.001 { break }
                let wait = Duration.nanoseconds(Int64((Swift.min(remaining, 1e9) * 1e9).rounded(.up)))
                do {
                    try await self.timer.clock.sleep(until: self.timer.clock.now.advanced(by: wait), tolerance: nil)
                } catch {
                    return self.finish()
                }
                if Task.isCancelled { return self.finish() }
            }
            self.lastFire = fire
            return fire
        }

        /// Sleeps until the next fire time and returns it, or `nil` once the task is cancelled.
        public mutating func next() async -> Date? {
            await self.next(isolation: #isolation)
        }

        private mutating func finish() -> Date? {
            self.isFinished = true
            return nil
        }
    }
}

extension CronTimer where C == ContinuousClock {
    /// Creates a cron timer that sleeps on the continuous clock and reads the system's wall clock.
    ///
    /// - Parameter schedule: When to fire.
    public init(schedule: CronSchedule) {
        self.init(schedule: schedule, clock: ContinuousClock())
    }
}

@available(*, unavailable)
extension CronTimer.AsyncIterator: Sendable {}
