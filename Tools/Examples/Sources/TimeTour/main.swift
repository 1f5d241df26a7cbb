// A tour of ModeCore's time toolkit: durations and rates, humanize, an interval timer, a cron schedule,
// a token bucket and a stampede. It runs in well under a second.

import Foundation
import ModeCore

// Durations and rates are different types: "1.5" is a duration, "10/s" a rate.
let timeout = try Duration(parsing: "1.5")
let poll = try Duration(parsing: "250ms")
let limit = try Rate(parsing: "100/h")
print("timeout \(timeout), poll \(poll), limit \(limit.perSecond)/s, one every \(limit.interval)")
do {
    _ = try Duration(parsing: "10/s")
} catch {
    print("refused: \(error)")
}

// humanize, with Python Mode's output.
print(humanize(.seconds(7200)), "|", humanize(.seconds(90061)), "|", humanizeAgo(.seconds(60)))

// An interval timer: five ticks 20 ms apart on a fixed grid, then its statistics.
let timer = try IntervalTimer(every: .milliseconds(20), name: "tour", jitter: .upTo(.milliseconds(2)))
var ticks = 0
for await _ in timer {
    ticks += 1
    if ticks == 5 { break }
}
print("timer: \(timer.statistics)")

// A cron schedule: the next three weekday slots in working hours, in New York.
let newYork = TimeZone(identifier: "America/New_York")!
let schedule = try CronSchedule(parsing: "*/30 9-17 * * MON-FRI", timeZone: newYork)
var cursor = Date(timeIntervalSince1970: 1_767_999_600)  // Friday 9 January 2026, 23:00 UTC
for _ in 0..<3 {
    guard let next = schedule.nextFire(after: cursor) else { break }
    print("cron fires at \(next.formatted(.iso8601))")
    cursor = next
}

// A token bucket: bursts of 3, refilled at 100 per second; the fourth call waits about 10 ms.
let bucket = try TokenBucket(rate: .perSecond(100), capacity: 3)
let clock = ContinuousClock()
let start = clock.now
for index in 1...4 {
    try await bucket.withToken { print("request \(index) at \(start.duration(to: clock.now))") }
}

// A stampede: ten concurrent callers, one run of the operation, everyone gets its result.
let reload = Stampede<Int>()
let results = try await withThrowingTaskGroup(of: Int.self) { group in
    for _ in 0..<10 {
        group.addTask {
            try await reload.run {
                try await Task.sleep(for: .milliseconds(20))
                return 42
            }
        }
    }
    var values: [Int] = []
    for try await value in group { values.append(value) }
    return values
}
print("stampede: \(results.count) callers, \(reload.runCount) run(s), results \(Set(results))")
