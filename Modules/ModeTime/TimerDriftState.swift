/// The drift-correcting algorithm of Python Mode's `Timer`, as a pure value: no clock, no sleeping, no
/// logging.
///
/// Feed it the current time (as a `Duration` since any fixed reference) and it says how long to sleep,
/// and reports what happened on the previous round so the caller can log it:
///
/// 1. Before each sleep, call ``tick(now:)``. The first tick returns ``interval`` exactly.
/// 2. After the sleep, call ``willYield(now:)``, then run the timer's callback.
/// 3. On later ticks, `drift = interval − time actually slept`, and the next sleep is
///    `interval + drift` clamped to `interval ± maxDriftCorrection` (no correction at all when
///    `interval <= maxDriftCorrection`). The callback's runtime is not compensated: the period is about
///    `interval + runtime` (fixed delay).
/// 4. A tick whose `|drift|` reaches ``maxDrift`` (`min(30% of interval, 1.2 s)`) on an interval of at least
///    one second counts as drifting (early or late); a callback that ran longer than the interval counts as
///    an overlap.
///
/// ```swift
/// var state = TimerDriftState(interval: .seconds(1), now: .zero)
/// let first = state.tick(now: .zero)                  // sleep 1 s
/// state.willYield(now: .milliseconds(1050))           // overslept by 50 ms
/// let second = state.tick(now: .milliseconds(1050))   // sleep 950 ms; second.wake?.drift == -50 ms
/// ```
///
/// A value type; safe to send between tasks.
public struct TimerDriftState: Hashable, Sendable {
    /// The nominal time between ticks.
    public let interval: Duration
    /// The most a single sleep is shortened or lengthened to correct drift.
    public let maxDriftCorrection: Duration
    /// The drift at which a tick counts as drifting and is logged at info level:
    /// `min(30% of interval, 1.2 s)`.
    public let maxDrift: Duration
    /// The shortest sleep the correction allows.
    public let minInterval: Duration
    /// The longest sleep the correction allows.
    public let maxInterval: Duration
    /// The counters so far.
    public private(set) var statistics = TimerStatistics()

    private let epoch: Duration
    private var lastWakeupAt: Duration
    private var lastYieldAt: Duration
    private var hasYielded = false

    /// Creates the state for a timer started at `now`.
    ///
    /// - Parameters:
    ///   - interval: The nominal time between ticks. Zero or negative: every sleep is that value (no
    ///     correction; a caller sleeps not at all). A huge value such as `.seconds(Int64.max)` works; the
    ///     arithmetic stays within `Duration`'s range.
    ///   - maxDriftCorrection: The bound of each correction; 100 ms by default, as in the original. Zero turns
    ///     correction off; a negative value counts as zero (and ``maxDriftCorrection`` reads zero); a huge
    ///     value lets every correction through.
    ///   - now: The current time, on the same scale as later calls.
    public init(interval: Duration, maxDriftCorrection: Duration = .milliseconds(100), now: Duration) {
        let maxDriftCorrection = max(maxDriftCorrection, .zero)
        self.interval = interval
        self.maxDriftCorrection = maxDriftCorrection
        self.maxDrift = min(interval * 0.3, .milliseconds(1200))
        if interval > maxDriftCorrection {
            self.minInterval = interval - maxDriftCorrection
            self.maxInterval = interval + maxDriftCorrection
        } else {
            self.minInterval = interval
            self.maxInterval = interval
        }
        self.epoch = now
        self.lastWakeupAt = now
        self.lastYieldAt = now
    }

    /// Computes the next sleep and reports on the round that just ended.
    ///
    /// - Parameter now: The current time.
    /// - Returns: The sleep to do now, and (from the second tick on) the report on the previous round.
    public mutating func tick(now: Duration) -> TimerTick {
        guard self.hasYielded else {
            self.lastWakeupAt = now
            return TimerTick(sleepTime: self.interval, wake: nil)
        }
        let timeSpentSleeping = self.lastYieldAt - self.lastWakeupAt
        let timeSpentYielding = now - self.lastYieldAt
        let drift = self.interval - timeSpentSleeping
        let newInterval = self.adjustedInterval(drift: drift)

        var kind = TimerWake.Kind.onTime
        if self.interval >= .seconds(1) && drift.magnitude >= self.maxDrift {
            self.statistics.drifting += 1
            if drift < .zero {
                self.statistics.driftingLate += 1
                kind = .late
            } else {
                self.statistics.driftingEarly += 1
                kind = .early
            }
        }
        let overlapping = timeSpentYielding > self.interval
        if overlapping { self.statistics.overlaps += 1 }
        let wake = TimerWake(
            kind: kind,
            iteration: self.statistics.iteration,
            drift: drift,
            runtime: timeSpentYielding,
            sleepTime: timeSpentSleeping,
            newInterval: newInterval,
            sinceEpoch: now - self.epoch,
            isOverlapping: overlapping
        )
        self.statistics.iteration += 1
        self.lastWakeupAt = now
        return TimerTick(sleepTime: newInterval, wake: wake)
    }

    /// Records the end of a sleep, just before the timer's callback runs (Python's `on_before_yield`).
    ///
    /// - Parameter now: The current time.
    public mutating func willYield(now: Duration) {
        self.lastYieldAt = now
        self.hasYielded = true
    }

    /// `interval + drift`, clamped to `minInterval ... maxInterval`.
    public func adjustedInterval(drift: Duration) -> Duration {
        min(max(self.interval + drift, self.minInterval), self.maxInterval)
    }
}

/// What ``TimerDriftState/tick(now:)`` decided: how long to sleep, and what the last round looked like.
///
/// A value type; safe to send between tasks.
public struct TimerTick: Hashable, Sendable {
    /// How long to sleep before the next tick.
    public var sleepTime: Duration
    /// The report on the round that just ended; `nil` on the first tick.
    public var wake: TimerWake?

    /// Creates a tick.
    public init(sleepTime: Duration, wake: TimerWake?) {
        self.sleepTime = sleepTime
        self.wake = wake
    }
}

/// A report on one round of a timer: how it slept, how long its callback ran, and how far it drifted.
///
/// A value type; safe to send between tasks.
public struct TimerWake: Hashable, Sendable {
    /// How a tick's wake-up compares with its target.
    public enum Kind: Hashable, Sendable {
        /// Within the threshold (or the interval is below one second): logged at debug level.
        case onTime
        /// Woke up too late: logged at info level.
        case late
        /// Woke up too early: logged at info level.
        case early
    }

    /// How the wake-up compares with its target.
    public var kind: Kind
    /// The iteration count before this tick.
    public var iteration: Int
    /// `interval − time slept` for the drift-corrected scheduling (negative when late); the negated
    /// lateness for the fixed-rate scheduling.
    public var drift: Duration
    /// How long the callback ran between the previous tick and this one.
    public var runtime: Duration
    /// How long the timer slept.
    public var sleepTime: Duration
    /// The next sleep the correction chose.
    public var newInterval: Duration
    /// The time since the timer started.
    public var sinceEpoch: Duration
    /// Whether the callback ran longer than the interval.
    public var isOverlapping: Bool

    /// Creates a report.
    public init(
        kind: Kind,
        iteration: Int,
        drift: Duration,
        runtime: Duration,
        sleepTime: Duration,
        newInterval: Duration,
        sinceEpoch: Duration,
        isOverlapping: Bool
    ) {
        self.kind = kind
        self.iteration = iteration
        self.drift = drift
        self.runtime = runtime
        self.sleepTime = sleepTime
        self.newInterval = newInterval
        self.sinceEpoch = sinceEpoch
        self.isOverlapping = isOverlapping
    }
}

extension Duration {
    /// The duration without its sign.
    var magnitude: Duration { self < .zero ? .zero - self : self }
}
