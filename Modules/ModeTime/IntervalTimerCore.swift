import Logging
import ModeConcurrencyHelpers

/// The part of an ``IntervalTimer``'s iteration that needs no clock and does not wait: where the next deadline
/// is, and what to count and log once the timer woke.
///
/// Times are offsets (`Duration`) on the timer's clock from any fixed reference, the one `origin` was read on.
/// A caller loops: ``nextWait(now:)``, then sleep, yield or stop as it says, then ``wake(now:)``, which returns
/// the element to deliver (or `nil` when that wait was not a tick yet: the first jitter delay of the
/// drift-corrected scheduling). ``IntervalTimer`` drives it on any clock; ModeCore's service timers drive it on
/// their own clock without a generic layer in between (one async call per tick: the sleep).
package struct IntervalTimerCore {
    /// What the caller should do before the next ``wake(now:)``.
    package enum Wait: Sendable {
        /// Sleep until this offset (on the clock's scale of `now`).
        case sleep(until: Duration)
        /// Yield once (the deadline has passed already), then wake.
        case yield
        /// The timer is over: the iteration ends.
        case finished
    }

    private enum Phase: Sendable {
        case initial
        /// Drift-corrected, before the first tick: the jitter delay is being slept.
        case startingDriftCorrected
        case fixedRate(anchor: Duration, lastWake: Duration)
        case driftCorrected
        case finished
    }

    /// What ``wake(now:)`` needs of the wait in progress.
    private struct Pending: Sendable {
        /// Fixed rate: the tick's grid instant; drift-corrected: when the sleep began.
        var scheduled: Duration = .zero
        /// When the wait was decided.
        var now: Duration = .zero
        /// Fixed rate: the instant slept until; drift-corrected: the sleep asked for.
        var deadline: Duration = .zero
        /// Fixed rate: the runtime of the previous callback, when it overlapped.
        var overlapRuntime: Duration?
    }

    /// What a tick of the fixed-rate scheduling does not read: kept out of line, so that the state a tick
    /// touches stays a few cache lines (with thousands of timers, each line is a cache miss per tick).
    private final class Details {
        let name: String
        let logger: Logger
        let jitter: TimerJitter
        let maxDriftCorrection: Duration
        /// The drift-corrected scheduling's state (unused by the fixed-rate one).
        var drift: TimerDriftState?

        init(name: String, logger: Logger, jitter: TimerJitter, maxDriftCorrection: Duration) {
            self.name = name
            self.logger = logger
            self.jitter = jitter
            self.maxDriftCorrection = maxDriftCorrection
        }
    }

    /// The nominal time between ticks.
    package let interval: Duration
    /// How late the clock may wake the timer (`nil`: as close as it can).
    package let tolerance: Duration?
    /// The monitor's counters themselves, one pointer hop (one cache line per tick) nearer than the monitor.
    private let monitor: Locked<TimerCounters>
    private let origin: Duration
    private let maxDrift: Duration
    private let isFixedRate: Bool
    /// Whether the logger took debug lines when iteration started: the per-tick line is then written, and
    /// otherwise not even prepared (reading the level costs a cache miss per tick with many timers).
    private let logsEachTick: Bool
    private var phase = Phase.initial
    private var pending = Pending()
    private var delivered = 0
    private let details: Details

    /// Starts the iteration of `timer`, whose clock read `origin` now (on the scale of later `now` values).
    package init<C: Clock>(_ timer: IntervalTimer<C>, origin: Duration) {
        self.interval = timer.interval
        self.tolerance = timer.tolerance
        self.monitor = timer.monitor.counters
        self.origin = origin
        self.maxDrift = Swift.min(timer.interval * 0.3, .milliseconds(1200))
        self.isFixedRate = timer.scheduling.isFixedRate
        self.logsEachTick = timer.logger.logLevel <= .debug
        self.details = Details(
            name: timer.name,
            logger: timer.logger,
            jitter: timer.jitter,
            maxDriftCorrection: timer.maxDriftCorrection
        )
    }

    /// Ends the iteration: every later ``nextWait(now:)`` says ``Wait/finished``.
    package mutating func finish() {
        self.phase = .finished
    }

    /// Decides the next wait; `now` is the clock's current offset.
    package mutating func nextWait(now: Duration) -> Wait {
        switch self.phase {
        case .finished:
            return .finished
        case .initial:
            let delay = self.details.jitter.delay(for: self.interval)
            if self.isFixedRate {
                return self.fixedRateWait(scheduled: now + delay + self.interval, now: now, overlapRuntime: nil)
            }
            if delay > .zero {
                self.phase = .startingDriftCorrected
                return .sleep(until: now + delay)
            }
            self.details.drift = TimerDriftState(
                interval: self.interval,
                maxDriftCorrection: self.details.maxDriftCorrection,
                now: now - self.origin
            )
            self.phase = .driftCorrected
            return self.driftCorrectedWait(now: now)
        case .startingDriftCorrected:
            // `wake(now:)` made the state when the jitter delay ended.
            return self.driftCorrectedWait(now: now)
        case .fixedRate(let anchor, let lastWake):
            let runtime = now - lastWake
            let overlapRuntime = runtime > self.interval ? runtime : nil
            if let overlapRuntime { self.logOverlap(runtime: overlapRuntime) }
            return self.fixedRateWait(scheduled: anchor + self.interval, now: now, overlapRuntime: overlapRuntime)
        case .driftCorrected:
            return self.driftCorrectedWait(now: now)
        }
    }

    /// Records the end of the wait that ``nextWait(now:)`` asked for, `now` being the clock's offset on waking.
    ///
    /// - Returns: The sleep done before this tick (the element to deliver), or `nil` when the wait was the
    ///   first jitter delay of the drift-corrected scheduling (ask ``nextWait(now:)`` again).
    package mutating func wake(now woke: Duration) -> Duration? {
        switch self.phase {
        case .initial, .fixedRate:
            return self.fixedRateWake(woke)
        case .startingDriftCorrected:
            self.details.drift = TimerDriftState(
                interval: self.interval,
                maxDriftCorrection: self.details.maxDriftCorrection,
                now: woke - self.origin
            )
            self.phase = .driftCorrected
            return nil
        case .driftCorrected:
            let pending = self.pending
            self.details.drift?.willYield(now: woke - self.origin)
            let lateness = (woke - pending.scheduled) - pending.deadline
            self.monitor.withLock { $0.recordLateness(lateness) }
            return pending.deadline
        case .finished:
            return nil
        }
    }

    private mutating func fixedRateWait(scheduled: Duration, now: Duration, overlapRuntime: Duration?) -> Wait {
        let deadline = Swift.max(scheduled, now)
        self.pending = Pending(scheduled: scheduled, now: now, deadline: deadline, overlapRuntime: overlapRuntime)
        return deadline > now ? .sleep(until: deadline) : .yield
    }

    private mutating func fixedRateWake(_ woke: Duration) -> Duration {
        let pending = self.pending
        let lateness = woke - pending.scheduled
        let sleepTime = woke - pending.now
        var kind = TimerWake.Kind.onTime
        if self.interval >= .seconds(1) && lateness.magnitude >= self.maxDrift {
            kind = lateness > .zero ? .late : .early
        }
        let overlapping = pending.overlapRuntime != nil
        self.monitor.withLock { statistics in
            statistics.iteration += 1
            statistics.recordLateness(lateness)
            if overlapping { statistics.overlaps += 1 }
            if kind == .late { statistics.driftingLate += 1 }
            if kind == .early { statistics.driftingEarly += 1 }
            if kind != .onTime { statistics.drifting += 1 }
        }
        if kind != .onTime || self.logsEachTick {
            self.logWake(
                TimerWake(
                    kind: kind,
                    iteration: self.delivered,
                    drift: .zero - lateness,
                    runtime: pending.overlapRuntime ?? .zero,
                    sleepTime: sleepTime,
                    newInterval: self.interval,
                    sinceEpoch: woke - self.origin,
                    isOverlapping: overlapping
                )
            )
        }
        self.delivered += 1
        self.phase = .fixedRate(anchor: pending.deadline, lastWake: woke)
        return pending.deadline - pending.now
    }

    private mutating func driftCorrectedWait(now before: Duration) -> Wait {
        self.phase = .driftCorrected
        guard var state = self.details.drift else { return .finished }
        let tick = state.tick(now: before - self.origin)
        self.details.drift = state
        if let wake = tick.wake {
            let counters = state.statistics
            self.monitor.withLock { statistics in
                statistics.iteration = counters.iteration
                statistics.drifting = counters.drifting
                statistics.driftingEarly = counters.driftingEarly
                statistics.driftingLate = counters.driftingLate
                statistics.overlaps = counters.overlaps
            }
            self.logWake(wake)
            if wake.isOverlapping { self.logOverlap(runtime: wake.runtime) }
        }
        self.pending = Pending(scheduled: before, now: before, deadline: tick.sleepTime, overlapRuntime: nil)
        return tick.sleepTime > .zero ? .sleep(until: before + tick.sleepTime) : .yield
    }

    private func logWake(_ wake: TimerWake) {
        let name = self.details.name
        let logger = self.details.logger
        switch wake.kind {
        case .late:
            logger.info(
                """
                Timer \(name) woke up too late, with a drift of +\(wake.drift.magnitude.pythonRepr) \
                runtime=\(wake.runtime.pythonRepr) sleeptime=\(wake.sleepTime.pythonRepr)
                """
            )
        case .early:
            logger.info(
                """
                Timer \(name) woke up too early, with a drift of -\(wake.drift.magnitude.pythonRepr) \
                runtime=\(wake.runtime.pythonRepr) sleeptime=\(wake.sleepTime.pythonRepr)
                """
            )
        case .onTime:
            guard self.logsEachTick else { return }
            logger.debug(
                """
                Timer \(name) woke up - iteration=\(wake.iteration) \
                time_spent_sleeping=\(wake.sleepTime.pythonRepr) drift=\(wake.drift.pythonRepr) \
                new_interval=\(wake.newInterval.pythonRepr) since_epoch=\(wake.sinceEpoch.pythonRepr)
                """
            )
        }
    }

    private func logOverlap(runtime: Duration) {
        self.details.logger.warning(
            """
            Timer \(self.details.name) is overlapping \
            (interval=\(self.interval.pythonRepr) runtime=\(runtime.pythonRepr))
            """
        )
    }
}
