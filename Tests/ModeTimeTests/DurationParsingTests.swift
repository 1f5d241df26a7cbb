import ModeTime
import Testing

@Suite struct DurationParsingTests {
    @Test(arguments: [
        ("1.5", Duration.milliseconds(1500)),
        ("10", .seconds(10)),
        ("1.203", .milliseconds(1203)),
        ("0.1", .milliseconds(100)),
        (".5", .milliseconds(500)),
        ("1.", .seconds(1)),
        ("0", .zero),
        ("1e3", .seconds(1000)),
        ("2.5E-3", .microseconds(2500)),
        ("  7  ", .seconds(7)),
        ("+3", .seconds(3)),
        ("500ms", .milliseconds(500)),
        ("2s", .seconds(2)),
        ("1.5m", .seconds(90)),
        ("2h", .seconds(7200)),
        ("1d", .seconds(86400)),
        ("250us", .microseconds(250)),
        ("250µs", .microseconds(250)),
        ("42ns", .nanoseconds(42)),
        ("3 s", .seconds(3)),
    ])
    func parsesDurations(text: String, expected: Duration) throws {
        #expect(try Duration(parsing: text) == expected)
    }

    @Test func readsDecimalsExactly() throws {
        // 0.1 is not exact in binary; the parser reads decimal digits, so no rounding creeps in.
        #expect(try Duration(parsing: "0.3") == .milliseconds(300))
        #expect(try Duration(parsing: "123456.000000001") == .seconds(123456) + .nanoseconds(1))
    }

    @Test(arguments: [
        ("", TimeParseError.Code.empty),
        ("   ", .empty),
        ("-1", .negative),
        ("-0.5s", .negative),
        ("abc", .invalidNumber),
        ("1.2.3", .unknownUnit),
        ("e5", .invalidNumber),
        ("5e", .invalidNumber),
        (".", .invalidNumber),
        ("nan", .notFinite),
        ("inf", .notFinite),
        ("Infinity", .notFinite),
        ("10/s", .unknownUnit),
        ("3 weeks", .unknownUnit),
        ("5x", .unknownUnit),
        ("1e400", .outOfRange),
        ("99999999999999999999999", .outOfRange),
    ])
    func rejectsBadText(text: String, code: TimeParseError.Code) {
        #expect {
            try Duration(parsing: text)
        } throws: { error in
            guard let error = error as? TimeParseError else { return false }
            return error.code == code && error.text == text && error.kind == "duration"
        }
    }

    @Test func rateTextAsDurationExplainsItself() {
        #expect {
            try Duration(parsing: "10/s")
        } throws: { error in
            "\(error)".contains("is a rate, not a duration")
        }
    }

    @Test func errorMessageQuotesTheText() {
        let error = TimeParseError.unknownUnit("5x", unit: "x")
        #expect(
            error.description == "Cannot read \"5x\" as a duration: unknown unit \"x\" (use ns, us, ms, s, m, h or d)."
        )
        #expect(error == TimeParseError.unknownUnit("other", unit: "y"))
        #expect(error != TimeParseError.empty(""))
    }
}
