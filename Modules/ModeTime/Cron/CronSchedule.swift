public import Foundation

/// A standard five-field cron schedule, evaluated in a time zone.
///
/// The fields are `minute hour day-of-month month day-of-week`. Each is `*`, a value, a range `a-b`, a
/// stepped form (`*/15`, `9-17/2`, `5/10` = from 5 to the end by 10), or a comma-separated list of these.
/// Months accept `JAN`–`DEC`, days of the week `SUN`–`SAT` (case-insensitive); Sunday is both 0 and 7.
/// The shorthands `@yearly` (`@annually`), `@monthly`, `@weekly`, `@daily` (`@midnight`) and `@hourly`
/// are accepted too.
///
/// Day matching follows Vixie cron: when both day-of-month and day-of-week are restricted (neither starts
/// with `*`), a day matches if *either* matches; otherwise both must.
///
/// Wall-clock changes follow one rule: the schedule is a list of local wall-clock times, each fired once.
/// - A time that does not exist (skipped by a forward DST change, such as 02:30 on 8 March 2026 in New
///   York) fires at the instant the clocks jump (03:00 EDT), like Vixie cron's "run right after the change".
/// - A time that happens twice (repeated by a backward change, such as 01:30 on 1 November 2026 in New
///   York) fires once, at its first occurrence (01:30 EDT). So a daily job never runs twice, and an
///   every-15-minutes schedule pauses for the repeated hour. Use a UTC zone for a steady real-time cadence.
///
/// ```swift
/// let schedule = try CronSchedule(
///     parsing: "*/5 9-17 * JAN-MAR MON-FRI",
///     timeZone: TimeZone(identifier: "Europe/Paris")!
/// )
/// let next = schedule.nextFire(after: Date())
/// ```
///
/// A value type; safe to send between tasks.
public struct CronSchedule: Hashable, Sendable, CustomStringConvertible {
    /// The expression as given.
    public let expression: String
    /// The zone the fields are read in.
    public let timeZone: TimeZone

    private let minutes: UInt64
    private let hours: UInt64
    private let daysOfMonth: UInt64
    private let months: UInt64
    private let daysOfWeek: UInt64  // bits 0–6; 7 is folded into 0
    private let isDayOfMonthRestricted: Bool
    private let isDayOfWeekRestricted: Bool
    private let canEverFire: Bool

    /// Reads a cron expression.
    ///
    /// - Parameters:
    ///   - expression: Five fields separated by spaces, or an `@` shorthand.
    ///   - timeZone: The zone the fields are read in; the process's zone by default.
    /// - Throws: ``CronParseError`` naming the field and the text at fault.
    public init(parsing expression: String, timeZone: TimeZone = .current) throws {
        self.expression = expression
        self.timeZone = timeZone
        let trimmed = expression.trimmingSpaces()
        var fields = trimmed.split(whereSeparator: { $0 == " " || $0 == "\t" }).map(String.init)
        if fields.count == 1, let macro = fields.first, macro.hasPrefix("@") {
            guard let expanded = Self.macros[macro.lowercased()] else {
                throw CronParseError.unknownMacro(expression)
            }
            fields = expanded.split(separator: " ").map(String.init)
        }
        guard fields.count == 5 else { throw CronParseError.wrongFieldCount(expression, count: fields.count) }
        self.minutes = try Self.parseField(fields[0], as: .minute, expression: expression)
        self.hours = try Self.parseField(fields[1], as: .hour, expression: expression)
        self.daysOfMonth = try Self.parseField(fields[2], as: .dayOfMonth, expression: expression)
        self.months = try Self.parseField(fields[3], as: .month, expression: expression)
        let weekdays = try Self.parseField(fields[4], as: .dayOfWeek, expression: expression)
        self.daysOfWeek = (weekdays | (weekdays >> 7)) & 0x7F
        self.isDayOfMonthRestricted = !fields[2].hasPrefix("*")
        self.isDayOfWeekRestricted = !fields[4].hasPrefix("*")
        // With day-of-week unrestricted, a day-of-month that no chosen month has (30 February) never fires.
        if self.isDayOfMonthRestricted && !self.isDayOfWeekRestricted {
            let monthBits = self.months
            let chosenMonths = (1...12).filter { monthBits & (1 << $0) != 0 }
            let longestMonth = chosenMonths.map { Self.maximumDays(ofMonth: $0) }.max() ?? 0
            let firstDay = self.daysOfMonth.trailingZeroBitCount
            self.canEverFire = firstDay <= longestMonth
        } else {
            self.canEverFire = true
        }
    }

    /// The expression and zone, such as `*/5 9-17 * * MON-FRI (Europe/Paris)`.
    public var description: String { "\(self.expression) (\(self.timeZone.identifier))" }

    /// The first fire time strictly after `date`, or `nil` if the schedule never fires again (such as
    /// `0 0 30 2 *`).
    ///
    /// A pure function of the schedule and `date`. Fire times are whole minutes.
    ///
    /// - Parameter date: The instant to search from.
    /// - Returns: The next fire time.
    public func nextFire(after date: Date) -> Date? {
        guard self.canEverFire else { return nil }
        let instant = date.timeIntervalSince1970
        guard instant.isFinite, abs(instant) < 1e13 else { return nil }
        let after = Int64(instant.rounded(.down))
        let local = after + Int64(self.timeZone.secondsFromGMT(for: date))
        let startMinute = Self.floorDivide(local, 60) + 1
        var day = Self.floorDivide(startMinute, 1440)
        var firstMinuteOfDay = Int(startMinute - day * 1440)
        // 28 years covers every calendar pattern (Feb 29 on a given weekday included).
        for _ in 0..<(28 * 366) {
            if self.matches(day: day) {
                for hour in firstMinuteOfDay / 60..<24 where self.hours & (1 << hour) != 0 {
                    let lowestMinute = hour == firstMinuteOfDay / 60 ? firstMinuteOfDay % 60 : 0
                    for minute in lowestMinute..<60 where self.minutes & (1 << minute) != 0 {
                        let localSeconds = (day * 1440 + Int64(hour * 60 + minute)) * 60
                        let fire = self.instant(forLocal: localSeconds)
                        if Double(fire) > instant { return Date(timeIntervalSince1970: Double(fire)) }
                    }
                }
            }
            day += 1
            firstMinuteOfDay = 0
        }
        return nil
    }

    /// Whether `date`'s local wall-clock minute (in ``timeZone``) is one of the schedule's times.
    ///
    /// - Parameter date: The instant to test; seconds are ignored.
    /// - Returns: `true` if the fields match.
    public func matches(_ date: Date) -> Bool {
        let instant = date.timeIntervalSince1970
        guard instant.isFinite, abs(instant) < 1e13 else { return false }
        let local = Int64(instant.rounded(.down)) + Int64(self.timeZone.secondsFromGMT(for: date))
        let minute = Self.floorDivide(local, 60)
        let day = Self.floorDivide(minute, 1440)
        let minuteOfDay = Int(minute - day * 1440)
        return self.matches(day: day) && self.hours & (1 << (minuteOfDay / 60)) != 0
            && self.minutes & (1 << (minuteOfDay % 60)) != 0
    }

    private func matches(day: Int64) -> Bool {
        let (_, month, dayOfMonth) = Self.civil(fromDays: day)
        guard self.months & (1 << month) != 0 else { return false }
        let weekday = Int(Self.floorModulo(day + 4, 7))  // 1970-01-01 was a Thursday; Sunday = 0
        let dayOfMonthMatches = self.daysOfMonth & (1 << dayOfMonth) != 0
        let dayOfWeekMatches = self.daysOfWeek & (1 << weekday) != 0
        if self.isDayOfMonthRestricted && self.isDayOfWeekRestricted { return dayOfMonthMatches || dayOfWeekMatches }
        return dayOfMonthMatches && dayOfWeekMatches
    }

    /// The instant (seconds since 1970, UTC) of a local wall-clock time: its first occurrence when repeated,
    /// the end of the gap when skipped.
    private func instant(forLocal local: Int64) -> Int64 {
        let zone = self.timeZone
        func offset(at seconds: Int64) -> Int64 {
            Int64(zone.secondsFromGMT(for: Date(timeIntervalSince1970: Double(seconds))))
        }
        let offsetBefore = offset(at: local - 86400)
        let offsetAfter = offset(at: local + 86400)
        let earlier = local - offsetBefore
        let later = local - offsetAfter
        let earlierValid = offset(at: earlier) == offsetBefore
        let laterValid = offset(at: later) == offsetAfter
        switch (earlierValid, laterValid) {
        case (true, true): return min(earlier, later)
        case (true, false): return earlier
        case (false, true): return later
        case (false, false):
            // A skipped time: find the transition, the first second whose offset differs from `lower`'s.
            var lower = min(earlier, later)
            var upper = max(earlier, later)
            let lowerOffset = offset(at: lower)
            guard offset(at: upper) != lowerOffset else { return earlier }
            while upper - lower > 1 {
                let middle = lower + (upper - lower) / 2
                if offset(at: middle) == lowerOffset { lower = middle } else { upper = middle }
            }
            return upper
        }
    }

    private static let macros: [String: String] = [
        "@yearly": "0 0 1 1 *", "@annually": "0 0 1 1 *", "@monthly": "0 0 1 * *", "@weekly": "0 0 * * 0",
        "@daily": "0 0 * * *", "@midnight": "0 0 * * *", "@hourly": "0 * * * *",
    ]

    private static let monthNames = [
        "JAN", "FEB", "MAR", "APR", "MAY", "JUN", "JUL", "AUG", "SEP", "OCT", "NOV", "DEC",
    ]
    private static let weekdayNames = ["SUN", "MON", "TUE", "WED", "THU", "FRI", "SAT"]

    /// Parses one field into a bit set of its values.
    private static func parseField(_ text: String, as field: CronField, expression: String) throws -> UInt64 {
        var bits: UInt64 = 0
        let bounds = field.bounds
        for item in text.split(separator: ",", omittingEmptySubsequences: false) {
            guard !item.isEmpty else { throw CronParseError.invalidValue(text, field: field, expression: expression) }
            let parts = item.split(separator: "/", omittingEmptySubsequences: false)
            guard parts.count <= 2 else {
                throw CronParseError.invalidStep(String(item), field: field, expression: expression)
            }
            var step = 1
            if parts.count == 2 {
                guard let value = Int(parts[1]), value >= 1 else {
                    throw CronParseError.invalidStep(String(item), field: field, expression: expression)
                }
                step = value
            }
            let base = parts[0]
            let low: Int
            var high: Int
            if base == "*" {
                (low, high) = (bounds.lowerBound, bounds.upperBound)
                if field == .dayOfWeek { high = 6 }  // Sunday once
            } else if let dash = base.firstIndex(of: "-") {
                low = try Self.value(base[..<dash], field: field, item: item, expression: expression)
                high = try Self.value(
                    base[base.index(after: dash)...],
                    field: field,
                    item: item,
                    expression: expression
                )
                // "MON-SUN": a range ending on Sunday written as 0 means 7.
                if field == .dayOfWeek && high == 0 && low > 0 { high = 7 }
                guard low <= high else {
                    throw CronParseError.invalidRange(String(item), field: field, expression: expression)
                }
            } else {
                low = try Self.value(base, field: field, item: item, expression: expression)
                high = parts.count == 2 ? bounds.upperBound : low
            }
            for value in stride(from: low, through: high, by: step) { bits |= 1 << value }
        }
        return bits
    }

    /// Reads one value: a number within bounds or, for months and weekdays, a name.
    private static func value(
        _ text: Substring,
        field: CronField,
        item: Substring,
        expression: String
    ) throws -> Int {
        let names: [String] =
            switch field {
            case .month: Self.monthNames
            case .dayOfWeek: Self.weekdayNames
            default: []
            }
        if let index = names.firstIndex(of: text.uppercased()) { return field == .month ? index + 1 : index }
        guard !text.isEmpty, text.allSatisfy({ $0.isASCII && $0.isNumber }), let number = Int(text) else {
            throw CronParseError.invalidValue(String(item), field: field, expression: expression)
        }
        guard field.bounds.contains(number) else {
            throw CronParseError.outOfRange(String(item), field: field, expression: expression)
        }
        return number
    }

    private static func maximumDays(ofMonth month: Int) -> Int {
        switch month {
        case 2: 29
        case 4, 6, 9, 11: 30
        default: 31
        }
    }

    private static func floorDivide(_ value: Int64, _ divisor: Int64) -> Int64 {
        let quotient = value / divisor
        return (value % divisor != 0 && (value < 0) != (divisor < 0)) ? quotient - 1 : quotient
    }

    private static func floorModulo(_ value: Int64, _ divisor: Int64) -> Int64 {
        value - Self.floorDivide(value, divisor) * divisor
    }

    /// The proleptic Gregorian (year, month, day) of a day count since 1970-01-01.
    ///
    /// Howard Hinnant's `civil_from_days` algorithm.
    static func civil(fromDays days: Int64) -> (year: Int64, month: Int, day: Int) {
        let shifted = days + 719_468
        let era = Self.floorDivide(shifted, 146_097)
        let dayOfEra = shifted - era * 146_097
        let yearOfEra = (dayOfEra - dayOfEra / 1460 + dayOfEra / 36524 - dayOfEra / 146_096) / 365
        let dayOfYear = dayOfEra - (365 * yearOfEra + yearOfEra / 4 - yearOfEra / 100)
        let monthIndex = (5 * dayOfYear + 2) / 153
        let day = Int(dayOfYear - (153 * monthIndex + 2) / 5 + 1)
        let month = Int(monthIndex < 10 ? monthIndex + 3 : monthIndex - 9)
        let year = yearOfEra + era * 400 + (month <= 2 ? 1 : 0)
        return (year, month, day)
    }
}
