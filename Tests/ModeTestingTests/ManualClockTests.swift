import ModeConcurrencyHelpers
import ModeCore
import ModeTesting
import Testing

@Suite(.timeLimit(.minutes(1)))
struct ManualClockTests {
    @Test func sleepersWakeInDeadlineOrderWhenTimeReachesThem() async throws {
        let clock = ManualClock()
        let order = Locked<[Int]>([])
        await withThrowingTaskGroup(of: Void.self) { group in
            for seconds in [3, 1, 2] {
                group.addTask {
                    try await clock.sleep(for: .seconds(seconds))
                    order.withLock { $0.append(seconds) }
                }
            }
            await clock.waitForSleepers(count: 3)
            #expect(clock.nextDeadline == ManualClock.Instant(offset: .seconds(1)))
            clock.advance(by: .milliseconds(999))
            #expect(clock.sleeperCount == 3)
            clock.advance(by: .seconds(5))
            try? await group.waitForAll()
        }
        #expect(Set(order.withLock { $0 }) == [1, 2, 3])
        #expect(clock.now == ManualClock.Instant(offset: .milliseconds(5999)))
    }

    @Test func aDeadlineInThePastReturnsAtOnce() async throws {
        let clock = ManualClock(now: ManualClock.Instant(offset: .seconds(10)))
        try await clock.sleep(until: ManualClock.Instant(offset: .seconds(5)))
        try await clock.sleep(for: .zero)
        #expect(clock.sleeperCount == 0)
    }

    @Test func cancellingASleeperThrowsAndRemovesIt() async throws {
        let clock = ManualClock()
        let sleeper = Task { try await clock.sleep(for: .seconds(60)) }
        await clock.waitForSleepers(count: 1)
        sleeper.cancel()
        await #expect(throws: CancellationError.self) { try await sleeper.value }
        #expect(clock.sleeperCount == 0)
    }

    @Test func advanceToNextDeadlineWakesTheEarliest() async throws {
        let clock = ManualClock()
        #expect(clock.advanceToNextDeadline() == false)
        let sleeper = Task { try await clock.sleep(for: .seconds(7)) }
        await clock.waitForSleepers(count: 1)
        #expect(clock.advanceToNextDeadline())
        try await sleeper.value
        #expect(clock.now.offset == .seconds(7))
    }

    @Test func movingToAnEarlierInstantDoesNothing() {
        let clock = ManualClock()
        clock.advance(by: .seconds(2))
        clock.advance(to: ManualClock.Instant(offset: .seconds(1)))
        #expect(clock.now.offset == .seconds(2))
        #expect(clock.minimumResolution == .zero)
    }
}

@Suite(.timeLimit(.minutes(1)))
struct ServiceHarnessTests {
    actor Idle: Service {
        let runtime: ServiceRuntime
        let clock: ManualClock

        init(clock: ManualClock) {
            self.clock = clock
            self.runtime = ServiceRuntime(clock: clock)
        }

        func backgroundTasks() -> [BackgroundTask] {
            [.task("wait") { try await self.clock.sleep(for: .seconds(3600)) }]
        }
    }

    @Test func theHarnessStopsTheServiceAndFindsNothingLeft() async throws {
        let clock = ManualClock()
        let result = try await withRunningService(Idle(clock: clock)) { service in
            #expect(service.runningTaskNames == ["wait"])
            return "done"
        }
        #expect(result == "done")
        #expect(clock.sleeperCount == 0)
    }

    @Test func aRunningServiceIsReportedAsALeak() async throws {
        let service = Idle(clock: ManualClock())
        try await service.start()
        let error = #expect(throws: ServiceLeakError.self) { try assertStoppedClean(service) }
        #expect(error?.problems.count == 2)
        #expect(error?.description.contains("Idle is running") == true)
        #expect(error?.description.contains("still runs tasks: wait") == true)
        await service.stop()
        try assertStoppedClean(service)
    }
}
