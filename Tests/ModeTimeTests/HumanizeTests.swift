import ModeTime
import Testing

@Suite struct HumanizeTests {
    // Python Mode's humanize_seconds outputs (FEATURES.md C52).
    @Test(arguments: [
        (Duration.seconds(60), "1.00 minute"),
        (.seconds(7200), "2.00 hours"),
        (.seconds(86400), "1.00 day"),
        (.seconds(90061), "1.04 day"),
        (.seconds(172800), "2.00 days"),
        (.milliseconds(4356), "4.36 seconds"),
        (.milliseconds(4356) + .microseconds(700), "4.36 seconds"),
        (.milliseconds(1500), "1.50 second"),
        (.seconds(90), "1.50 minute"),
        (.seconds(1), "1.00 second"),
        (.milliseconds(999), "1.00 second"),
        (.milliseconds(360), "now"),
        (.zero, "now"),
        (.seconds(-5), "now"),
    ])
    func matchesPython(duration: Duration, expected: String) {
        #expect(humanize(duration) == expected)
    }

    @Test func subsecondShowsSeconds() {
        #expect(humanize(.milliseconds(360), subsecond: true) == "0.36 seconds")
        #expect(humanize(.milliseconds(3), subsecond: true) == "now")
        #expect(humanize(.zero, subsecond: true) == "now")
    }

    @Test func prefixSuffixAndSeparator() {
        #expect(humanize(.seconds(4), prefix: "about ") == "about 4.00 seconds")
        #expect(humanize(.seconds(4), prefix: "in", separator: " ") == "in 4.00 seconds")
        #expect(humanize(.seconds(120), suffix: " left") == "2.00 minutes left")
        #expect(humanize(.milliseconds(100), prefix: "about ", now: "right away") == "right away")
        #expect(humanize(.milliseconds(360), prefix: "~", subsecond: true) == "~0.36 seconds")
    }

    @Test func agoVariant() {
        #expect(humanizeAgo(.seconds(60)) == "1.00 minute ago")
        #expect(humanizeAgo(.seconds(7200)) == "2.00 hours ago")
        #expect(humanizeAgo(.milliseconds(200)) == "just now")
        #expect(humanizeAgo(.milliseconds(200), subsecond: true) == "0.20 seconds ago")
    }
}
