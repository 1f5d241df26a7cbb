import ModeCore
import ModeSupervisors
import ModeTesting
import ModeTestSupport
import Testing

/// Issue 10: the supervisor's windows, backoff bounds and counts at zero, negative and `.seconds(Int64.max)`.
@Suite(.timeLimit(.minutes(1)), .serviceLeakCheck)
struct SupervisorDurationExtremesTests {
    static let huge = Duration.seconds(Int64.max)

    @Test func restartIntensityAtExtremes() throws {
        for window in [Duration.zero, .seconds(-1), .zero - Self.huge] {
            let error = #expect(throws: SupervisorError.self) { try RestartIntensity(maxRestarts: 3, within: window) }
            #expect(error?.code == .invalidArgument)
        }
        for count in [-1, Int.min] {
            let error = #expect(throws: SupervisorError.self) {
                try RestartIntensity(maxRestarts: count, within: .seconds(1))
            }
            #expect(error?.code == .invalidArgument)
        }
        let forever = try RestartIntensity(maxRestarts: Int.max, within: Self.huge)
        #expect(forever.window == Self.huge)
        #expect(try RestartIntensity(maxRestarts: 0, within: Self.huge).maxRestarts == 0)
    }

    @Test func backoffRejectsOutOfRangeBounds() {
        let cases: [(Duration, Duration, Double, Duration)] = [
            (.zero, .seconds(1), 2, .seconds(1)),
            (.seconds(-1), .seconds(1), 2, .seconds(1)),
            (.seconds(2), .seconds(1), 2, .seconds(1)),
            (.seconds(1), .seconds(-1), 2, .seconds(1)),
            (.seconds(1), .seconds(1), 2, .zero),
            (.seconds(1), .seconds(1), 2, .seconds(-1)),
            (.seconds(1), .seconds(2), 0.5, .seconds(1)),
            (.seconds(1), .seconds(2), .infinity, .seconds(1)),
            (.seconds(1), .seconds(2), .nan, .seconds(1)),
        ]
        for (minimum, maximum, multiplier, resetAfter) in cases {
            let error = #expect(throws: SupervisorError.self) {
                try RestartBackoff.exponential(
                    minimum: minimum,
                    maximum: maximum,
                    multiplier: multiplier,
                    resetAfter: resetAfter
                )
            }
            #expect(error?.code == .invalidArgument)
        }
    }

    @Test func backoffDelayAtExtremeAttempts() throws {
        let backoff = try RestartBackoff.exponential(minimum: .seconds(1), maximum: .seconds(60), jitter: 0)
        #expect(backoff.baseDelay(forAttempt: 0) == .seconds(1))
        #expect(backoff.baseDelay(forAttempt: -1) == .seconds(1))
        #expect(backoff.baseDelay(forAttempt: Int.min) == .seconds(1))
        #expect(backoff.baseDelay(forAttempt: 3) == .seconds(8))
        #expect(backoff.baseDelay(forAttempt: Int.max) == .seconds(60))
        #expect(backoff.delay(forAttempt: Int.max) == .seconds(60))
    }

    @Test func backoffWithMultiplierOneOrNearOneDoesNotLoopForAges() throws {
        // Before: baseDelay ran `attempt` multiplications; at Int.max with multiplier 1 it never ended.
        let flat = try RestartBackoff.exponential(minimum: .seconds(1), maximum: Self.huge, multiplier: 1)
        #expect(flat.baseDelay(forAttempt: Int.max) == .seconds(1))
        let slow = try RestartBackoff.exponential(
            minimum: .nanoseconds(1),
            maximum: Self.huge,
            multiplier: 1.000_000_000_001,
            jitter: 0
        )
        #expect(slow.baseDelay(forAttempt: Int.max) == Self.huge)
        let mid = slow.baseDelay(forAttempt: 1_000_000)
        #expect(mid >= .nanoseconds(1) && mid < .nanoseconds(2))
    }

    @Test func backoffWithHugeMultiplierOrBoundsDoesNotTrap() throws {
        // Before: minimum × multiplier overflowed Duration (a trap) for a huge but finite multiplier.
        let steep = try RestartBackoff.exponential(minimum: .seconds(1), maximum: .seconds(10), multiplier: 1e300)
        #expect(steep.baseDelay(forAttempt: 1) == .seconds(10))
        #expect(steep.baseDelay(forAttempt: Int.max) == .seconds(10))
        let widest = try RestartBackoff.exponential(
            minimum: Self.huge,
            maximum: Self.huge,
            multiplier: .greatestFiniteMagnitude,
            jitter: 1,
            resetAfter: Self.huge
        )
        for attempt in [0, 1, Int.max] {
            #expect(widest.baseDelay(forAttempt: attempt) == Self.huge)
            let delay = widest.delay(forAttempt: attempt)
            #expect(delay >= Self.huge && delay <= Self.huge * 2)
        }
    }

    @Test func hugeBackoffSleepEndsWhenTheSupervisorStops() async throws {
        let clock = ManualClock()
        let child = makeChild("c0", events: EventLog())
        let supervisor = Supervisor(
            [child],
            intensity: try RestartIntensity(maxRestarts: Int.max, within: Self.huge),
            backoff: try .exponential(minimum: Self.huge, maximum: Self.huge, resetAfter: Self.huge),
            configuration: quietConfiguration(clock: clock)
        )
        try await supervisor.start()
        child.crash(Boom())
        await clock.waitForSleepers(count: 1)
        clock.advance(by: .seconds(Int64(1) << 40))
        await clock.waitForSleepers(count: 1)
        #expect(child.restartCount == 0)
        await supervisor.stop()
        try assertStoppedClean(supervisor)
        #expect(child.restartCount == 0)
        #expect(clock.sleeperCount == 0)
    }

    @Test func insertAtExtremeIndexesThrows() async throws {
        let supervisor = Supervisor(configuration: quietConfiguration())
        try await supervisor.start()
        for index in [-1, Int.min, Int.max] {
            let error = await #expect(throws: SupervisorError.self) {
                try await supervisor.insert(makeChild("x\(index)", events: EventLog()), at: index)
            }
            #expect(error?.code == .indexOutOfRange)
        }
        await supervisor.stop()
    }
}
