/// Describes a duration in words the way Python Mode's `humanize_seconds` does: `"1.00 minute"`,
/// `"2.00 hours"`, `"1.04 day"`, `"now"`.
///
/// The duration is rounded to hundredths of a second, then expressed in the largest of day, hour, minute
/// and second that it reaches, with two decimals. The unit is plural unless the whole part of the value is
/// exactly 1 (so `"1.50 second"`, as in the original). Below one second the result is `now`, unless
/// `subsecond` is set and the duration is positive, in which case it is `"0.36 seconds"`.
///
/// ```swift
/// humanize(.seconds(7200))                        // "2.00 hours"
/// humanize(.seconds(4), prefix: "about ")         // "about 4.00 seconds"
/// humanize(.milliseconds(360))                    // "now"
/// humanize(.milliseconds(360), subsecond: true)   // "0.36 seconds"
/// ```
///
/// - Parameters:
///   - duration: The duration to describe; a negative one reads as `now`.
///   - prefix: Text put before the value (not before `now`).
///   - suffix: Text put after the unit (not after `now`).
///   - separator: Text put between `prefix` and the value.
///   - now: The text for durations under one second.
///   - subsecond: Whether to show durations under one second as seconds instead of `now`.
/// - Returns: The description.
public func humanize(
    _ duration: Duration,
    prefix: String = "",
    suffix: String = "",
    separator: String = "",
    now: String = "now",
    subsecond: Bool = false
) -> String {
    let hundredths = duration.roundedHundredthsOfSecond
    let units: [(name: String, seconds: Int128)] = [("day", 86400), ("hour", 3600), ("minute", 60), ("second", 1)]
    for unit in units where hundredths >= unit.seconds * 100 {
        // value = secs / unit, printed with two decimals; its whole part decides the plural.
        let printed = roundHalfEven(hundredths, dividingBy: unit.seconds)  // value × 100, rounded
        let whole = hundredths / (unit.seconds * 100)
        let plural = whole == 1 ? "" : "s"
        return "\(prefix)\(separator)\(twoDecimals(printed)) \(unit.name)\(plural)\(suffix)"
    }
    if subsecond && hundredths > 0 {
        return "\(prefix)\(separator)\(twoDecimals(hundredths)) seconds\(suffix)"
    }
    return now
}

/// Describes how long ago something happened, like Python Mode's `humanize_seconds_ago`:
/// `"1.00 minute ago"`, or `"just now"` under a second.
///
/// The same as ``humanize(_:prefix:suffix:separator:now:subsecond:)`` with different defaults.
///
/// ```swift
/// humanizeAgo(.seconds(90))   // "1.50 minute ago"
/// humanizeAgo(.seconds(0))    // "just now"
/// ```
///
/// - Parameters:
///   - duration: How long ago.
///   - prefix: Text put before the value.
///   - suffix: Text put after the unit; `" ago"` by default.
///   - separator: Text put between `prefix` and the value.
///   - now: The text for durations under one second; `"just now"` by default.
///   - subsecond: Whether to show durations under one second as seconds instead of `now`.
/// - Returns: The description.
public func humanizeAgo(
    _ duration: Duration,
    prefix: String = "",
    suffix: String = " ago",
    separator: String = "",
    now: String = "just now",
    subsecond: Bool = false
) -> String {
    humanize(duration, prefix: prefix, suffix: suffix, separator: separator, now: now, subsecond: subsecond)
}

/// `value / divisor` rounded to the nearest integer, ties to even (as Python's `round` and `%.2f` do on
/// exact decimals).
private func roundHalfEven(_ value: Int128, dividingBy divisor: Int128) -> Int128 {
    let quotient = value / divisor
    let remainder = value % divisor
    if remainder * 2 > divisor || (remainder * 2 == divisor && quotient % 2 == 1) { return quotient + 1 }
    return quotient
}

/// Prints `hundredths / 100` with exactly two decimals: 436 gives "4.36".
private func twoDecimals(_ hundredths: Int128) -> String {
    let fraction = hundredths % 100
    return "\(hundredths / 100).\(fraction < 10 ? "0" : "")\(fraction)"
}

extension Duration {
    /// The duration in hundredths of a second, rounded half to even; negative durations give their
    /// (negative) value too.
    var roundedHundredthsOfSecond: Int128 {
        let attoseconds = self.attoseconds
        let unit: Int128 = 10_000_000_000_000_000  // 10^16 attoseconds = 0.01 s
        if attoseconds < 0 { return -roundHalfEven(-attoseconds, dividingBy: unit) }
        return roundHalfEven(attoseconds, dividingBy: unit)
    }
}
