import ModeLogging
import Testing

@Suite struct LogTimeSourceTests {
    @Test func timestampIsDateTimeCommaMillis() {
        #expect(fixedTime.timestamp(fixedInstant) == "2026-11-21 15:47:12,159")
    }

    @Test func timestampPadsEveryField() {
        let early = LogTimeSource.Instant(secondsSinceEpoch: 1_772_683_506, nanoseconds: 7_999_999)
        #expect(fixedTime.timestamp(early) == "2026-03-05 04:05:06,007")
    }

    @Test func asctimeMatchesC() {
        #expect(fixedTime.asctime(fixedInstant) == "Sat Nov 21 15:47:12 2026")
        let early = LogTimeSource.Instant(secondsSinceEpoch: 1_772_683_506)
        #expect(fixedTime.asctime(early) == "Thu Mar  5 04:05:06 2026")
    }

    @Test func systemClockIsNearInjectedNow() {
        let now = LogTimeSource.Instant.now()
        #expect(now.secondsSinceEpoch > 1_700_000_000)
        #expect((0..<1_000_000_000).contains(now.nanoseconds))
        #expect(LogTimeSource.utc.timestamp(now).count == 23)
    }
}
