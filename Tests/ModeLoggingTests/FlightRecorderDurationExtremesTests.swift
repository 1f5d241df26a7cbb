import Logging
import ModeLogging
import ModeTesting
import Testing

/// Issue 10: `withFlightRecorder(timeout:)` at zero, negative and `.seconds(Int64.max)`.
@Suite(.timeLimit(.minutes(1)))
struct FlightRecorderDurationExtremesTests {
    private let logger = Logger(label: "extremes") { _ in SwiftLogNoOpLogHandler() }

    @Test(arguments: [Duration.zero, .seconds(-1), .zero - .seconds(Int64.max)])
    func zeroOrNegativeTimeoutReplaysAtOnce(timeout: Duration) async {
        let clock = ManualClock()
        let timedOut = await withFlightRecorder(logger: self.logger, timeout: timeout, clock: clock) { recorder in
            recorder.info("+step")
            while !recorder.hasTimedOut { await Task.yield() }
            return recorder.hasTimedOut
        }
        #expect(timedOut)
        #expect(clock.now.offset == .zero)  // no time had to pass
        #expect(clock.sleeperCount == 0)
    }

    @Test func hugeTimeoutNeverReplays() async {
        let clock = ManualClock()
        let value = await withFlightRecorder(logger: self.logger, timeout: .seconds(Int64.max), clock: clock) {
            recorder in
            recorder.info("+step")
            await clock.waitForSleepers(count: 1)
            clock.advance(by: .seconds(Int64(1) << 40))
            await clock.waitForSleepers(count: 1)
            #expect(!recorder.hasTimedOut)
            return 7
        }
        #expect(value == 7)
        #expect(clock.sleeperCount == 0)
    }
}
