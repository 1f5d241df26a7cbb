import ModeTime
import Testing

/// The drift algorithm fed a scripted clock: each test states the times at which the timer went to sleep,
/// woke up and was ticked again.
@Suite struct TimerDriftStateTests {
    @Test func firstTickSleepsExactlyOneInterval() {
        var state = TimerDriftState(interval: .seconds(1), now: .seconds(100))
        let tick = state.tick(now: .seconds(100))
        #expect(tick.sleepTime == .seconds(1))
        #expect(tick.wake == nil)
        #expect(state.statistics.iteration == 0)
    }

    @Test func anOvershootShortensTheNextSleep() throws {
        var state = TimerDriftState(interval: .seconds(1), now: .zero)
        _ = state.tick(now: .zero)
        state.willYield(now: .milliseconds(1050))
        let tick = state.tick(now: .milliseconds(1050))
        #expect(tick.sleepTime == .milliseconds(950))
        let wake = try #require(tick.wake)
        #expect(wake.drift == .milliseconds(-50))
        #expect(wake.sleepTime == .milliseconds(1050))
        #expect(wake.runtime == .zero)
        #expect(wake.kind == .onTime)
        #expect(!wake.isOverlapping)
        #expect(state.statistics.iteration == 1)
        #expect(state.statistics.drifting == 0)
    }

    @Test func correctionIsClampedToMaxDriftCorrection() throws {
        var state = TimerDriftState(interval: .seconds(1), now: .zero)
        _ = state.tick(now: .zero)
        state.willYield(now: .milliseconds(1500))  // half a second late
        let late = state.tick(now: .milliseconds(1500))
        #expect(late.sleepTime == .milliseconds(900))
        #expect(late.wake?.kind == .late)
        #expect(state.statistics.drifting == 1)
        #expect(state.statistics.driftingLate == 1)

        state.willYield(now: .milliseconds(1500) + .milliseconds(600))  // woke 400 ms early
        let early = state.tick(now: .milliseconds(2100))
        #expect(early.sleepTime == .milliseconds(1100))
        #expect(early.wake?.kind == .early)
        #expect(early.wake?.drift == .milliseconds(400))
        #expect(state.statistics.drifting == 2)
        #expect(state.statistics.driftingEarly == 1)
        #expect(state.statistics.iteration == 2)
    }

    @Test func customMaxDriftCorrection() {
        var state = TimerDriftState(interval: .seconds(1), maxDriftCorrection: .milliseconds(20), now: .zero)
        _ = state.tick(now: .zero)
        state.willYield(now: .milliseconds(1050))
        #expect(state.tick(now: .milliseconds(1050)).sleepTime == .milliseconds(980))
        #expect(state.minInterval == .milliseconds(980))
        #expect(state.maxInterval == .milliseconds(1020))
    }

    @Test func noCorrectionWhenIntervalIsWithinTheCorrection() {
        var state = TimerDriftState(interval: .milliseconds(100), maxDriftCorrection: .milliseconds(100), now: .zero)
        _ = state.tick(now: .zero)
        state.willYield(now: .milliseconds(180))
        #expect(state.tick(now: .milliseconds(180)).sleepTime == .milliseconds(100))
        #expect(state.adjustedInterval(drift: .milliseconds(-80)) == .milliseconds(100))
    }

    @Test func driftIsMeasuredAgainstTheNominalInterval() {
        // As in the original: after a corrected 950 ms sleep that slept exactly 950 ms, the "drift" is
        // +50 ms, so the next sleep is lengthened again.
        var state = TimerDriftState(interval: .seconds(1), now: .zero)
        _ = state.tick(now: .zero)
        state.willYield(now: .milliseconds(1050))
        #expect(state.tick(now: .milliseconds(1050)).sleepTime == .milliseconds(950))
        state.willYield(now: .milliseconds(2000))
        #expect(state.tick(now: .milliseconds(2000)).sleepTime == .milliseconds(1050))
    }

    @Test func subSecondIntervalsNeverCountAsDrifting() throws {
        var state = TimerDriftState(interval: .milliseconds(500), now: .zero)
        _ = state.tick(now: .zero)
        state.willYield(now: .milliseconds(900))  // 400 ms late, above 30% of the interval
        let tick = state.tick(now: .milliseconds(900))
        #expect(tick.wake?.kind == .onTime)
        #expect(tick.sleepTime == .milliseconds(400))
        #expect(state.statistics.drifting == 0)
    }

    @Test func driftThresholdIsCappedAt1200Milliseconds() {
        var state = TimerDriftState(interval: .seconds(10), now: .zero)
        #expect(state.maxDrift == .milliseconds(1200))
        #expect(TimerDriftState(interval: .seconds(2), now: .zero).maxDrift == .milliseconds(600))
        _ = state.tick(now: .zero)
        state.willYield(now: .milliseconds(11_199))
        #expect(state.tick(now: .milliseconds(11_199)).wake?.kind == .onTime)
        state.willYield(now: .milliseconds(11_199) + .milliseconds(10_000 + 1200))
        #expect(state.tick(now: .milliseconds(22_399)).wake?.kind == .late)
    }

    @Test func callbackRuntimeIsReportedNotCompensated() throws {
        var state = TimerDriftState(interval: .seconds(1), now: .zero)
        _ = state.tick(now: .zero)
        state.willYield(now: .seconds(1))
        let tick = state.tick(now: .milliseconds(1300))
        #expect(tick.sleepTime == .seconds(1))  // period = 1.3 s: fixed delay
        #expect(tick.wake?.runtime == .milliseconds(300))
        #expect(tick.wake?.isOverlapping == false)
        #expect(state.statistics.overlaps == 0)
    }

    @Test func aCallbackLongerThanTheIntervalOverlaps() throws {
        var state = TimerDriftState(interval: .seconds(1), now: .zero)
        _ = state.tick(now: .zero)
        state.willYield(now: .seconds(1))
        let tick = state.tick(now: .milliseconds(2500))
        let wake = try #require(tick.wake)
        #expect(wake.isOverlapping)
        #expect(wake.runtime == .milliseconds(1500))
        #expect(wake.sinceEpoch == .milliseconds(2500))
        #expect(state.statistics.overlaps == 1)
    }
}
