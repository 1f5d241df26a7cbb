/// A number of events per unit of time, such as "10 per second" or "100 per hour".
///
/// Python Mode writes rates as strings (`"10/s"`, `"100/h"`, `"1/d"`, `"3/m"`) and, because the same
/// `Seconds` type carries both, lets `timer("10/s")` mean "every 10 seconds". Here a rate is its own
/// type: read it with ``init(parsing:)`` or build it with ``perSecond(_:)`` and friends, and turn it into
/// the time between two events with ``interval``.
///
/// ```swift
/// let limit = try Rate(parsing: "100/h")
/// limit.perSecond          // 0.02777777777777778
/// limit.interval           // 36 seconds
/// Rate.perMinute(3) == (try Rate(parsing: "3/m"))  // true
/// ```
///
/// A value type; safe to send between tasks.
public struct Rate: Hashable, Sendable, Comparable, CustomStringConvertible {
    /// Events per second.
    ///
    /// ``init(parsing:)`` guarantees a finite, positive value. The static factories store what they are
    /// given; APIs that take a rate (such as ``TokenBucket``) reject one that is not finite and positive.
    public let perSecond: Double

    private init(perSecond: Double) {
        self.perSecond = perSecond
    }

    /// A rate of `count` events per second.
    public static func perSecond(_ count: Double) -> Rate { Rate(perSecond: count) }

    /// A rate of `count` events per minute.
    public static func perMinute(_ count: Double) -> Rate { Rate(perSecond: count / 60) }

    /// A rate of `count` events per hour.
    ///
    /// Computed as `count / 60 / 60`, the way Python Mode does, so the values agree to the last bit.
    public static func perHour(_ count: Double) -> Rate { Rate(perSecond: count / 60 / 60) }

    /// A rate of `count` events per day.
    ///
    /// Computed as `count / 60 / 60 / 24`, the way Python Mode does, so the values agree to the last bit.
    public static func perDay(_ count: Double) -> Rate { Rate(perSecond: count / 60 / 60 / 24) }

    /// A rate of `count` events every `duration`.
    ///
    /// `Rate.events(5, per: .seconds(2))` is 2.5 per second. A zero `duration` gives an infinite rate (NaN for
    /// zero events), and a negative one a negative rate; ``TokenBucket`` rejects both with
    /// `TokenBucketError.invalidRate`, and ``interval`` reads zero or ``maximumInterval`` for them. A huge
    /// `duration` such as `.seconds(Int64.max)` gives a tiny positive rate: a bucket that practically never
    /// refills. Never traps.
    public static func events(_ count: Double, per duration: Duration) -> Rate {
        Rate(perSecond: count / duration.secondsAsDouble)
    }

    /// Reads a rate from text in Python Mode's notation: `"N"` or `"N/s"` (per second), `"N/m"` (per
    /// minute), `"N/h"` (per hour) or `"N/d"` (per day).
    ///
    /// `N` is a plain decimal (`10`, `1.5`, `.5`, `1e3`); spaces around the text and around `/` are allowed.
    /// The values match Python's `rate()` to the last bit: `"10/m"` is `10 / 60` per second, `"100/h"` is
    /// `100 / 60 / 60`, `"1/d"` is `1 / 60 / 60 / 24`.
    ///
    /// - Parameter text: The text to read.
    /// - Throws: ``TimeParseError`` with the offending text when it is empty, negative, zero, not a number,
    ///   NaN or infinite, or has an unknown unit.
    public init(parsing text: String) throws {
        let number: DecimalText
        do {
            number = try DecimalText.read(text)
        } catch {
            throw TimeParseError(reading: text, as: "rate", failure: error)
        }
        let per: (Double) -> Rate
        if number.unit.isEmpty {
            per = Rate.perSecond
        } else if number.unit.first == "/" {
            switch number.unit.dropFirst().trimmingLeadingSpaces() {
            case "s": per = Rate.perSecond
            case "m": per = Rate.perMinute
            case "h": per = Rate.perHour
            case "d": per = Rate.perDay
            case let unit: throw TimeParseError.unknownUnit(text, unit: String(unit), kind: "rate")
            }
        } else {
            throw TimeParseError.unknownUnit(text, unit: String(number.unit), kind: "rate")
        }
        let value = number.doubleValue
        guard value.isFinite else { throw TimeParseError.outOfRange(text, kind: "rate") }
        guard value > 0 else { throw TimeParseError.notPositive(text, kind: "rate") }
        self = per(value)
    }

    /// The time between two events: `1 / perSecond` seconds, rounded to the nanosecond.
    ///
    /// A rate that is not finite and positive has no meaningful interval; this returns ``maximumInterval``
    /// for a zero, negative or NaN rate, and `.zero` for an infinite one. Rates so slow that the interval
    /// would exceed ``maximumInterval`` are clamped to it.
    public var interval: Duration {
        guard self.perSecond.isFinite else { return self.perSecond.isNaN ? Self.maximumInterval : .zero }
        guard self.perSecond > 0 else { return Self.maximumInterval }
        let seconds = 1 / self.perSecond
        guard seconds < Self.maximumInterval.secondsAsDouble else { return Self.maximumInterval }
        // Whole nanoseconds: `1 / (100 / 60 / 60)` is 35.99999999999999 in binary, and reads better as 36 s.
        guard seconds < 9e9 else { return Duration.seconds(seconds) }
        return .nanoseconds(Int64((seconds * 1e9).rounded()))
    }

    /// The longest ``interval`` a rate reports: 2^62 seconds (about 146 billion years).
    public static let maximumInterval: Duration = .seconds(Int64(1) << 62)

    /// Orders rates from slow to fast.
    public static func < (lhs: Rate, rhs: Rate) -> Bool { lhs.perSecond < rhs.perSecond }

    /// The rate in Python Mode's notation, per second: `"10/s"`, `"0.5/s"`.
    public var description: String {
        if self.perSecond.isFinite, self.perSecond == self.perSecond.rounded(), abs(self.perSecond) < 1e15 {
            return "\(Int64(self.perSecond))/s"
        }
        return "\(self.perSecond)/s"
    }
}

extension Substring {
    /// The substring without leading spaces and tabs.
    func trimmingLeadingSpaces() -> Substring { self.drop { $0 == " " || $0 == "\t" } }
}

extension Duration {
    /// The duration in seconds as a `Double` (rounded).
    package var secondsAsDouble: Double {
        let (seconds, attoseconds) = self.components
        return Double(seconds) + Double(attoseconds) / 1e18
    }
}
