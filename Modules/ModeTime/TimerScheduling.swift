/// How an ``IntervalTimer`` places its ticks in time.
///
/// - ``fixedRate`` (the default): tick *n* is due at `start + jitter + n × interval`, whatever the
///   callback's runtime. The timer sleeps *until* each deadline, so sleep overshoot and callback time do not
///   accumulate: there is no drift to correct. A callback that overruns the next deadline makes the next
///   tick fire at once (counted as an overlap) and the schedule continues one interval after that; missed
///   ticks are not replayed in a burst.
/// - ``driftCorrected``: Python Mode's algorithm, exactly (see ``TimerDriftState``). The timer sleeps *for*
///   `interval ± correction` after the callback returns, so the period is about `interval + runtime`.
///
/// A value type; safe to send between tasks.
public struct TimerScheduling: Hashable, Sendable, CustomStringConvertible {
    private enum Value: Hashable, Sendable {
        case fixedRate
        case driftCorrected
    }

    private let value: Value

    private init(_ value: Value) {
        self.value = value
    }

    /// Deadlines on a fixed grid: drift-free, the default.
    public static let fixedRate = TimerScheduling(.fixedRate)

    /// Python Mode's fixed delay with bounded drift correction.
    public static let driftCorrected = TimerScheduling(.driftCorrected)

    var isFixedRate: Bool { self.value == .fixedRate }

    /// `fixedRate` or `driftCorrected`.
    public var description: String { self.isFixedRate ? "fixedRate" : "driftCorrected" }
}
