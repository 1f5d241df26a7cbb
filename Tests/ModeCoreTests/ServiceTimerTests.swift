import Foundation
import InMemoryLogging
import Logging
import ModeCore
import ModeTesting
import ModeTestSupport
import Testing

@Suite(.timeLimit(.minutes(1)), .serviceLeakCheck)
struct ServiceTimerTests {
    @Test func aTimerRunsOncePerInterval() async throws {
        let clock = ManualClock()
        let events = EventLog()
        let service = TimerService(clock: clock, events: events) {
            .timer("tick", every: .seconds(1), jitter: .none) { events.record("tick at \(clock.now.offset)") }
        }
        try await service.start()
        await clock.waitForSleepers(count: 1)
        #expect(events.filter("tick").isEmpty)
        for _ in 0..<3 {
            clock.advance(by: .seconds(1))
            await clock.waitForSleepers(count: 1)
        }
        #expect(events.filter("tick") == ["tick at 1.0 seconds", "tick at 2.0 seconds", "tick at 3.0 seconds"])
        await service.stop()
        try assertStoppedClean(service)
        #expect(clock.sleeperCount == 0)
    }

    @Test func aMonitorSeesTheTimersCounters() async throws {
        let clock = ManualClock()
        let monitor = TimerMonitor()
        let service = TimerService(clock: clock, events: EventLog()) {
            .timer("tick", every: .seconds(1), jitter: .none, monitor: monitor) {}
        }
        try await service.start()
        await clock.waitForSleepers(count: 1)
        clock.advance(by: .milliseconds(1500))  // half a second late
        await clock.waitForSleepers(count: 1)
        let statistics = monitor.statistics
        #expect(statistics.iteration == 1)
        #expect(statistics.maxLateness == .milliseconds(500))
        await service.stop()
    }

    @Test func runFirstRunsAtStart() async throws {
        let clock = ManualClock()
        let events = EventLog()
        let service = TimerService(clock: clock, events: events) {
            .timer("tick", every: .seconds(10), runFirst: true, jitter: .none) { events.record("tick") }
        }
        try await service.start()
        await clock.waitForSleepers(count: 1)
        #expect(events.filter("tick") == ["tick"])
        await service.stop()
    }

    @Test func aThrowingTimerCrashesTheServiceByDefault() async throws {
        let clock = ManualClock()
        let service = TimerService(clock: clock, events: EventLog()) {
            .timer("fail", every: .seconds(1), jitter: .none) { throw Boom(id: 11) }
        }
        try await service.start()
        await clock.waitForSleepers(count: 1)
        clock.advance(by: .seconds(1))
        await service.waitUntilStopped()
        #expect(service.crashReason as? Boom == Boom(id: 11))
        await service.stop()
        try assertStoppedClean(service)
    }

    @Test func logAndContinueKeepsTheTimerRunning() async throws {
        let clock = ManualClock()
        let (logger, handler) = makeMemoryLogger()
        let runs = Counter()
        let service = TimerService(clock: clock, logger: logger, events: EventLog()) {
            .timer("flaky", every: .seconds(1), jitter: .none, onError: .logAndContinue) {
                runs.increment()
                throw Boom(id: 12)
            }
        }
        try await service.start()
        for _ in 0..<2 {
            await clock.waitForSleepers(count: 1)
            clock.advance(by: .seconds(1))
        }
        await clock.waitForSleepers(count: 1)
        #expect(runs.current == 2)
        #expect(!service.isCrashed)
        #expect(handler.entries.filter { "\($0.message)".contains("Timer flaky raised Boom(id: 12)") }.count == 2)
        await service.stop()
    }

    @Test func aNegativeIntervalFailsTheStart() async throws {
        let service = TimerService(clock: ManualClock(), events: EventLog()) {
            .timer("bad", every: .seconds(-1)) {}
        }
        let error = await #expect(throws: ServiceError.self) { try await service.start() }
        #expect(error?.code == .invalidArgument)
        #expect(error?.message.contains("negative interval") == true)
        #expect(service.state == .failed)
    }

    @Test func itertimerEndsWhenTheServiceStops() async throws {
        let clock = ManualClock()
        let service = TestService("A", events: EventLog(), clock: clock)
        try await service.start()
        let counting = Task {
            var ticks = 0
            for await _ in try service.itertimer(every: .seconds(1), jitter: .none) { ticks += 1 }
            return ticks
        }
        await clock.waitForSleepers(count: 1)
        clock.advance(by: .seconds(1))
        await clock.waitForSleepers(count: 1)
        await service.stop()
        #expect(try await counting.value == 1)
    }

    @Test func aTimerEndsWhenTheServiceCrashes() async throws {
        let clock = ManualClock()
        let events = EventLog()
        let service = TimerService(clock: clock, events: events) {
            .timer("tick", every: .seconds(1), jitter: .none) { events.record("tick") }
        }
        try await service.start()
        await clock.waitForSleepers(count: 1)
        service.crash(Boom())
        clock.advance(by: .seconds(1))  // the timer notices the crash at its next tick, and does not run
        while !service.runningTaskNames.isEmpty { await Task.yield() }
        #expect(events.filter("tick").isEmpty)
        #expect(clock.sleeperCount == 0)
        await service.stop()
    }

    @Test func aCrontabTimerFiresAtTheScheduledTimes() async throws {
        let clock = ManualClock()
        let events = EventLog()
        let start = Date(timeIntervalSince1970: 1_790_000_000)  // 2026-09-21 14:13:20 UTC
        let now: @Sendable () -> Date = {
            start.addingTimeInterval(Double(clock.now.offset.components.seconds))
        }
        let schedule = try CronSchedule(parsing: "*/5 * * * *", timeZone: TimeZone(identifier: "UTC")!)
        let service = TimerService(clock: clock, events: events) {
            .crontab("report", schedule, now: now) { events.record("fired at \(Int(now().timeIntervalSince1970))") }
        }
        try await service.start()
        await clock.waitForSleepers(count: 1)
        clock.advance(by: .seconds(100))  // 14:15:00
        await clock.waitForSleepers(count: 1)
        clock.advance(by: .seconds(300))  // 14:20:00
        await clock.waitForSleepers(count: 1)
        #expect(events.filter("fired") == ["fired at 1790000100", "fired at 1790000400"])
        await service.stop()
        try assertStoppedClean(service)
    }
}

/// A service whose one background task comes from a closure.
actor TimerService: Service {
    let runtime: ServiceRuntime
    let events: EventLog
    let make: @Sendable () -> BackgroundTask

    init(
        clock: ManualClock,
        logger: Logger = ServiceConfiguration.defaultLogger,
        events: EventLog,
        make: @escaping @Sendable () -> BackgroundTask
    ) {
        self.runtime = ServiceRuntime(configuration: ServiceConfiguration(clock: clock, logger: logger))
        self.events = events
        self.make = make
    }

    func backgroundTasks() -> [BackgroundTask] {
        [self.make()]
    }
}

@Suite struct TimerStatisticsHistogramTests {
    @Test func percentilesComeFromThePowerOfTwoHistogram() {
        var statistics = TimerStatistics()
        #expect(statistics.latenessPercentile(0.99) == .zero)
        for _ in 0..<98 { statistics.recordLateness(.microseconds(3)) }  // bucket 2 (<= 4 µs)
        statistics.recordLateness(.milliseconds(1))  // bucket 10 (<= 1024 µs)
        statistics.recordLateness(.seconds(-1))  // early counts as on time
        #expect(statistics.latenessHistogram[2] == 98)
        #expect(statistics.latenessHistogram[10] == 1)
        #expect(statistics.latenessHistogram[0] == 1)
        #expect(statistics.latenessPercentile(0.5) == .microseconds(4))
        #expect(statistics.latenessPercentile(0.99) == .microseconds(4))
        #expect(statistics.latenessPercentile(1.0) == .microseconds(1024))
    }
}
