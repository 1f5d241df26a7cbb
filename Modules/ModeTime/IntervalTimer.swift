public import Logging
import ModeConcurrencyHelpers

/// An async sequence that ticks every `interval` on a clock, until the iterating task is cancelled.
///
/// This is the engine of Python Mode's `@Service.timer` and `itertimer`: each element is the sleep the
/// timer did before that tick. The first tick comes one interval (plus a small random ``TimerJitter``)
/// after iteration starts; iteration ends (returns `nil`) when the task is cancelled.
///
/// Two schedulings exist (see ``TimerScheduling``): ``TimerScheduling/fixedRate`` (the default) sleeps
/// until deadlines on a fixed grid and so never drifts; ``TimerScheduling/driftCorrected`` is the
/// original's fixed-delay algorithm with its bounded correction. Both count ticks, drifting ticks and
/// overlaps in ``statistics``, and log the original's lines on `logger`:
///
/// - info: `Timer <name> woke up too late, with a drift of +<s> runtime=<s> sleeptime=<s>` (and
///   `…too early, with a drift of -<s>…`) when an interval of at least one second drifts by
///   `min(30% of interval, 1.2 s)` or more;
/// - warning: `Timer <name> is overlapping (interval=<s> runtime=<s>)` when the work between two ticks
///   took longer than the interval;
/// - debug: `Timer <name> woke up - iteration=… time_spent_sleeping=… drift=… new_interval=… since_epoch=…`.
///
/// ```swift
/// let timer = IntervalTimer(every: .seconds(30), name: "flush")
/// for await _ in timer {
///     await buffer.flush()
/// }
/// ```
///
/// A tick costs no heap allocation of its own: the iterator keeps its state inline and updates the shared
/// statistics under a lock once per tick.
///
/// The sequence is `Sendable`; each iterator belongs to one task. ``statistics`` may be read from any task.
public struct IntervalTimer<C: Clock>: AsyncSequence, Sendable where C.Duration == Duration {
    /// The sleep done before each tick.
    public typealias Element = Duration
    /// Timers do not fail; they end on cancellation.
    public typealias Failure = Never

    /// The nominal time between ticks.
    public let interval: Duration
    /// The timer's name, used in log lines.
    public let name: String
    /// How ticks are placed in time.
    public let scheduling: TimerScheduling
    /// The bound of each drift correction (``TimerScheduling/driftCorrected`` only).
    public let maxDriftCorrection: Duration
    /// The random delay added to the first deadline.
    public let jitter: TimerJitter
    /// Where the drift and overlap lines go.
    public let logger: Logger
    /// The clock the timer sleeps on.
    public let clock: C

    /// How late the clock may wake the timer so it can coalesce wake-ups (`nil`: as close as it can).
    public let tolerance: Duration?
    /// Where the timer keeps its counters; shared by all its iterators.
    public let monitor: TimerMonitor

    /// Creates a timer on `clock`.
    ///
    /// - Parameters:
    ///   - interval: The time between ticks. Zero makes ticks back to back (each one still yields to other
    ///     tasks); a huge value means a timer that never ticks.
    ///   - name: The name used in log lines.
    ///   - scheduling: ``TimerScheduling/fixedRate`` (default) or ``TimerScheduling/driftCorrected``.
    ///   - maxDriftCorrection: The bound of each correction for ``TimerScheduling/driftCorrected``; 100 ms.
    ///     Zero turns correction off; a huge value lets a correction be as large as the interval allows.
    ///     Negative throws.
    ///   - jitter: The random delay added to the first deadline only; up to 5% of the interval (at most
    ///     1 s) by default. Tests pass ``TimerJitter/none``.
    ///   - logger: Where drift and overlap lines go; `mode.timers` by default.
    ///   - monitor: Where the counters go; read them here or through ``statistics``.
    ///   - tolerance: How late the clock may wake the timer, so it can batch the wake-ups of many timers;
    ///     `nil` (the default) asks for the deadline itself. Zero is the same as `nil`; a huge value is
    ///     allowed (the clock decides how much of it to use). Negative throws.
    ///   - clock: The clock to sleep on; tests pass a manual clock.
    /// - Throws: ``TimerError`` `.invalidArgument` for a negative interval (service timers and `itertimer(every:)`
    ///   report it as ModeCore's `ServiceError` `.invalidArgument`); also for a negative `maxDriftCorrection` or
    ///   `tolerance`.
    public init(
        every interval: Duration,
        name: String = "",
        scheduling: TimerScheduling = .fixedRate,
        maxDriftCorrection: Duration = .milliseconds(100),
        jitter: TimerJitter = .default,
        logger: Logger = Logger(label: "mode.timers"),
        monitor: TimerMonitor = TimerMonitor(),
        tolerance: Duration? = nil,
        clock: C
    ) throws {
        try Self.validate(interval: interval, name: name, maxDriftCorrection: maxDriftCorrection, tolerance: tolerance)
        self.monitor = monitor
        self.tolerance = tolerance
        self.interval = interval
        self.name = name
        self.scheduling = scheduling
        self.maxDriftCorrection = maxDriftCorrection
        self.jitter = jitter
        self.logger = logger
        self.clock = clock
    }

    /// Rejects a negative interval with the error every Mode timer throws for it.
    package static func validate(
        interval: Duration,
        name: String,
        maxDriftCorrection: Duration = .zero,
        tolerance: Duration? = nil
    ) throws {
        let subject = name.isEmpty ? "a timer" : "timer \"\(name)\""
        guard interval >= .zero else {
            throw TimerError.invalidArgument("\(subject) has a negative interval (\(interval)); give it zero or more")
        }
        guard maxDriftCorrection >= .zero else {
            throw TimerError.invalidArgument(
                "\(subject) has a negative maxDriftCorrection (\(maxDriftCorrection)); give it zero or more"
            )
        }
        if let tolerance, tolerance < .zero {
            throw TimerError.invalidArgument(
                "\(subject) has a negative tolerance (\(tolerance)); give it zero or more, or nil"
            )
        }
    }

    /// The counters so far, shared by all iterators of this timer.
    public var statistics: TimerStatistics { self.monitor.statistics }

    /// Starts the timer: the first deadline is computed when `next()` is first called.
    public func makeAsyncIterator() -> AsyncIterator { AsyncIterator(timer: self) }

    /// The iterator of an ``IntervalTimer``; it belongs to one task.
    public struct AsyncIterator: AsyncIteratorProtocol {
        private let clock: C
        private let origin: C.Instant
        private var core: IntervalTimerCore

        init(timer: IntervalTimer) {
            self.clock = timer.clock
            self.origin = timer.clock.now
            self.core = IntervalTimerCore(timer, origin: .zero)
        }

        /// Sleeps until the next tick and returns the sleep done, or `nil` once the task is cancelled.
        public mutating func next(isolation actor: isolated (any Actor)?) async -> Duration? {
            while true {
                if Task.isCancelled { self.core.finish() }
                switch self.core.nextWait(now: self.origin.duration(to: self.clock.now)) {
                case .finished:
                    return nil
                case .sleep(let deadline):
                    do {
                        try await self.clock.sleepBounded(
                            until: self.origin.advanced(by: deadline),
                            tolerance: self.core.tolerance
                        )
                    } catch {
                        self.core.finish()
                        return nil
                    }
                case .yield:
                    await Task.yield()
                }
                if Task.isCancelled {
                    self.core.finish()
                    return nil
                }
                if let slept = self.core.wake(now: self.origin.duration(to: self.clock.now)) { return slept }
            }
        }

        /// Sleeps until the next tick and returns the sleep done, or `nil` once the task is cancelled.
        public mutating func next() async -> Duration? {
            await self.next(isolation: #isolation)
        }
    }
}

extension IntervalTimer where C == ContinuousClock {
    /// Creates a timer on the continuous clock.
    ///
    /// - Parameters:
    ///   - interval: The time between ticks.
    ///   - name: The name used in log lines.
    ///   - scheduling: ``TimerScheduling/fixedRate`` (default) or ``TimerScheduling/driftCorrected``.
    ///   - maxDriftCorrection: The bound of each correction for ``TimerScheduling/driftCorrected``; 100 ms.
    ///   - jitter: The random delay added to the first deadline only.
    ///   - logger: Where drift and overlap lines go.
    /// - Throws: ``TimerError`` `.invalidArgument` for a negative interval.
    public init(
        every interval: Duration,
        name: String = "",
        scheduling: TimerScheduling = .fixedRate,
        maxDriftCorrection: Duration = .milliseconds(100),
        jitter: TimerJitter = .default,
        logger: Logger = Logger(label: "mode.timers")
    ) throws {
        try self.init(
            every: interval,
            name: name,
            scheduling: scheduling,
            maxDriftCorrection: maxDriftCorrection,
            jitter: jitter,
            logger: logger,
            clock: ContinuousClock()
        )
    }
}

@available(*, unavailable)
extension IntervalTimer.AsyncIterator: Sendable {}

extension Duration {
    /// The duration in seconds as Python prints a float with `%r`: `0.1`, `1.5`, `1e-05`.
    var pythonRepr: String { "\(self.secondsAsDouble)" }
}
