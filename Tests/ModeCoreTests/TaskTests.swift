import InMemoryLogging
import Logging
import ModeCore
import ModeTesting
import ModeTestSupport
import Testing

@Suite(.timeLimit(.minutes(1)), .serviceLeakCheck)
struct TaskTests {
    @Test func backgroundTasksRunUntilStopAndAreAwaited() async throws {
        let clock = ManualClock()
        let events = EventLog()
        let a = TestService(
            "A",
            events: events,
            clock: clock,
            tasks: [
                "tick": { service in
                    while !service.shouldStop {
                        events.record("tick")
                        await service.sleep(for: .seconds(1))
                    }
                    events.record("tick ended")
                }
            ]
        )
        try await a.start()
        #expect(a.runningTaskNames == ["tick"])
        await clock.waitForSleepers(count: 1)
        clock.advance(by: .seconds(1))
        await clock.waitForSleepers(count: 1)
        await a.stop()
        #expect(events.filter("tick") == ["tick", "tick", "tick ended"])
        #expect(a.runningTaskNames.isEmpty)
        #expect(clock.sleeperCount == 0)
        try assertStoppedClean(a)
    }

    /// The runtime keeps its first owned task in place and the others in a table: tasks that end in any order
    /// and tasks added later (into the freed first place too) keep every name, and a stop cancels them all.
    @Test func ownedTasksEndInAnyOrderAndAStopStillCancelsTheRest() async throws {
        let clock = ManualClock()
        let a = TestService(
            "A",
            events: EventLog(),
            clock: clock,
            tasks: [
                "a": { _ in },  // the first entry, which ends at once
                "b": { service in await service.sleep(for: .seconds(100)) },
                "c": { service in await service.sleep(for: .seconds(100)) },
            ]
        )
        try await a.start()
        await clock.waitForSleepers(count: 2)
        while a.runningTaskNames.count > 2 { await Task.yield() }
        #expect(a.runningTaskNames == ["b", "c"])
        let d = try a.addTask("d") { await a.sleep(for: .seconds(100)) }
        let e = try a.addTask("e") { 5 }
        #expect(try await e.value == 5)
        await clock.waitForSleepers(count: 3)
        while a.runningTaskNames.count > 3 { await Task.yield() }
        #expect(a.runningTaskNames == ["b", "c", "d"])
        await a.stop()
        #expect(a.runningTaskNames.isEmpty)
        try await d.value  // ended by the stop
        #expect(clock.sleeperCount == 0)
        try assertStoppedClean(a)
    }

    @Test func addTaskReturnsAHandleWithTheResult() async throws {
        let a = TestService("A", events: EventLog())
        try await withRunningService(a) { a in
            let task = try a.addTask("answer") { 42 }
            #expect(task.name == "answer")
            #expect(try await task.value == 42)
        }
    }

    @Test func addingATaskToAStoppedServiceThrowsNotRunning() async throws {
        let a = TestService("A", events: EventLog())
        try await a.start()
        await a.stop()
        let error = #expect(throws: ServiceError.self) { try a.addTask("late") { 1 } }
        #expect(error?.code == .notRunning)
        #expect(error?.message.contains("late") == true)
    }

    @Test func aTaskErrorCrashesTheServiceAndClimbsToTheRoot() async throws {
        let clock = ManualClock()
        let events = EventLog()
        let (logger, handler) = makeMemoryLogger()
        let leaf = TestService("Leaf", events: events, clock: clock, logger: logger, tasks: ["fail": { _ in throw Boom(id: 9) }])
        let sibling = TestService("Sibling", events: events, clock: clock)
        let middle = TestService("Middle", events: events, clock: clock, dependencies: [leaf])
        let root = TestService("Root", events: events, clock: clock, dependencies: [middle, sibling])
        try await root.start()
        await root.waitUntilStopped()
        #expect(root.state == .crashed)
        #expect(middle.state == .crashed)
        #expect(leaf.state == .crashed)
        #expect(sibling.isCrashed, "the original marks the whole tree under the root crashed")
        #expect(root.crashReason as? Boom == Boom(id: 9))
        #expect(handler.entries.contains { $0.level == .error && "\($0.message)".contains("Crashed reason=Boom(id: 9)") })
        await root.stop()
        try assertStoppedClean(root)
    }

    @Test func aSupervisedCrashOnlyWakesTheSupervisor() async throws {
        let clock = ManualClock()
        let events = EventLog()
        let supervisor = SupervisorStub()
        let child = TestService("Child", events: events, clock: clock, tasks: ["fail": { _ in throw Boom() }])
        child.runtime.setSupervisor(supervisor)
        let root = TestService("Root", events: events, clock: clock, dependencies: [child])
        try await root.start()
        await child.waitUntilStopped()
        #expect(supervisor.crashed == ["Child"])
        #expect(child.state == .crashed)
        #expect(!root.isCrashed)
        #expect(root.state == .running)
        await root.stop()
    }

    @Test func theSupervisorHearsOfEachFinishedStopOnce() async throws {
        let events = EventLog()
        let supervisor = SupervisorStub()
        let child = TestService("Child", events: events)
        let sibling = TestService("Sibling", events: events)
        child.runtime.setSupervisor(supervisor)
        let root = TestService("Root", events: events, dependencies: [child, sibling])
        try await root.start()
        #expect(supervisor.stopped.isEmpty)
        await child.stop()
        #expect(supervisor.stopped == ["Child"])
        await child.stop()  // already stopped: no second report
        try await child.restart()
        await root.stop()
        #expect(supervisor.stopped == ["Child", "Child"])
    }

    @Test func anUnsupervisedCrashStopsAtTheNearestSupervisedAncestor() async throws {
        let events = EventLog()
        let supervisor = SupervisorStub()
        let leaf = TestService("Leaf", events: events)
        let supervised = TestService("Supervised", events: events, dependencies: [leaf])
        supervised.runtime.setSupervisor(supervisor)
        let root = TestService("Root", events: events, dependencies: [supervised])
        try await root.start()
        leaf.crash(Boom())
        #expect(supervised.isCrashed && leaf.isCrashed)
        #expect(supervisor.crashed == ["Supervised"])
        #expect(!root.isCrashed)
        await root.stop()
    }

    @Test func crashingTwiceWakesTheSupervisorOnce() async throws {
        let supervisor = SupervisorStub()
        let a = TestService("A", events: EventLog())
        a.runtime.setSupervisor(supervisor)
        a.crash(Boom(id: 1))
        a.crash(Boom(id: 2))
        #expect(supervisor.crashed == ["A"])
        #expect(a.crashReason as? Boom == Boom(id: 2))
    }

    @Test func aTaskThatIgnoresCancellationIsAbandonedAfterTheGracePeriod() async throws {
        let clock = ManualClock()
        let gate = Gate()
        let (logger, handler) = makeMemoryLogger()
        let a = TestService(
            "A",
            events: EventLog(),
            clock: clock,
            logger: logger,
            configuration: { $0.taskCancellationGracePeriod = .seconds(5) },
            tasks: ["stubborn": { _ in await gate.wait() }, "polite": { _ in try await clock.sleep(for: .seconds(3600)) }]
        )
        try await a.start()
        while gate.waiterCount == 0 { await Task.yield() }
        await clock.waitForSleepers(count: 1)  // "polite" sleeps until it is cancelled
        let stopping = Task { await a.stop() }
        // "polite" is cancelled and the grace timer takes its place.
        await clock.waitForSleeper(until: ManualClock.Instant(offset: .seconds(5)))
        clock.advance(by: .seconds(4))
        #expect(a.state == .stopping)
        clock.advance(by: .seconds(1))
        await stopping.value
        #expect(a.state == .stopped)
        #expect(a.runningTaskNames.isEmpty)
        #expect(
            handler.entries.contains {
                $0.level == .warning && "\($0.message)".contains("Abandoning") && "\($0.message)".contains("stubborn")
                    && !"\($0.message)".contains("polite")
            }
        )
        #expect(a.runtime.abandonedTaskNames == ["stubborn"])
        gate.open()
        while !a.runtime.abandonedTaskNames.isEmpty { await Task.yield() }  // the leak check wants it gone
    }

    @Test func aTaskCanStopItsOwnService() async throws {
        let events = EventLog()
        let a = TestService(
            "A",
            events: events,
            tasks: [
                "finisher": { service in
                    await service.stop()
                    events.record("stop returned in task")
                }
            ]
        )
        let recorder = LifecycleRecorder(of: a)
        try await a.start()
        await recorder.wait(for: a, toReach: .stopped)
        #expect(events.filter("A.onShutdown").count == 1)
        while !a.runningTaskNames.isEmpty { await Task.yield() }
        #expect(events.all.contains("stop returned in task"))
    }

    @Test func aCancelledTaskEndsQuietlyWithoutCrashing() async throws {
        let clock = ManualClock()
        let a = TestService("A", events: EventLog(), clock: clock)
        try await a.start()
        let task = try a.addTask("sleeper") { try await clock.sleep(for: .seconds(60)) }
        task.cancel()
        await #expect(throws: CancellationError.self) { try await task.value }
        #expect(!a.isCrashed)
        await a.stop()
        try assertStoppedClean(a)
    }

    @Test func cleanupsRunInReverseOrderAfterTheTasks() async throws {
        let clock = ManualClock()
        let events = EventLog()
        let (logger, handler) = makeMemoryLogger()
        let a = TestService(
            "A",
            events: events,
            clock: clock,
            logger: logger,
            tasks: [
                "work": { _ in
                    do { try await clock.sleep(for: .seconds(60)) } catch { events.record("task cancelled") }
                }
            ]
        )
        try a.addCleanup("first") { events.record("cleanup 1") }
        try a.addCleanup("broken") { throw Boom(id: 2) }
        try a.addCleanup("third") { events.record("cleanup 3") }
        try await a.start()
        await a.stop()
        #expect(
            events.all.filter { !$0.hasPrefix("A.on") && !$0.hasPrefix("A.init") } == [
                "task cancelled", "cleanup 3", "cleanup 1",
            ]
        )
        #expect(handler.entries.contains { "\($0.message)".contains("Error in cleanup broken") })
        let late = #expect(throws: ServiceError.self) { try a.addCleanup { } }
        #expect(late?.code == .notRunning)
    }

    @Test func resourcesAreEnteredAtOnceAndExitedOnStop() async throws {
        let events = EventLog()
        let a = TestService("A", events: events)
        try await a.start()
        let value = try await a.addResource(Resource(name: "db", events: events))
        #expect(value == "db-handle")
        #expect(events.filter("db") == ["db entered"])
        await a.stop()
        #expect(events.filter("db") == ["db entered", "db exited error=nil"])
        let error = await #expect(throws: ServiceError.self) { try await a.addResource(Resource(name: "x", events: events)) }
        #expect(error?.code == .notRunning)
        #expect(events.filter("x").isEmpty)
    }

    @Test func aFailedStartExitsResourcesWithTheError() async throws {
        let events = EventLog()
        let a = TestService(
            "A",
            events: events,
            hooks: ["onStart": { service in
                _ = try await service.addResource(Resource(name: "db", events: events))
                throw Boom(id: 4)
            }]
        )
        await #expect(throws: Boom(id: 4)) { try await a.start() }
        #expect(events.filter("db") == ["db entered", "db exited error=Boom(id: 4)"])
    }
}

struct Resource: AsyncResource {
    var name: String
    var events: EventLog

    func enter() async throws -> String {
        self.events.record("\(self.name) entered")
        return "\(self.name)-handle"
    }

    func exit(error: (any Error)?) async throws {
        self.events.record("\(self.name) exited error=\(error.map { "\($0)" } ?? "nil")")
    }
}

@Suite(.timeLimit(.minutes(1)), .serviceLeakCheck)
struct ConcurrentCrashTests {
    @Test func concurrentCrashesWakeTheSupervisorOnce() async throws {
        for _ in 0..<50 {
            let supervisor = SupervisorStub()
            let service = TestService("A", events: EventLog())
            service.runtime.setSupervisor(supervisor)
            await withTaskGroup(of: Void.self) { group in
                for id in 0..<8 { group.addTask { service.crash(Boom(id: id)) } }
            }
            #expect(supervisor.crashed == ["A"])
        }
    }
}
