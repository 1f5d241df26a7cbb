import Foundation
import ModeTime
import Testing

@Suite struct CronScheduleTests {
    static let utc = TimeZone(identifier: "UTC")!
    static let newYork = TimeZone(identifier: "America/New_York")!

    /// A UTC instant from its ISO 8601 text, like `2026-03-08T07:00:00Z`.
    static func date(_ text: String) -> Date {
        let parts = text.split { "-T:Z".contains($0) }.map { Int($0)! }
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = Self.utc
        let components = DateComponents(
            year: parts[0],
            month: parts[1],
            day: parts[2],
            hour: parts[3],
            minute: parts[4],
            second: parts[5]
        )
        return calendar.date(from: components)!
    }

    /// The next `count` fire times after `start`, as UTC ISO text.
    static func fires(
        _ expression: String,
        in zone: TimeZone = utc,
        after start: String,
        count: Int = 1
    ) throws
        -> [String]
    {
        let schedule = try CronSchedule(parsing: expression, timeZone: zone)
        var result: [String] = []
        var cursor = Self.date(start)
        for _ in 0..<count {
            guard let next = schedule.nextFire(after: cursor) else { break }
            result.append(next.formatted(.iso8601))
            cursor = next
        }
        return result
    }

    @Test func workingHoursInWinterWeekdays() throws {
        let expression = "*/5 9-17 * JAN-MAR MON-FRI"
        // Monday 5 January 2026, New York (UTC-5).
        #expect(
            try Self.fires(expression, in: Self.newYork, after: "2026-01-05T13:58:00Z", count: 2) == [
                "2026-01-05T14:00:00Z", "2026-01-05T14:05:00Z",
            ]
        )
        // Friday 17:55 local is the last of the week; the next is Monday 09:00.
        #expect(try Self.fires(expression, in: Self.newYork, after: "2026-01-09T22:55:00Z") == ["2026-01-12T14:00:00Z"])
        // After the last slot of March, the next is the first weekday of January (Friday 1 January 2027).
        #expect(try Self.fires(expression, in: Self.newYork, after: "2026-03-31T21:55:00Z") == ["2027-01-01T14:00:00Z"])
    }

    @Test func fireTimesAreStrictlyAfterTheGivenInstant() throws {
        #expect(try Self.fires("0 * * * *", after: "2026-05-01T10:00:00Z") == ["2026-05-01T11:00:00Z"])
        #expect(try Self.fires("* * * * *", after: "2026-05-01T10:00:00Z") == ["2026-05-01T10:01:00Z"])
        let schedule = try CronSchedule(parsing: "* * * * *", timeZone: Self.utc)
        let halfPast = Self.date("2026-05-01T09:59:59Z").addingTimeInterval(0.5)
        #expect(schedule.nextFire(after: halfPast) == Self.date("2026-05-01T10:00:00Z"))
    }

    @Test func yearEnd() throws {
        #expect(try Self.fires("0 0 * * *", after: "2026-12-31T23:59:59Z") == ["2027-01-01T00:00:00Z"])
        #expect(try Self.fires("@yearly", after: "2026-06-01T00:00:00Z") == ["2027-01-01T00:00:00Z"])
    }

    @Test func the31stSkipsShortMonths() throws {
        #expect(
            try Self.fires("0 0 31 * *", after: "2026-01-31T00:00:00Z", count: 3) == [
                "2026-03-31T00:00:00Z", "2026-05-31T00:00:00Z", "2026-07-31T00:00:00Z",
            ]
        )
    }

    @Test func february29thWaitsForALeapYear() throws {
        #expect(
            try Self.fires("0 12 29 2 *", after: "2026-01-01T00:00:00Z", count: 2) == [
                "2028-02-29T12:00:00Z", "2032-02-29T12:00:00Z",
            ]
        )
        // 2100 is not a leap year.
        #expect(try Self.fires("0 12 29 2 *", after: "2096-03-01T00:00:00Z") == ["2104-02-29T12:00:00Z"])
    }

    @Test func impossibleDaysNeverFire() throws {
        #expect(try CronSchedule(parsing: "0 0 30 2 *", timeZone: Self.utc).nextFire(after: Date()) == nil)
        #expect(try CronSchedule(parsing: "0 0 31 4,6,9,11 *", timeZone: Self.utc).nextFire(after: Date()) == nil)
    }

    @Test func skippedLocalTimeFiresWhenTheClocksJump() throws {
        // 8 March 2026, New York: 02:00 EST jumps to 03:00 EDT (07:00 UTC); 02:30 does not exist.
        #expect(
            try Self.fires("30 2 * * *", in: Self.newYork, after: "2026-03-07T17:00:00Z", count: 2) == [
                "2026-03-08T07:00:00Z",  // at the jump (03:00 EDT)
                "2026-03-09T06:30:00Z",  // 02:30 EDT the next day
            ]
        )
        // Several skipped times collapse into one fire at the jump.
        #expect(
            try Self.fires("*/15 * * * *", in: Self.newYork, after: "2026-03-08T06:50:00Z", count: 3) == [
                "2026-03-08T07:00:00Z", "2026-03-08T07:15:00Z", "2026-03-08T07:30:00Z",
            ]
        )
    }

    @Test func repeatedLocalTimeFiresOnceAtItsFirstOccurrence() throws {
        // 1 November 2026, New York: 02:00 EDT falls back to 01:00 EST, so 01:30 happens at 05:30 and 06:30 UTC.
        #expect(
            try Self.fires("30 1 * * *", in: Self.newYork, after: "2026-10-31T16:00:00Z", count: 2) == [
                "2026-11-01T05:30:00Z",  // 01:30 EDT, the first occurrence
                "2026-11-02T06:30:00Z",  // the next day (01:30 EST); the repeat at 06:30 UTC on 1 November is skipped
            ]
        )
        // An hourly schedule pauses for the repeated hour.
        #expect(
            try Self.fires("0 * * * *", in: Self.newYork, after: "2026-11-01T04:30:00Z", count: 2) == [
                "2026-11-01T05:00:00Z", "2026-11-01T07:00:00Z",
            ]
        )
        // Searching from inside the repeated hour finds the first time after it.
        #expect(
            try Self.fires("*/15 * * * *", in: Self.newYork, after: "2026-11-01T06:10:00Z") == [
                "2026-11-01T07:00:00Z"
            ]
        )
    }

    @Test func sundayIsZeroSevenAndSun() throws {
        let start = "2026-01-01T00:00:00Z"  // a Thursday
        let expected = try Self.fires("0 9 * * 0", after: start, count: 2)
        #expect(expected == ["2026-01-04T09:00:00Z", "2026-01-11T09:00:00Z"])
        #expect(try Self.fires("0 9 * * 7", after: start, count: 2) == expected)
        #expect(try Self.fires("0 9 * * SUN", after: start, count: 2) == expected)
        #expect(try Self.fires("0 9 * * sun", after: start, count: 2) == expected)
        #expect(
            try Self.fires("0 9 * * MON-SUN", after: start, count: 3) == [
                "2026-01-01T09:00:00Z", "2026-01-02T09:00:00Z", "2026-01-03T09:00:00Z",
            ]
        )
        #expect(
            try Self.fires("0 9 * * SAT,SUN", after: start, count: 3) == [
                "2026-01-03T09:00:00Z", "2026-01-04T09:00:00Z", "2026-01-10T09:00:00Z",
            ]
        )
        #expect(
            try Self.fires("0 9 * * 5-7", after: start, count: 3) == [
                "2026-01-02T09:00:00Z", "2026-01-03T09:00:00Z", "2026-01-04T09:00:00Z",
            ]
        )
    }

    @Test func dayOfMonthOrDayOfWeekWhenBothAreRestricted() throws {
        // The 13th, or any Friday, in February 2026 (Fridays: 6, 13, 20, 27).
        #expect(
            try Self.fires("0 0 13,14 * FRI", after: "2026-02-01T00:00:00Z", count: 4) == [
                "2026-02-06T00:00:00Z", "2026-02-13T00:00:00Z", "2026-02-14T00:00:00Z", "2026-02-20T00:00:00Z",
            ]
        )
        // With day-of-week unrestricted, only the day of month counts.
        #expect(try Self.fires("0 0 13 * *", after: "2026-02-01T00:00:00Z") == ["2026-02-13T00:00:00Z"])
        // A field starting with "*" counts as unrestricted (Vixie cron): odd days that are also Fridays.
        #expect(
            try Self.fires("0 0 */2 * FRI", after: "2026-02-01T00:00:00Z", count: 2) == [
                "2026-02-13T00:00:00Z", "2026-02-27T00:00:00Z",
            ]
        )
    }

    @Test func listsRangesAndSteps() throws {
        let schedule = try CronSchedule(parsing: "5/20,0-30/15 */6 1 * *", timeZone: Self.utc)
        let minutes = (0..<60).filter {
            schedule.matches(Self.date("2026-04-01T06:00:00Z").addingTimeInterval(Double($0 * 60)))
        }
        #expect(minutes == [0, 5, 15, 25, 30, 45])
        #expect(schedule.matches(Self.date("2026-04-01T18:05:00Z")))
        #expect(!schedule.matches(Self.date("2026-04-01T07:05:00Z")))
        #expect(!schedule.matches(Self.date("2026-04-02T06:05:00Z")))
    }

    @Test func shorthands() throws {
        let pairs = [
            ("@hourly", "0 * * * *"), ("@daily", "0 0 * * *"), ("@midnight", "0 0 * * *"),
            ("@weekly", "0 0 * * 0"), ("@monthly", "0 0 1 * *"), ("@annually", "0 0 1 1 *"),
        ]
        for (shorthand, expanded) in pairs {
            #expect(
                try Self.fires(shorthand, after: "2026-02-15T10:30:00Z", count: 3)
                    == (try Self.fires(expanded, after: "2026-02-15T10:30:00Z", count: 3))
            )
        }
    }

    @Test(arguments: [
        ("* * * *", CronParseError.Code.wrongFieldCount, nil as CronField?, "* * * *"),
        ("", .wrongFieldCount, nil, ""),
        ("* * * * * *", .wrongFieldCount, nil, "* * * * * *"),
        ("@reboot", .unknownMacro, nil, "@reboot"),
        ("60 * * * *", .outOfRange, .minute, "60"),
        ("* 24 * * *", .outOfRange, .hour, "24"),
        ("* * 0 * *", .outOfRange, .dayOfMonth, "0"),
        ("* * 32 * *", .outOfRange, .dayOfMonth, "32"),
        ("* * * 13 *", .outOfRange, .month, "13"),
        ("* * * * 8", .outOfRange, .dayOfWeek, "8"),
        ("*/0 * * * *", .invalidStep, .minute, "*/0"),
        ("* */x * * *", .invalidStep, .hour, "*/x"),
        ("1/2/3 * * * *", .invalidStep, .minute, "1/2/3"),
        ("17-9 * * * *", .invalidRange, .minute, "17-9"),
        ("* * * DEC-JAN *", .invalidRange, .month, "DEC-JAN"),
        ("a * * * *", .invalidValue, .minute, "a"),
        ("MON * * * *", .invalidValue, .minute, "MON"),
        ("* * * FOO *", .invalidValue, .month, "FOO"),
        ("* * * * JAN", .invalidValue, .dayOfWeek, "JAN"),
        ("1,,2 * * * *", .invalidValue, .minute, "1,,2"),
        ("1-2-3 * * * *", .invalidValue, .minute, "1-2-3"),
        ("-1 * * * *", .invalidValue, .minute, "-1"),
    ])
    func badExpressionsNameTheField(
        expression: String,
        code: CronParseError.Code,
        field: CronField?,
        text: String
    ) {
        #expect {
            try CronSchedule(parsing: expression, timeZone: Self.utc)
        } throws: { error in
            guard let error = error as? CronParseError else { return false }
            return error.code == code && error.field == field && error.text == text && error.expression == expression
        }
    }

    @Test func errorMessageNamesFieldAndBounds() {
        #expect {
            try CronSchedule(parsing: "0 25 * * *", timeZone: Self.utc)
        } throws: { error in
            "\(error)" == "Bad cron expression \"0 25 * * *\": field hour (\"25\"): values must be within 0-23."
        }
    }

    @Test func descriptionShowsTheZone() throws {
        let schedule = try CronSchedule(parsing: "0 3 * * *", timeZone: Self.newYork)
        #expect(schedule.description == "0 3 * * * (America/New_York)")
        #expect(schedule == (try CronSchedule(parsing: "0 3 * * *", timeZone: Self.newYork)))
    }
}
