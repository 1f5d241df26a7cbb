import ModeTime
import Testing

@Suite struct RateTests {
    // The values Python Mode's rate() returns for the same strings (FEATURES.md C48).
    @Test(arguments: [
        ("10/s", 10.0),
        ("10", 10.0),
        ("1.203", 1.203),
        ("10/m", 0.16666666666666666),
        ("3/m", 0.05),
        ("100/h", 0.02777777777777778),
        ("1/d", 1.1574074074074073e-05),
        ("1333/d", 0.01542824074074074),
        (" 5 / s ", 5.0),
    ])
    func parsesLikePython(text: String, perSecond: Double) throws {
        #expect(try Rate(parsing: text).perSecond == perSecond)
    }

    @Test func factoriesMatchParsing() throws {
        #expect(Rate.perSecond(10) == (try Rate(parsing: "10/s")))
        #expect(Rate.perMinute(3) == (try Rate(parsing: "3/m")))
        #expect(Rate.perHour(100) == (try Rate(parsing: "100/h")))
        #expect(Rate.perDay(1) == (try Rate(parsing: "1/d")))
        #expect(Rate.events(5, per: .seconds(2)).perSecond == 2.5)
    }

    @Test func intervalIsTheTimeBetweenEvents() throws {
        #expect(Rate.perSecond(10).interval == .milliseconds(100))
        #expect(try Rate(parsing: "100/h").interval == .seconds(36))
        #expect(Rate.perDay(1).interval == .seconds(86400))
        #expect(Rate.perSecond(0).interval == Rate.maximumInterval)
        #expect(Rate.perSecond(-1).interval == Rate.maximumInterval)
        #expect(Rate.perSecond(.nan).interval == Rate.maximumInterval)
        #expect(Rate.perSecond(.infinity).interval == .zero)
        #expect(Rate.perSecond(1e-300).interval == Rate.maximumInterval)
    }

    @Test func ordersAndPrints() {
        #expect(Rate.perMinute(1) < Rate.perSecond(1))
        #expect(Rate.perSecond(10).description == "10/s")
        #expect(Rate.perSecond(0.5).description == "0.5/s")
    }

    @Test(arguments: [
        ("", TimeParseError.Code.empty),
        ("-10/s", .negative),
        ("0/s", .notPositive),
        ("0", .notPositive),
        ("ten/s", .invalidNumber),
        ("10/w", .unknownUnit),
        ("10/", .unknownUnit),
        ("10s", .unknownUnit),
        ("nan/s", .notFinite),
        ("1e400/s", .outOfRange),
    ])
    func rejectsBadText(text: String, code: TimeParseError.Code) {
        #expect {
            try Rate(parsing: text)
        } throws: { error in
            guard let error = error as? TimeParseError else { return false }
            return error.code == code && error.text == text && error.kind == "rate"
        }
    }
}
