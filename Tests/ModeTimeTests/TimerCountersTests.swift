import ModeTime
import Testing

/// The counters a timer's ticks update (the histogram in place) say what `TimerStatistics` says.
@Suite struct TimerCountersTests {
    @Test func countersAgreeWithTheStatisticsTheyStandFor() {
        let latenesses: [Duration] = [
            .zero, .nanoseconds(1), .microseconds(1), .microseconds(2), .microseconds(3), .microseconds(700),
            .milliseconds(1), .milliseconds(2) + .nanoseconds(1), .seconds(-3), .seconds(1_000),
            .seconds(Int64.max), .seconds(Int64.max), .seconds(Int64.min),
        ]
        var statistics = TimerStatistics()
        var counters = TimerCounters()
        for lateness in latenesses {
            statistics.recordLateness(lateness)
            counters.recordLateness(lateness)
        }
        #expect(counters.statistics == statistics)
        #expect(counters.statistics.latenessHistogram.count == 32)
        #expect(counters.statistics.latenessHistogram[0] == 5)  // zero, 1 ns, 1 µs and the two negatives
        #expect(counters.statistics.latenessHistogram[30] == 1)  // 1,000 s: at most 2^30 µs
        #expect(counters.statistics.latenessHistogram[31] == 2)  // the two largest
        #expect(counters.statistics.totalLateness == .seconds(Int64.max))  // saturated, not trapped
    }

    @Test func aMonitorReportsTheCountersOfItsTimer() {
        let monitor = TimerMonitor()
        #expect(monitor.statistics == TimerStatistics())
        #expect(monitor.currentCounters.statistics == TimerStatistics())
    }
}
