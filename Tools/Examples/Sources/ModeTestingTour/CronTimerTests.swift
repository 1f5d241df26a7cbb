// The cron-timer test that Docs/Timers.md quotes: a CronTimer driven by a ManualClock, with a wall clock that
// moves with it.
import Foundation
import ModeCore
import ModeTesting
import Testing

@Suite(.timeLimit(.minutes(1)))
struct CronTimerTests {
    @Test func firesAtTheNextSlot() async throws {
        let schedule = try CronSchedule(parsing: "*/5 * * * *", timeZone: TimeZone(identifier: "UTC")!)
        let clock = ManualClock()
        let start = Date(timeIntervalSince1970: 1_767_603_510)  // Monday 5 January 2026, 08:58:30 UTC
        let now: @Sendable () -> Date = {
            start.addingTimeInterval(Double(clock.now.offset.components.seconds))
        }
        let timer = CronTimer(schedule: schedule, clock: clock, now: now)
        let firstFire = Task { () -> Date? in
            for await fire in timer { return fire }
            return nil
        }
        await clock.waitForSleepers(count: 1)
        clock.advance(by: .seconds(90))  // to 09:00:00, the next slot of */5
        #expect(await firstFire.value == start.addingTimeInterval(90))
    }
}
