import ModeLogging

/// A point in real (wall-clock) time, UTC, to the nanosecond: what a snapshot stamps its readings with.
///
/// It prints and encodes as ISO 8601 with microseconds, `2026-12-01T08:12:03.250000Z`, so a JSON dump or a
/// log line says when something happened without any conversion.
///
/// ```swift
/// let now = WallClockTime.now
/// print(now)  // 2026-12-01T08:12:03.250113Z
/// ```
public struct WallClockTime: Hashable, Comparable, Sendable, CustomStringConvertible {
    /// Whole seconds since 1970-01-01T00:00:00Z.
    public var secondsSinceEpoch: Int64
    /// Nanoseconds within the second, `0..<1_000_000_000`.
    public var nanoseconds: Int32

    /// Creates a time from seconds since the Unix epoch and nanoseconds (normalised into the second).
    public init(secondsSinceEpoch: Int64, nanoseconds: Int32 = 0) {
        let (carry, remainder) = Int64(nanoseconds).quotientAndRemainder(dividingBy: 1_000_000_000)
        var seconds = secondsSinceEpoch &+ carry
        var nanos = remainder
        if nanos < 0 {
            nanos += 1_000_000_000
            seconds &-= 1
        }
        self.secondsSinceEpoch = seconds
        self.nanoseconds = Int32(nanos)
    }

    /// The current time, from the system's real-time clock (read the way log time stamps read it).
    public static var now: WallClockTime {
        let instant = LogTimeSource.Instant.now()
        return WallClockTime(secondsSinceEpoch: Int64(instant.secondsSinceEpoch), nanoseconds: Int32(instant.nanoseconds))
    }

    /// This time moved by `duration` (which may be negative); saturates instead of trapping.
    public func advanced(by duration: Duration) -> WallClockTime {
        let (seconds, attoseconds) = duration.components
        let nanos = Int64(self.nanoseconds) + attoseconds / 1_000_000_000
        let (sum, overflow) = self.secondsSinceEpoch.addingReportingOverflow(seconds)
        if overflow { return WallClockTime(secondsSinceEpoch: seconds < 0 ? .min : .max, nanoseconds: 0) }
        let (carry, remainder) = nanos.quotientAndRemainder(dividingBy: 1_000_000_000)
        return WallClockTime(secondsSinceEpoch: sum &+ carry, nanoseconds: Int32(remainder))
    }

    /// Orders by time.
    public static func < (lhs: Self, rhs: Self) -> Bool {
        (lhs.secondsSinceEpoch, lhs.nanoseconds) < (rhs.secondsSinceEpoch, rhs.nanoseconds)
    }

    /// ISO 8601 in UTC with microseconds: `2026-12-01T08:12:03.250113Z`.
    public var description: String { self.iso8601(fractionDigits: 6) }

    /// ISO 8601 in UTC with `fractionDigits` digits of the second (0 to 9; none and no dot for 0).
    public func iso8601(fractionDigits: Int) -> String {
        let digits = Swift.min(Swift.max(fractionDigits, 0), 9)
        let (days, secondOfDay) = Self.floorDivide(self.secondsSinceEpoch, 86_400)
        let (year, month, day) = Self.civil(fromDays: days)
        let hour = secondOfDay / 3600
        let minute = secondOfDay % 3600 / 60
        let second = secondOfDay % 60
        var divisor: Int64 = 1
        for _ in digits..<9 { divisor *= 10 }
        let fraction = digits == 0 ? "" : "." + Self.pad(Int64(self.nanoseconds) / divisor, digits)
        return "\(Self.pad(year, 4))-\(Self.pad(month, 2))-\(Self.pad(day, 2))T"
            + "\(Self.pad(hour, 2)):\(Self.pad(minute, 2)):\(Self.pad(second, 2))\(fraction)Z"
    }

    /// Parses what ``description`` prints (any number of fraction digits up to nine, or none).
    public init?(iso8601 text: String) {
        let scalars = Array(text.utf8)
        func number(_ range: Range<Int>) -> Int64? {
            guard range.upperBound <= scalars.count else { return nil }
            var value: Int64 = 0
            for index in range {
                let byte = scalars[index]
                guard byte >= 48, byte <= 57 else { return nil }
                value = value * 10 + Int64(byte - 48)
            }
            return value
        }
        guard scalars.count >= 20, scalars.last == UInt8(ascii: "Z"),
            scalars[4] == UInt8(ascii: "-"), scalars[7] == UInt8(ascii: "-"), scalars[10] == UInt8(ascii: "T"),
            scalars[13] == UInt8(ascii: ":"), scalars[16] == UInt8(ascii: ":"),
            let year = number(0..<4), let month = number(5..<7), let day = number(8..<10),
            let hour = number(11..<13), let minute = number(14..<16), let second = number(17..<19),
            (1...12).contains(month), (1...31).contains(day), hour < 24, minute < 60, second < 61
        else { return nil }
        var nanos: Int64 = 0
        if scalars.count > 20 {
            let digits = scalars.count - 21
            guard scalars[19] == UInt8(ascii: "."), (1...9).contains(digits), let fraction = number(20..<(20 + digits))
            else { return nil }
            nanos = fraction
            for _ in digits..<9 { nanos *= 10 }
        }
        let days = Self.days(fromCivil: year, month, day)
        self.init(
            secondsSinceEpoch: days * 86_400 + hour * 3600 + minute * 60 + second,
            nanoseconds: Int32(nanos)
        )
    }

    private static func floorDivide(_ value: Int64, _ divisor: Int64) -> (Int64, Int64) {
        let (quotient, remainder) = value.quotientAndRemainder(dividingBy: divisor)
        return remainder < 0 ? (quotient - 1, remainder + divisor) : (quotient, remainder)
    }

    private static func pad(_ value: Int64, _ width: Int) -> String {
        let text = String(value.magnitude)
        let padded = String(repeating: "0", count: Swift.max(width - text.count, 0)) + text
        return value < 0 ? "-" + padded : padded
    }

    /// Days since 1970-01-01 to a proleptic Gregorian date (Howard Hinnant's `civil_from_days`).
    private static func civil(fromDays days: Int64) -> (Int64, Int64, Int64) {
        let shifted = days + 719_468
        let era = (shifted >= 0 ? shifted : shifted - 146_096) / 146_097
        let dayOfEra = shifted - era * 146_097
        let yearOfEra = (dayOfEra - dayOfEra / 1460 + dayOfEra / 36_524 - dayOfEra / 146_096) / 365
        let dayOfYear = dayOfEra - (365 * yearOfEra + yearOfEra / 4 - yearOfEra / 100)
        let monthIndex = (5 * dayOfYear + 2) / 153
        let day = dayOfYear - (153 * monthIndex + 2) / 5 + 1
        let month = monthIndex < 10 ? monthIndex + 3 : monthIndex - 9
        return (yearOfEra + era * 400 + (month <= 2 ? 1 : 0), month, day)
    }

    /// A proleptic Gregorian date to days since 1970-01-01 (Hinnant's `days_from_civil`).
    private static func days(fromCivil year: Int64, _ month: Int64, _ day: Int64) -> Int64 {
        let year = month <= 2 ? year - 1 : year
        let era = (year >= 0 ? year : year - 399) / 400
        let yearOfEra = year - era * 400
        let dayOfYear = (153 * (month > 2 ? month - 3 : month + 9) + 2) / 5 + day - 1
        let dayOfEra = yearOfEra * 365 + yearOfEra / 4 - yearOfEra / 100 + dayOfYear
        return era * 146_097 + dayOfEra - 719_468
    }
}

extension WallClockTime: Codable {
    /// Decodes an ISO 8601 UTC string such as ``encode(to:)`` or ``description`` writes.
    public init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        let text = try container.decode(String.self)
        guard let time = WallClockTime(iso8601: text) else {
            throw DecodingError.dataCorruptedError(
                in: container,
                debugDescription: "expected an ISO 8601 UTC time like 2026-12-01T08:12:03.250113Z, got \(text)"
            )
        }
        self = time
    }

    /// Encodes as an ISO 8601 string with nanoseconds, `2026-12-01T08:12:03.250113042Z`, so it decodes exactly.
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(self.iso8601(fractionDigits: 9))
    }
}
