import Foundation
import ModeTime
import ModeTesting
import Testing

@Suite(.timeLimit(.minutes(1)), .serviceLeakCheck)
struct CronTimerTests {
    static let utc = TimeZone(identifier: "UTC")!
    /// Monday 5 January 2026, 08:58:30 UTC.
    static let start = Date(timeIntervalSince1970: 1_767_603_510)

    /// A wall clock that moves with `clock`, offset by `skew` seconds.
    static func wallClock(_ clock: ManualClock, skew: Double = 0) -> @Sendable () -> Date {
        { Self.start.addingTimeInterval(clock.now.offset.secondsValue + skew) }
    }

    @Test func sleepsOnTheClockUntilEachFire() async throws {
        let clock = ManualClock()
        let schedule = try CronSchedule(parsing: "*/5 * * * *", timeZone: Self.utc)
        let timer = CronTimer(schedule: schedule, clock: clock, now: Self.wallClock(clock))
        let (fires, fired) = AsyncStream.makeStream(of: Date.self)
        let task = Task {
            for await fire in timer { fired.yield(fire) }
            fired.finish()
        }
        var received = fires.makeAsyncIterator()

        await clock.waitForSleepers(count: 1)
        #expect(clock.nextDeadline?.offset == .seconds(90))  // 08:58:30 → 09:00:00
        clock.advance(by: .seconds(90))
        #expect(await received.next(isolation: #isolation) == Self.start.addingTimeInterval(90))

        await clock.waitForSleepers(count: 1)
        #expect(clock.nextDeadline?.offset == .seconds(390))  // 09:05:00
        clock.advance(by: .seconds(300))
        #expect(await received.next(isolation: #isolation) == Self.start.addingTimeInterval(390))

        await clock.waitForSleepers(count: 1)
        task.cancel()
        #expect(await received.next(isolation: #isolation) == nil)
        #expect(clock.sleeperCount == 0)
    }

    @Test func aLaggingWallClockNeitherFiresEarlyNorTwice() async throws {
        let clock = ManualClock()
        let schedule = try CronSchedule(parsing: "*/5 * * * *", timeZone: Self.utc)
        // The wall clock runs 10 s behind the sleeping clock's idea of time after the first sleep starts.
        let lagging: @Sendable () -> Date = {
            let offset = clock.now.offset
            let skew = offset > .zero ? -10.0 : 0
            return Self.start.addingTimeInterval(offset.secondsValue + skew)
        }
        let timer = CronTimer(schedule: schedule, clock: clock, now: lagging)
        let task = Task {
            var fires: [Date] = []
            for await fire in timer {
                fires.append(fire)
                if fires.count == 2 { break }
            }
            return fires
        }
        await clock.waitForSleepers(count: 1)
        clock.advance(by: .seconds(90))  // wall clock says 08:59:50: not yet
        await clock.waitForSleepers(count: 1)
        #expect(clock.nextDeadline?.offset == .seconds(100))
        clock.advance(by: .seconds(10))
        await clock.waitForSleepers(count: 1)
        // The next fire is 09:05, not 09:00 again.
        #expect(clock.nextDeadline?.offset == .seconds(400))
        clock.advance(by: .seconds(300))
        #expect(await task.value == [Self.start.addingTimeInterval(90), Self.start.addingTimeInterval(390)])
    }

    @Test func aScheduleThatNeverFiresEndsAtOnce() async throws {
        let clock = ManualClock()
        let schedule = try CronSchedule(parsing: "0 0 30 2 *", timeZone: Self.utc)
        var iterator = CronTimer(schedule: schedule, clock: clock, now: Self.wallClock(clock)).makeAsyncIterator()
        #expect(await iterator.next() == nil)
        #expect(clock.sleeperCount == 0)
    }
}

extension Duration {
    /// The duration in seconds as a `Double`.
    var secondsValue: Double {
        let (seconds, attoseconds) = self.components
        return Double(seconds) + Double(attoseconds) / 1e18
    }
}
