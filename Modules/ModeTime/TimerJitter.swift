import ModeConcurrencyHelpers

/// A random delay added to a timer's first deadline only, so that many timers started together do not
/// fire in lock-step.
///
/// The delay is drawn uniformly from `0 ... maximum`, where the maximum is either a fixed duration
/// (``upTo(_:seed:)``) or a fraction of the interval with a cap (``fraction(_:cap:seed:)``). Pass a `seed`
/// for a reproducible draw, or use ``none`` in tests that want exact deadlines.
///
/// ```swift
/// IntervalTimer(every: .seconds(10), jitter: .upTo(.milliseconds(200)))
/// IntervalTimer(every: .seconds(10), jitter: .none)
/// ```
///
/// A value type; safe to send between tasks.
public struct TimerJitter: Hashable, Sendable {
    private enum Bound: Hashable, Sendable {
        case fixed(Duration)
        case fraction(Double, cap: Duration)
    }

    private let bound: Bound
    /// The seed of the random draw, or `nil` for the system's random source.
    public let seed: UInt64?

    private init(bound: Bound, seed: UInt64?) {
        self.bound = bound
        self.seed = seed
    }

    /// No jitter: the first tick comes exactly one interval after the start.
    public static let none = TimerJitter(bound: .fixed(.zero), seed: nil)

    /// The default: up to 5% of the interval, at most 1 second.
    public static let `default` = TimerJitter(bound: .fraction(0.05, cap: .seconds(1)), seed: nil)

    /// A jitter of up to `maximum`.
    ///
    /// - Parameters:
    ///   - maximum: The largest delay; zero and negative values mean no jitter. A bound beyond
    ///     `UInt64.max` nanoseconds (about 584 years), such as `.seconds(Int64.max)`, draws as if it were that,
    ///     and a draw is at most `Int64.max` nanoseconds (about 292 years): for a timer, "practically never".
    ///   - seed: A seed for a reproducible draw, or `nil`.
    /// - Returns: The jitter.
    public static func upTo(_ maximum: Duration, seed: UInt64? = nil) -> TimerJitter {
        TimerJitter(bound: .fixed(maximum), seed: seed)
    }

    /// A jitter of up to `fraction` of the interval, at most `cap`.
    ///
    /// - Parameters:
    ///   - fraction: The share of the interval, for example `0.05`; negative or NaN values count as zero.
    ///   - cap: The largest delay whatever the interval; zero or negative means no jitter, and a huge cap
    ///     draws as ``upTo(_:seed:)`` does with a huge maximum.
    ///   - seed: A seed for a reproducible draw, or `nil`.
    /// - Returns: The jitter.
    public static func fraction(_ fraction: Double, cap: Duration, seed: UInt64? = nil) -> TimerJitter {
        TimerJitter(bound: .fraction(fraction, cap: cap), seed: seed)
    }

    /// The largest delay for a timer of `interval`.
    public func maximum(for interval: Duration) -> Duration {
        switch self.bound {
        case .fixed(let maximum):
            return max(maximum, .zero)
        case .fraction(let fraction, let cap):
            guard fraction > 0, interval > .zero else { return .zero }
            return max(min(interval * min(fraction, 1), cap), .zero)
        }
    }

    /// Draws the delay for a timer of `interval`, in whole nanoseconds.
    public func delay(for interval: Duration) -> Duration {
        let maximum = self.maximum(for: interval)
        let (seconds, attoseconds) = maximum.components
        // Whole nanoseconds, saturating: a bound past UInt64.max ns (about 584 years) draws up to that.
        let (wholeSeconds, overflow) = UInt64(clamping: seconds).multipliedReportingOverflow(by: 1_000_000_000)
        let fraction = UInt64(attoseconds / 1_000_000_000)
        let nanoseconds = overflow ? UInt64.max : wholeSeconds.addingReportingOverflow(fraction).partialValue
        guard nanoseconds > 0 else { return .zero }
        let drawn: UInt64
        if let seed = self.seed {
            var generator = SplitMix64(seed: seed)
            drawn = UInt64.random(in: 0...nanoseconds, using: &generator)
        } else {
            drawn = UInt64.random(in: 0...nanoseconds)
        }
        return .nanoseconds(Int64(clamping: drawn))
    }
}

