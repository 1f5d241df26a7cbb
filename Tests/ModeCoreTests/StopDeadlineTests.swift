import InMemoryLogging
import Logging
import ModeCore
import ModeTestSupport
import ModeTesting
import Testing

/// `stop()` has a deadline per step: a hook, cleanup or start that never finishes cannot hang it.
@Suite(.timeLimit(.minutes(1)))
struct StopDeadlineTests {
    /// One test's world: a manual clock, a logger whose warnings it reads, an event log, and a gate that a
    /// hanging hook waits on (opened at the end, so nothing is left behind).
    struct World {
        let clock = ManualClock()
        let logger: Logger
        let logs: InMemoryLogHandler
        let events = EventLog()
        let hang = Gate()
        let entered = Gate()

        init() {
            (self.logger, self.logs) = makeMemoryLogger()
        }

        /// A hook that opens `entered` and then waits on `hang`.
        var hanging: TestService.Hook {
            { [entered, hang] _ in
                entered.open()
                await hang.wait()
            }
        }

        /// A service on this world's clock and logger.
        func service(
            _ name: String,
            stopTimeout: Duration?? = .none,
            dependencies: [any Service] = [],
            hooks: [String: TestService.Hook] = [:],
            tasks: [String: TestService.Hook] = [:]
        ) -> TestService {
            TestService(
                name,
                events: self.events,
                clock: self.clock,
                logger: self.logger,
                configuration: { configuration in
                    if case .some(let timeout) = stopTimeout { configuration.stopTimeout = timeout }
                },
                dependencies: dependencies,
                hooks: hooks,
                tasks: tasks
            )
        }

        /// Waits until the hanging step is entered and its deadline timer of `timeout` sleeps (such timers
        /// are not counted as sleepers, so the test waits for that one deadline).
        func untilTheStepWaits(for timeout: Duration = .seconds(30)) async {
            await self.entered.wait()
            await self.clock.waitForSleeper(until: self.clock.now.advanced(by: timeout))
        }

        var warnings: [String] { self.logs.entries.filter { $0.level == .warning }.map(\.message.description) }

        func count(_ event: String) -> Int { self.events.all.filter { $0 == event }.count }
    }

    @Test func theDefaultDeadlineIsThirtySecondsAndReadable() {
        let service = TestService("A", events: EventLog())
        #expect(service.runtime.configuration.stopTimeout == .seconds(30))
        #expect(ServiceConfiguration.defaultStopTimeout == .seconds(30))
    }

    @Test func aHungOnStopIsGivenUpOnAndTheRestOfTheStopRuns() async throws {
        let world = World()
        let service = world.service(
            "A",
            hooks: ["onStop": world.hanging],
            tasks: ["work": { service in await service.waitUntilStopped() }]
        )
        try await service.start()
        let stopping = Task { await service.stop() }
        await world.untilTheStepWaits()
        #expect(world.count("A.onShutdown") == 0)

        world.clock.advance(by: .seconds(30))
        await stopping.value

        #expect(service.state == .stopped)
        #expect(world.count("A.onShutdown") == 1)
        #expect(service.runningTaskNames.isEmpty)
        let warning = try #require(world.warnings.first)
        #expect(warning.contains("onStop of A"))
        #expect(warning.contains("30"))
        world.hang.open()
    }

    @Test func aHungOnShutdownIsNamed() async throws {
        let world = World()
        let service = world.service("A", stopTimeout: .seconds(2), hooks: ["onShutdown": world.hanging])
        try await service.start()
        let stopping = Task { await service.stop() }
        await world.untilTheStepWaits(for: .seconds(2))
        world.clock.advance(by: .seconds(1))
        #expect(service.state == .stopping)
        world.clock.advance(by: .seconds(1))
        await stopping.value
        #expect(service.state == .stopped)
        #expect(world.warnings.contains { $0.contains("onShutdown") && $0.contains("2") })
        world.hang.open()
    }

    @Test func aHungChildIsNamedByItsPathAndItsSiblingsStillStop() async throws {
        let world = World()
        let stuck = world.service("Stuck", stopTimeout: .seconds(5), hooks: ["onStop": world.hanging])
        let sibling = world.service("Sibling")
        let parent = world.service("Parent", dependencies: [sibling, stuck])
        try await parent.start()
        let stopping = Task { await parent.stop() }
        await world.untilTheStepWaits(for: .seconds(5))
        world.clock.advance(by: .seconds(5))
        await stopping.value

        #expect([parent, stuck, sibling].allSatisfy { $0.state == .stopped })
        #expect(world.count("Stuck.onShutdown") == 1)
        #expect(world.count("Parent.onShutdown") == 1)
        #expect(world.warnings.contains { $0.contains("onStop of Parent/Stuck") })
        world.hang.open()
    }

    @Test func aHungCleanupIsNamed() async throws {
        let world = World()
        let service = world.service("A")
        try await service.start()
        try service.addCleanup("close-socket") { [hanging = world.hanging] in try await hanging(service) }
        let stopping = Task { await service.stop() }
        await world.untilTheStepWaits()
        world.clock.advance(by: .seconds(30))
        await stopping.value
        #expect(world.warnings.contains { $0.contains("cleanup close-socket") })
        world.hang.open()
    }

    @Test func aStartThatNeverFinishesDoesNotHangStop() async throws {
        let world = World()
        let service = world.service("A", hooks: ["onStart": world.hanging])
        let starting = Task { try await service.start() }
        await world.entered.wait()
        let stopping = Task { await service.stop() }
        await world.untilTheStepWaits()
        world.clock.advance(by: .seconds(30))
        await stopping.value
        #expect(service.state == .stopped)
        #expect(world.count("A.onShutdown") == 1)
        #expect(world.warnings.contains { $0.contains("start") })

        // The start goes on once its hook returns, sees the stop and ends without running the stop again.
        world.hang.open()
        try await starting.value
        #expect(service.state == .stopped)
        #expect(world.count("A.onShutdown") == 1)
    }

    @Test func aHungStartThatFailsLateLeavesTheForcedStopAlone() async throws {
        let world = World()
        let fail = Gate()
        let inStop = Gate()
        let service = world.service(
            "A",
            hooks: [
                "onStart": { _ in
                    world.entered.open()
                    await world.hang.wait()
                    throw Boom()
                },
                "onStop": { _ in
                    inStop.open()
                    await fail.wait()
                },
            ]
        )
        let starting = Task { try await service.start() }
        await world.entered.wait()
        let stopping = Task { await service.stop() }
        await world.clock.waitForSleeper(until: world.clock.now.advanced(by: .seconds(30)))
        world.clock.advance(by: .seconds(30))
        // The forced stop now waits in onStop; the start's hook throws meanwhile.
        await inStop.wait()
        world.hang.open()
        await #expect(throws: Boom.self) { try await starting.value }
        // The late failure did not tear the service down a second time or mark it failed under the stop.
        #expect(service.runtime.lifecycleState == .stopping)
        fail.open()
        await stopping.value
        #expect(service.state == .stopped)
        #expect(world.count("A.onStop") == 1)
        #expect(world.count("A.onShutdown") == 1)
    }

    @Test func withoutADeadlineTheStopWaitsForTheHook() async throws {
        let world = World()
        let service = world.service("A", stopTimeout: .some(nil), hooks: ["onStop": world.hanging])
        try await service.start()
        let stopping = Task { await service.stop() }
        await world.entered.wait()
        world.clock.advance(by: .seconds(3600))
        #expect(service.state == .stopping)
        world.hang.open()
        await stopping.value
        #expect(service.state == .stopped)
    }

    @Test(arguments: [Duration.zero, .seconds(-5)])
    func aDeadlineOfZeroOrLessGivesUpOnASuspendedHookAtOnce(timeout: Duration) async throws {
        let world = World()
        let service = world.service("A", stopTimeout: timeout, hooks: ["onStop": world.hanging])
        try await service.start()
        await service.stop()
        #expect(service.state == .stopped)
        #expect(world.count("A.onShutdown") == 1)
        world.hang.open()
    }

    @Test func aHugeDeadlineWaitsAsLongAsItTakes() async throws {
        let world = World()
        let service = world.service("A", stopTimeout: .seconds(Int64.max), hooks: ["onStop": world.hanging])
        try await service.start()
        let stopping = Task { await service.stop() }
        // Huge sleeps go to the clock in steps of about 95 years, so none can overflow it.
        await world.untilTheStepWaits(for: .seconds(3_000_000_000))
        world.clock.advance(by: .seconds(1_000_000_000))
        #expect(service.state == .stopping)
        world.hang.open()
        await stopping.value
        #expect(service.state == .stopped)
    }

    @Test func stoppingFromInsideOnStopDoesNotWaitForItself() async throws {
        let world = World()
        let service = world.service("A", hooks: ["onStop": { service in await service.stop() }])
        try await service.start()
        await service.stop()
        #expect(service.state == .stopped)
        #expect(world.clock.now.offset == .zero)
    }

    @Test func aFastStopLeavesNoTimerBehind() async throws {
        let world = World()
        let parent = world.service("Parent", dependencies: [world.service("Child")])
        try await parent.start()
        await parent.stop()
        await world.clock.runUntilIdle()
        #expect(world.clock.deadlines.isEmpty)
    }
}
