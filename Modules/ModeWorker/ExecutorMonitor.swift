import Dispatch
import ModeConcurrencyHelpers

/// Watches the cooperative executor for blocking: a cheap heartbeat task on the executor, and a watcher on a
/// thread of its own that notices when the heartbeat runs late.
///
/// Swift's cooperative pool has one thread per core. Code that blocks one of them (a synchronous read, a
/// `sleep`, a long computation without `await`) delays every task behind it; when all of them are blocked the
/// whole program stalls. The heartbeat wakes every ``interval`` and records the time; the watcher checks the
/// record every ``interval`` from outside the pool. When the heartbeat is more than ``threshold`` late, the
/// watcher reports ``Event/blocked(late:)`` once, counts it, and marks the monitor unhealthy; when the heartbeat
/// is on time again, it reports ``Event/recovered(after:)``. It cannot interrupt the blocked code (the
/// original raised an exception inside it through SIGALRM; Swift has no safe way to do that).
///
/// The ``Worker`` always runs one; run your own to watch a specific executor:
///
/// ```swift
/// let monitor = try ExecutorMonitor(threshold: .milliseconds(500))
/// let watching = Task {
///     await monitor.run { event in print(event) }
/// }
/// // ...
/// watching.cancel()
/// ```
///
/// Times are real (`ContinuousClock`); a blocked executor is a real-time fact. Safe to read from any task.
public final class ExecutorMonitor: Sendable {
    /// What the watcher reports.
    public enum Event: Hashable, Sendable, CustomStringConvertible {
        /// The heartbeat is `late` past its due time, more than the threshold.
        case blocked(late: Duration)
        /// The heartbeat is on time again; it was at most `after` late.
        case recovered(after: Duration)

        /// A short sentence.
        public var description: String {
            switch self {
            case .blocked(let late): "executor blocked: heartbeat \(late) late"
            case .recovered(let after): "executor recovered: heartbeat was up to \(after) late"
            }
        }
    }

    private struct State {
        var lastBeat = ContinuousClock.now
        var healthy = true
        var blockedCount = 0
        var worstLateness = Duration.zero
        var beats = 0
    }

    /// How late the heartbeat may be before the executor counts as blocked.
    public let threshold: Duration
    /// How often the heartbeat beats and the watcher looks.
    public let interval: Duration
    private let state = Locked(State())

    /// Creates a monitor.
    ///
    /// - Parameters:
    ///   - threshold: How late the heartbeat may be before the executor counts as blocked; must be positive.
    ///   - interval: How often to beat and look; by default a quarter of `threshold`, between 1 millisecond and
    ///     250 milliseconds.
    /// - Throws: ``WorkerError`` with code `.invalidArgument` for a threshold or
    ///   interval that is not positive.
    public init(threshold: Duration, interval: Duration? = nil) throws(WorkerError) {
        try Self.validate(threshold: threshold)
        if let interval, interval <= .zero {
            throw .invalidArgument("ExecutorMonitor's interval must be positive (got \(interval))")
        }
        self.threshold = threshold
        self.interval = interval.map { min($0, ContinuousClock.longestSleepStep) } ?? Self.defaultInterval(for: threshold)
    }

    /// A monitor for settings already validated.
    init(checkedThreshold threshold: Duration) {
        self.threshold = threshold
        self.interval = Self.defaultInterval(for: threshold)
    }

    static func validate(threshold: Duration) throws(WorkerError) {
        if threshold <= .zero {
            throw .invalidArgument(
                "the blocking threshold must be positive (got \(threshold)); 2 seconds is a sound default"
            )
        }
    }

    private static func defaultInterval(for threshold: Duration) -> Duration {
        max(min(threshold / 4, .milliseconds(250)), .milliseconds(1))
    }

    /// Whether the heartbeat is on time (always `true` while the monitor is not running).
    public var isHealthy: Bool { self.state.withLock { $0.healthy } }

    /// How many times the executor was found blocked.
    public var blockedCount: Int { self.state.withLock { $0.blockedCount } }

    /// How many heartbeats have run since the monitor was created.
    public var beats: Int { self.state.withLock { $0.beats } }

    /// The worst lateness seen while blocked.
    public var worstLateness: Duration { self.state.withLock { $0.worstLateness } }

    /// Beats on the calling task's executor until the task is cancelled, with the watcher thread running
    /// alongside; the watcher ends before this returns.
    ///
    /// Call it from a task on the executor to watch: a plain child task watches the cooperative pool, and
    /// `withTaskExecutorPreference(_:)` watches a task executor such as a ``ServiceThread``.
    ///
    /// - Parameter onEvent: Called on the watcher thread for every ``Event``; keep it short and do not block.
    public func run(_ onEvent: @escaping @Sendable (Event) -> Void) async {
        self.state.withLock { state in
            state.lastBeat = .now
            state.healthy = true
        }
        let stop = DispatchSemaphore(value: 0)
        let ended = DispatchSemaphore(value: 0)
        do {
            try startDetachedThread(name: "mode.monitor") {
                self.watch(stop: stop, onEvent)
                ended.signal()
            }
        } catch {
            onEvent(.blocked(late: .zero))  // cannot watch: say so rather than pretend all is well
            return
        }
        let clock = ContinuousClock()
        while !Task.isCancelled {
            do {
                try await clock.sleep(for: self.interval)
            } catch {
                break
            }
            self.state.withLock { state in
                state.lastBeat = .now
                state.beats += 1
            }
        }
        stop.signal()
        ended.wait()  // at most one look of the watcher
        self.state.withLock { $0.healthy = true }
    }

    private func watch(stop: DispatchSemaphore, _ onEvent: @Sendable (Event) -> Void) {
        let step = DispatchTimeInterval.nanoseconds(Int(clamping: Self.nanoseconds(self.interval)))
        var blocked = false
        var worst = Duration.zero
        while stop.wait(timeout: .now() + step) == .timedOut {
            let late = self.state.withLock { $0.lastBeat }.duration(to: .now) - self.interval
            if late > self.threshold {
                worst = max(worst, late)
                if !blocked {
                    blocked = true
                    self.state.withLock { state in
                        state.healthy = false
                        state.blockedCount += 1
                        state.worstLateness = max(state.worstLateness, late)
                    }
                    onEvent(.blocked(late: late))
                } else {
                    self.state.withLock { $0.worstLateness = max($0.worstLateness, late) }
                }
            } else if blocked {
                blocked = false
                self.state.withLock { $0.healthy = true }
                onEvent(.recovered(after: worst))
                worst = .zero
            }
        }
    }

    static func nanoseconds(_ duration: Duration) -> Int64 {
        let (seconds, attoseconds) = duration.components
        let (product, overflow) = seconds.multipliedReportingOverflow(by: 1_000_000_000)
        return overflow ? .max : product + attoseconds / 1_000_000_000
    }
}
