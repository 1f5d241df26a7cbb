import Logging
import ModeConcurrencyHelpers
import ModeCore
import ModeLogging
import ModeSupervisors
import ModeTestSupport
import ModeTesting
import Testing

/// The parts of the manual clock added for issue 13: letting time pass step by step, settling, the list of
/// deadlines, and the edge values of every duration and count it takes.
@Suite(.timeLimit(.minutes(1)))
struct ManualClockRunTests {
    @Test func runForFiresARepeatingSleeperOncePerPeriod() async throws {
        let clock = ManualClock()
        let ticks = Locked(0)
        let loop = Task {
            while true {
                try await clock.sleep(for: .seconds(1))
                ticks.withLock { $0 += 1 }
            }
        }
        await clock.run(for: .seconds(10), sleepers: 1)
        #expect(ticks.withLock { $0 } == 10)
        #expect(clock.now.offset == .seconds(10))
        loop.cancel()
        await #expect(throws: CancellationError.self) { try await loop.value }
    }

    @Test func advanceByWakesARepeatingSleeperOnlyOnce() async throws {
        let clock = ManualClock()
        let ticks = Locked(0)
        let loop = Task {
            while true {
                try await clock.sleep(for: .seconds(1))
                ticks.withLock { $0 += 1 }
            }
        }
        await clock.waitForSleepers(count: 1)
        clock.advance(by: .seconds(10))
        await clock.runUntilIdle()
        await clock.waitForSleepers(count: 1)
        #expect(ticks.withLock { $0 } == 1)
        #expect(clock.deadlines == [ManualClock.Instant(offset: .seconds(11))])
        loop.cancel()
        _ = try? await loop.value
    }

    @Test func runWithoutASleeperCountUsesTheIdleHeuristic() async throws {
        let clock = ManualClock()
        let ticks = Locked(0)
        let loop = Task {
            for _ in 0..<3 {
                try await clock.sleep(for: .seconds(2))
                ticks.withLock { $0 += 1 }
            }
        }
        await clock.waitForSleepers(count: 1)
        await clock.run(for: .seconds(6))
        try await loop.value
        #expect(ticks.withLock { $0 } == 3)
        #expect(clock.sleeperCount == 0)
    }

    @Test func deadlinesAreListedEarliestFirst() async throws {
        let clock = ManualClock()
        let group = Task {
            await withThrowingTaskGroup(of: Void.self) { group in
                for seconds in [5, 1, 3, 1] { group.addTask { try await clock.sleep(for: .seconds(seconds)) } }
                try? await group.waitForAll()
            }
        }
        await clock.waitForSleepers(count: 4)
        #expect(clock.deadlines.map(\.offset) == [.seconds(1), .seconds(1), .seconds(3), .seconds(5)])
        #expect(clock.advanceToNextDeadline())
        #expect(clock.sleeperCount == 2)  // both sleepers due at one second woke
        group.cancel()
        await group.value
        #expect(clock.sleeperCount == 0)
    }

    @Test func waitForSleeperWaitsForThatDeadline() async throws {
        let clock = ManualClock()
        let waiter = Task { await clock.waitForSleeper(until: ManualClock.Instant(offset: .seconds(2))) }
        let first = Task { try await clock.sleep(for: .seconds(1)) }
        await clock.waitForSleepers(count: 1)
        let second = Task { try await clock.sleep(for: .seconds(2)) }
        await waiter.value
        #expect(clock.deadlines.map(\.offset) == [.seconds(1), .seconds(2)])
        await clock.run(for: .seconds(2), sleepers: 0)
        try await first.value
        try await second.value
    }

    @Test(arguments: [Duration.zero, .seconds(-1), .nanoseconds(-1), .seconds(Int64.min)])
    func advancingByZeroOrANegativeDurationDoesNothing(_ duration: Duration) async {
        let clock = ManualClock(now: ManualClock.Instant(offset: .seconds(5)))
        clock.advance(by: duration)
        await clock.run(for: duration)
        #expect(clock.now.offset == .seconds(5))
    }

    @Test func aHugeAdvanceWakesEverySleeper() async throws {
        let clock = ManualClock()
        let sleeper = Task { try await clock.sleep(for: .seconds(Int64.max)) }
        await clock.waitForSleepers(count: 1)
        clock.advance(by: .seconds(Int64.max))
        try await sleeper.value
        #expect(clock.now.offset == .seconds(Int64.max))
        clock.advance(by: .seconds(Int64.max))  // twice the largest count of seconds still fits in Duration
        #expect(clock.now.offset > .seconds(Int64.max))
    }

    @Test(arguments: [0, -1, Int.min])
    func waitingForZeroOrFewerSleepersReturnsAtOnce(_ count: Int) async {
        let clock = ManualClock()
        await clock.waitForSleepers(count: count)
        await clock.runUntilIdle(quietYields: count)
        #expect(clock.sleeperCount == 0)
    }
}

/// The manual clock drives every Mode API that takes a clock.
@Suite(.timeLimit(.minutes(1)), .serviceLeakCheck)
struct ManualClockDrivesModeTests {
    actor Ticker: Service {
        let runtime: ServiceRuntime
        private(set) var ticks = 0

        init(clock: ManualClock) {
            self.runtime = ServiceRuntime(clock: clock)
        }

        func backgroundTasks() -> [BackgroundTask] {
            [.timer("tick", every: .seconds(1), jitter: .none) { await self.tick() }]
        }

        private func tick() { self.ticks += 1 }
    }

    @Test func serviceTimers() async throws {
        let clock = ManualClock()
        let ticker = Ticker(clock: clock)
        try await withRunningService(ticker) { ticker in
            await clock.run(for: .seconds(30), sleepers: 1)
            #expect(await ticker.ticks == 30)
        }
    }

    @Test func serviceSleepsAndWaitTimeouts() async throws {
        let clock = ManualClock()
        let service = MockService("waiter", configuration: ServiceConfiguration(clock: clock))
        try await withRunningService(service) { service in
            let sleeper = Task { await service.sleep(for: .seconds(5)) }
            await clock.waitForSleepers(count: 1)
            clock.advance(by: .seconds(5))
            await sleeper.value

            let waiting = Task {
                try await service.wait(timeout: .seconds(2)) { try await clock.sleep(for: .seconds(60)) }
            }
            await clock.waitForSleepers(count: 2)  // the operation and the timeout
            clock.advance(by: .seconds(2))
            let outcome = try await waiting.value
            guard case .timedOut = outcome else {
                Issue.record("expected a timeout, got \(outcome)")
                return
            }
        }
    }

    @Test func supervisorBackoff() async throws {
        let clock = ManualClock()
        let child = MockService("child", configuration: ServiceConfiguration(clock: clock))
        let supervisor = Supervisor(
            [child],
            backoff: try .exponential(minimum: .seconds(4), maximum: .seconds(60), jitter: 0),
            configuration: ServiceConfiguration(clock: clock)
        )
        let recorder = LifecycleRecorder(of: supervisor)
        try await withRunningService(supervisor) { _ in
            child.crash(MockError.injected("test"))
            await clock.waitForSleeper(until: ManualClock.Instant(offset: .seconds(4)))  // the backoff
            #expect(clock.deadlines.map(\.offset) == [.seconds(4)])
            #expect(child.count(of: .start) == 1)
            clock.advance(by: .seconds(4))
            await recorder.wait(for: child, toReach: .running, after: .crashed)
            #expect(child.count(of: .start) == 2)
        }
    }

    @Test func taskCancellationGracePeriod() async throws {
        let clock = ManualClock()
        let stubborn = Gate()
        let service = MockService(
            "stubborn",
            configuration: ServiceConfiguration(clock: clock, taskCancellationGracePeriod: .seconds(3))
        )
        try await service.start()
        _ = try service.addTask("ignores-cancel") { await stubborn.wait() }
        let stopping = Task { await service.stop() }
        await clock.waitForSleepers(count: 1)  // stop() waits out the grace period on the clock
        #expect(clock.deadlines.map(\.offset) == [.seconds(3)])
        clock.advance(by: .seconds(3))
        await stopping.value
        #expect(service.runtime.abandonedTaskNames == ["ignores-cancel"])
        let leak = #expect(throws: ServiceLeakError.self) { try assertStoppedClean(service) }
        #expect(leak?.description.contains("abandoned tasks that ignored cancellation: ignores-cancel") == true)
        stubborn.open()
        while !service.runtime.abandonedTaskNames.isEmpty { await Task.yield() }
        try assertStoppedClean(service)
    }

    @Test func shutdownTimeout() async throws {
        let clock = ManualClock()
        let service = MockService(
            "slow",
            configuration: ServiceConfiguration(clock: clock, waitForShutdown: true, shutdownTimeout: .seconds(20))
        )
        try await service.start()
        let stopping = Task { await service.stop() }
        await clock.waitForSleepers(count: 1)
        clock.advance(by: .seconds(19))
        #expect(service.runtime.lifecycleState == .stopping)
        clock.advance(by: .seconds(1))
        await stopping.value
        #expect(service.state == .stopped)
    }

    @Test func flightRecorder() async throws {
        let clock = ManualClock()
        let logger = Logger(label: "test") { _ in SwiftLogNoOpLogHandler() }
        await withFlightRecorder(logger: logger, timeout: .seconds(10), clock: clock) { recorder in
            await clock.waitForSleepers(count: 1)
            clock.advance(by: .seconds(9))
            #expect(!recorder.hasTimedOut)
            clock.advance(by: .seconds(1))
            while !recorder.hasTimedOut { await Task.yield() }  // the watchdog woke and flipped the flag
            #expect(clock.sleeperCount == 0)
        }
    }
}
