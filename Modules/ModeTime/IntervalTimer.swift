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
        private enum Phase {
            case initial
            case fixedRate(anchor: C.Instant, lastWake: C.Instant)
            case driftCorrected(TimerDriftState)
            case finished
        }

        private let timer: IntervalTimer
        private let origin: C.Instant
        private let maxDrift: Duration
        private var phase = Phase.initial
        private var delivered = 0
        /// Whether the logger took debug lines when iteration started: the per-tick line is then written,
        /// and otherwise not even prepared (reading the level costs a cache miss per tick with many timers).
        private let logsEachTick: Bool

        init(timer: IntervalTimer) {
            self.timer = timer
            self.origin = timer.clock.now
            self.maxDrift = Swift.min(timer.interval * 0.3, .milliseconds(1200))
            self.logsEachTick = timer.logger.logLevel <= .debug
        }

        /// Sleeps until the next tick and returns the sleep done, or `nil` once the task is cancelled.
        public mutating func next(isolation actor: isolated (any Actor)?) async -> Duration? {
            if Task.isCancelled { self.phase = .finished }
            switch self.phase {
            case .finished:
                return nil
            case .initial:
                let now = self.timer.clock.now
                let delay = self.timer.jitter.delay(for: self.timer.interval)
                if self.timer.scheduling.isFixedRate {
                    let scheduled = now.advanced(by: delay + self.timer.interval)
                    return await self.fixedRateTick(scheduled: scheduled, now: now, overlapRuntime: nil)
                }
                if delay > .zero {
                    guard await self.sleep(until: now.advanced(by: delay)) else { return nil }
                }
                let start = self.origin.duration(to: self.timer.clock.now)
                let state = TimerDriftState(
                    interval: self.timer.interval,
                    maxDriftCorrection: self.timer.maxDriftCorrection,
                    now: start
                )
                return await self.driftCorrectedTick(state)
            case .fixedRate(let anchor, let lastWake):
                let now = self.timer.clock.now
                let runtime = lastWake.duration(to: now)
                let overlapRuntime = runtime > self.timer.interval ? runtime : nil
                if let overlapRuntime { self.logOverlap(runtime: overlapRuntime) }
                return await self.fixedRateTick(
                    scheduled: anchor.advanced(by: self.timer.interval),
                    now: now,
                    overlapRuntime: overlapRuntime
                )
            case .driftCorrected(let state):
                return await self.driftCorrectedTick(state)
            }
        }

        /// Sleeps until the next tick and returns the sleep done, or `nil` once the task is cancelled.
        public mutating func next() async -> Duration? {
            await self.next(isolation: #isolation)
        }

        private mutating func fixedRateTick(
            scheduled: C.Instant,
            now: C.Instant,
            overlapRuntime: Duration?
        ) async -> Duration? {
            let deadline = Swift.max(scheduled, now)
            if deadline > now {
                guard await self.sleep(until: deadline) else { return nil }
            } else {
                await Task.yield()
                if Task.isCancelled { return self.finish() }
            }
            let woke = self.timer.clock.now
            let lateness = scheduled.duration(to: woke)
            let sleepTime = now.duration(to: woke)
            var kind = TimerWake.Kind.onTime
            if self.timer.interval >= .seconds(1) && lateness.magnitude >= self.maxDrift {
                kind = lateness > .zero ? .late : .early
            }
            self.timer.monitor.update { statistics in
                statistics.iteration += 1
                statistics.recordLateness(lateness)
                if overlapRuntime != nil { statistics.overlaps += 1 }
                if kind == .late { statistics.driftingLate += 1 }
                if kind == .early { statistics.driftingEarly += 1 }
                if kind != .onTime { statistics.drifting += 1 }
            }
            let wake = TimerWake(
                kind: kind,
                iteration: self.delivered,
                drift: .zero - lateness,
                runtime: overlapRuntime ?? .zero,
                sleepTime: sleepTime,
                newInterval: self.timer.interval,
                sinceEpoch: self.origin.duration(to: woke),
                isOverlapping: overlapRuntime != nil
            )
            self.logWake(wake)
            self.delivered += 1
            self.phase = .fixedRate(anchor: deadline, lastWake: woke)
            return now.duration(to: deadline)
        }

        private mutating func driftCorrectedTick(_ previous: TimerDriftState) async -> Duration? {
            var state = previous
            let before = self.timer.clock.now
            let tick = state.tick(now: self.origin.duration(to: before))
            if let wake = tick.wake {
                let counters = state.statistics
                self.timer.monitor.update { statistics in
                    statistics.iteration = counters.iteration
                    statistics.drifting = counters.drifting
                    statistics.driftingEarly = counters.driftingEarly
                    statistics.driftingLate = counters.driftingLate
                    statistics.overlaps = counters.overlaps
                }
                self.logWake(wake)
                if wake.isOverlapping { self.logOverlap(runtime: wake.runtime) }
            }
            if tick.sleepTime > .zero {
                guard await self.sleep(until: before.advanced(by: tick.sleepTime)) else { return nil }
            } else {
                await Task.yield()
                if Task.isCancelled { return self.finish() }
            }
            let woke = self.timer.clock.now
            state.willYield(now: self.origin.duration(to: woke))
            let lateness = before.duration(to: woke) - tick.sleepTime
            self.timer.monitor.update { $0.recordLateness(lateness) }
            self.phase = .driftCorrected(state)
            return tick.sleepTime
        }

        /// Sleeps on the timer's clock; `false` (and the iterator finished) on cancellation.
        private mutating func sleep(until deadline: C.Instant) async -> Bool {
            do {
                try await self.timer.clock.sleepBounded(until: deadline, tolerance: self.timer.tolerance)
            } catch {
                self.phase = .finished
                return false
            }
            if Task.isCancelled {
                self.phase = .finished
                return false
            }
            return true
        }

        private mutating func finish() -> Duration? {
            self.phase = .finished
            return nil
        }

        private func logWake(_ wake: TimerWake) {
            let name = self.timer.name
            switch wake.kind {
            case .late:
                self.timer.logger.info(
                    """
                    Timer \(name) woke up too late, with a drift of +\(wake.drift.magnitude.pythonRepr) \
                    runtime=\(wake.runtime.pythonRepr) sleeptime=\(wake.sleepTime.pythonRepr)
                    """
                )
            case .early:
                self.timer.logger.info(
                    """
                    Timer \(name) woke up too early, with a drift of -\(wake.drift.magnitude.pythonRepr) \
                    runtime=\(wake.runtime.pythonRepr) sleeptime=\(wake.sleepTime.pythonRepr)
                    """
                )
            case .onTime:
                guard self.logsEachTick else { return }
                self.timer.logger.debug(
                    """
                    Timer \(name) woke up - iteration=\(wake.iteration) \
                    time_spent_sleeping=\(wake.sleepTime.pythonRepr) drift=\(wake.drift.pythonRepr) \
                    new_interval=\(wake.newInterval.pythonRepr) since_epoch=\(wake.sinceEpoch.pythonRepr)
                    """
                )
            }
        }

        private func logOverlap(runtime: Duration) {
            self.timer.logger.warning(
                """
                Timer \(self.timer.name) is overlapping \
                (interval=\(self.timer.interval.pythonRepr) runtime=\(runtime.pythonRepr))
                """
            )
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
