extension Duration {
    /// Reads a duration from text such as `"1.5"` (seconds), `"500ms"`, `"2s"`, `"1.5m"`, `"2h"` or `"1d"`.
    ///
    /// A bare number is seconds, as in Python Mode's `want_seconds("1.5")`. An optional unit may follow,
    /// with or without a space: `ns`, `us` (or `µs`), `ms`, `s`, `m` (minutes), `h`, `d`. The number is a
    /// plain decimal (`10`, `1.5`, `.25`, `1e3`) read exactly, so `"0.1"` equals `.milliseconds(100)`.
    ///
    /// Rate strings are refused: Python Mode reads `"10/s"` as 10 seconds wherever it wants a duration;
    /// here that text throws, and ``Rate/init(parsing:)`` reads it as a rate.
    ///
    /// ```swift
    /// let timeout = try Duration(parsing: "1.5")   // 1.5 seconds
    /// let poll = try Duration(parsing: "250ms")    // 0.25 seconds
    /// ```
    ///
    /// - Parameter text: The text to read; surrounding whitespace is ignored.
    /// - Throws: ``TimeParseError`` with the offending text when it is empty, negative, not a number,
    ///   NaN or infinite, too large, or has an unknown unit.
    public init(parsing text: String) throws {
        let number: DecimalText
        do {
            number = try DecimalText.read(text)
        } catch {
            throw TimeParseError(reading: text, as: "duration", failure: error)
        }
        let powerOfTen: Int
        let factor: Int128
        switch number.unit {
        case "": (powerOfTen, factor) = (18, 1)
        case "ns": (powerOfTen, factor) = (9, 1)
        case "us", "µs": (powerOfTen, factor) = (12, 1)
        case "ms": (powerOfTen, factor) = (15, 1)
        case "s": (powerOfTen, factor) = (18, 1)
        case "m": (powerOfTen, factor) = (18, 60)
        case "h": (powerOfTen, factor) = (18, 3600)
        case "d": (powerOfTen, factor) = (18, 86400)
        default: throw TimeParseError.unknownUnit(text, unit: String(number.unit), kind: "duration")
        }
        // Keep the seconds component within Int64, so `components` works on every parsed duration.
        let limit = Int128(Int64.max) * 1_000_000_000_000_000_000
        guard let attoseconds = number.scaled(byPowerOfTen: powerOfTen, factor: factor, limit: limit) else {
            throw TimeParseError.outOfRange(text, kind: "duration")
        }
        self.init(attoseconds: attoseconds)
    }
}

extension TimeParseError {
    /// Maps a number-reading failure to the public error.
    init(reading text: String, as kind: String, failure: DecimalText.Failure) {
        switch failure {
        case .empty: self = .empty(text, kind: kind)
        case .negative: self = .negative(text, kind: kind)
        case .invalidNumber: self = .invalidNumber(text, kind: kind)
        case .notFinite: self = .notFinite(text, kind: kind)
        }
    }
}
