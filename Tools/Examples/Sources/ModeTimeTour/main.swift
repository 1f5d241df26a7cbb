// The examples of Docs/ModeTime.md: ModeTime alone, with no service runtime linked in. It runs in well
// under a second.

import Foundation  // Date and TimeZone, for the cron schedule
import ModeTime

// MARK: Durations, rates and their errors

let timeout = try Duration(parsing: "1.5")  // plain numbers are seconds
let poll = try Duration(parsing: "250ms")
let limit = try Rate(parsing: "100/h")
print("timeout \(timeout), poll \(poll), one event every \(limit.interval)")

do {
    _ = try Duration(parsing: "ten seconds")
} catch let error as TimeParseError {
    print("TimeParseError.\(error.code): \(error)")
}

// MARK: Humanize

print(humanize(.seconds(90)), "|", humanizeAgo(.seconds(7200)))

// MARK: A cron schedule

let utc = TimeZone(identifier: "UTC")!
let nightly = try CronSchedule(parsing: "30 2 * * *", timeZone: utc)
let friday = Date(timeIntervalSince1970: 1_767_999_600)  // Friday 9 January 2026, 23:00 UTC
if let next = nightly.nextFire(after: friday) {
    print("\(nightly) next fires at \(next.formatted(.iso8601))")
}
do {
    _ = try CronSchedule(parsing: "61 * * * *")
} catch let error as CronParseError {
    print("CronParseError.\(error.code): \(error)")
}

// MARK: A token bucket

let bucket = try rateLimit(.perSecond(50), burst: 2, whenEmpty: .fail)
print("pour: \(bucket.pour()), \(bucket.pour()), \(bucket.pour())")  // the third finds the bucket empty
do {
    try await bucket.acquire()
} catch let error as TokenBucketError where error.code == .empty {
    print("TokenBucketError.\(error.code)")
}

// MARK: An interval timer and its statistics

let timer = try IntervalTimer(every: .milliseconds(10), name: "tour", jitter: .none)
var ticks = 0
for await _ in timer {
    ticks += 1
    if ticks == 3 { break }
}
print("ticks: \(timer.statistics.iteration)")

do {
    _ = try IntervalTimer(every: .seconds(-1), name: "backwards")
} catch let error as TimerError where error.code == .invalidArgument {
    print("TimerError.\(error.code): \(error)")
}

// MARK: A stampede

let reload = Stampede<Int>()
let results = try await withThrowingTaskGroup(of: Int.self) { group in
    for _ in 0..<5 {
        group.addTask {
            try await reload.run {
                try await Task.sleep(for: .milliseconds(20))  // a slow reload the callers share
                return 42
            }
        }
    }
    var values: [Int] = []
    for try await value in group { values.append(value) }
    return values
}
print("stampede: \(results.count) callers got \(Set(results)) from \(reload.runCount) run(s)")
