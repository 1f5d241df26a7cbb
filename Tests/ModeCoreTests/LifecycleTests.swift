import InMemoryLogging
import Logging
import ModeConcurrencyHelpers
import ModeCore
import ModeTesting
import ModeTestSupport
import Testing

@Suite(.timeLimit(.minutes(1)), .serviceLeakCheck)
struct LifecycleTests {
    /// A root with two children, each recording its hooks.
    func makeTree(_ events: EventLog, hooks: [String: [String: TestService.Hook]] = [:]) -> TestService {
        let b = TestService("B", events: events, hooks: hooks["B"] ?? [:])
        let c = TestService("C", events: events, hooks: hooks["C"] ?? [:])
        return TestService("A", events: events, dependencies: [b, c], hooks: hooks["A"] ?? [:])
    }

    @Test func startRunsHooksInOrderWithChildrenInOrder() async throws {
        let events = EventLog()
        let a = self.makeTree(events)
        try await a.start()
        #expect(
            events.all == [
                "A.initDependencies", "A.onFirstStart", "A.onStart",
                "B.initDependencies", "B.onFirstStart", "B.onStart", "B.onStarted",
                "C.initDependencies", "C.onFirstStart", "C.onStart", "C.onStarted",
                "A.onStarted",
            ]
        )
        #expect(a.state == .running)
        #expect(a.children.map(\.label) == ["B", "C"])
        await a.stop()
    }

    @Test func stopRunsHooksAndStopsChildrenInReverseOrder() async throws {
        let events = EventLog()
        let a = self.makeTree(events)
        try await a.start()
        let started = events.all.count
        await a.stop()
        #expect(
            Array(events.all.dropFirst(started)) == [
                "A.onStop", "C.onStop", "C.onShutdown", "B.onStop", "B.onShutdown", "A.onShutdown",
            ]
        )
        #expect(a.state == .stopped)
        for child in a.children { #expect(child.state == .stopped) }
        try assertStoppedClean(a)
    }

    @Test func restartStopsResetsAndStartsWithoutFirstStartHooks() async throws {
        let events = EventLog()
        let a = self.makeTree(events)
        try await a.start()
        let started = events.all.count
        try await a.restart()
        #expect(
            Array(events.all.dropFirst(started)) == [
                "A.onStop", "C.onStop", "C.onShutdown", "B.onStop", "B.onShutdown", "A.onShutdown",
                "A.onRestart", "A.onStart",
                "B.onStart", "B.onStarted", "C.onStart", "C.onStarted",
                "A.onStarted",
            ]
        )
        #expect(a.restartCount == 1)
        #expect(a.children.allSatisfy { $0.restartCount == 1 })
        #expect(a.state == .running)
        #expect(a.children.count == 2)
        await a.stop()
        try assertStoppedClean(a)
    }

    @Test func statesFollowTheLifecycle() async throws {
        let a = TestService("A", events: EventLog())
        #expect(a.state == .initial)
        #expect(a.state.description == "init")
        #expect(!a.isStarted)
        try await a.start()
        #expect(a.state == .running)
        #expect(a.isStarted)
        #expect(!a.shouldStop)
        await a.stop()
        #expect(a.state == .stopped)
        #expect(a.state.description == "stopped")
        #expect(a.shouldStop)
    }

    @Test func startingTwiceThrowsAlreadyStarted() async throws {
        let a = TestService("A", events: EventLog())
        try await a.start()
        await #expect(throws: ServiceError(code: .alreadyStarted, message: "")) { try await a.start() }
        #expect(try await a.maybeStart() == false)
        await a.stop()
    }

    @Test func startingAStoppedServiceThrowsStoppedAndRestartRunsItAgain() async throws {
        let a = TestService("A", events: EventLog())
        try await a.start()
        await a.stop()
        let error = await #expect(throws: ServiceError.self) { try await a.start() }
        #expect(error?.code == .stopped)
        #expect(error?.message.contains("restart()") == true)
        try await a.restart()
        #expect(a.state == .running)
        await a.stop()
    }

    @Test func startingAStoppingServiceThrowsStopping() async throws {
        let gate = Gate()
        let events = EventLog()
        let a = TestService("A", events: events, hooks: ["onStop": { _ in await gate.wait() }])
        try await a.start()
        let stopping = Task { await a.stop() }
        while gate.waiterCount == 0 { await Task.yield() }
        #expect(a.state == .stopping)
        await #expect(throws: ServiceError(code: .stopping, message: "")) { try await a.start() }
        gate.open()
        await stopping.value
        #expect(a.state == .stopped)
    }

    @Test func maybeStartStartsOnce() async throws {
        let events = EventLog()
        let a = TestService("A", events: events)
        #expect(try await a.maybeStart())
        #expect(try await a.maybeStart() == false)
        #expect(events.all.filter { $0 == "A.onStart" }.count == 1)
        await a.stop()
    }

    @Test func failedStartIsItsOwnStateAndStopsWhatItStarted() async throws {
        let events = EventLog()
        let clock = ManualClock()
        let b = TestService("B", events: events, clock: clock, tasks: ["loop": { _ in try await clock.sleep(for: .seconds(3600)) }])
        let c = TestService("C", events: events, hooks: ["onStart": { _ in throw Boom(id: 7) }])
        let a = TestService("A", events: events, dependencies: [b, c])
        try a.addCleanup("a-cleanup") { events.record("A.cleanup") }
        await #expect(throws: Boom(id: 7)) { try await a.start() }
        #expect(a.state == .failed)
        #expect(c.state == .failed)
        #expect(b.state == .stopped)
        #expect(b.runningTaskNames.isEmpty)
        #expect(events.filter("A.onStarted").isEmpty)
        #expect(events.all.contains("A.cleanup"))
        await #expect(throws: ServiceError(code: .failed, message: "")) { try await a.start() }
        await a.stop()
        #expect(a.state == .failed)
        try assertStoppedClean(a)
    }

    @Test func aFailedServiceCanBeRestarted() async throws {
        let events = EventLog()
        let attempts = Counter()
        let a = TestService(
            "A",
            events: events,
            hooks: ["onStart": { _ in if attempts.increment() == 1 { throw Boom() } }]
        )
        await #expect(throws: Boom()) { try await a.start() }
        try await a.restart()
        #expect(a.state == .running)
        await a.stop()
    }

    @Test func stopBeforeStartRunsTheStopHooks() async throws {
        let events = EventLog()
        let a = TestService("A", events: events)
        await a.stop()
        #expect(events.all == ["A.onStop", "A.onShutdown"])
        #expect(a.state == .stopped)
        await #expect(throws: ServiceError(code: .stopped, message: "")) { try await a.start() }
    }

    @Test func concurrentStopCallersAllWaitForTheOneStop() async throws {
        let gate = Gate()
        let events = EventLog()
        let a = TestService("A", events: events, hooks: ["onShutdown": { _ in await gate.wait() }])
        try await a.start()
        let first = Task {
            await a.stop()
            events.record("first returned")
        }
        while gate.waiterCount == 0 { await Task.yield() }
        let second = Task {
            await a.stop()
            events.record("second returned")
        }
        for _ in 0..<100 { await Task.yield() }
        #expect(events.filter("first").isEmpty && events.filter("second").isEmpty)
        gate.open()
        await first.value
        await second.value
        let all = events.all
        let shutdown = try #require(all.firstIndex(of: "A.onShutdown"))
        #expect(try #require(all.firstIndex(of: "first returned")) > shutdown)
        #expect(try #require(all.firstIndex(of: "second returned")) > shutdown)
        #expect(events.filter("A.onStop").count == 1)
    }

    @Test func stopFromInsideStartBailsOutOfTheStart() async throws {
        let events = EventLog()
        let b = TestService("B", events: events)
        let a = TestService("A", events: events, dependencies: [b], hooks: ["onStart": { await $0.stop() }])
        try await a.start()
        #expect(events.filter("A.onStarted").isEmpty)
        #expect(events.filter("B.").allSatisfy { $0 == "B.onStop" || $0 == "B.onShutdown" })
        #expect(events.filter("B.onStart").isEmpty)
        #expect(a.state == .stopped)
        try assertStoppedClean(a)
    }

    @Test func stopFromAnotherTaskDuringStartBailsOut() async throws {
        let gate = Gate()
        let events = EventLog()
        let b = TestService("B", events: events)
        let a = TestService("A", events: events, dependencies: [b], hooks: ["onStart": { _ in await gate.wait() }])
        let starting = Task { try await a.start() }
        while gate.waiterCount == 0 { await Task.yield() }
        let stopping = Task { await a.stop() }
        while !a.shouldStop { await Task.yield() }
        gate.open()
        try await starting.value
        await stopping.value
        #expect(events.filter("A.onStarted").isEmpty)
        #expect(events.filter("B.onStart").isEmpty)
        #expect(events.filter("A.onStop").count == 1)
        #expect(a.state == .stopped)
        try assertStoppedClean(a)
    }

    @Test func aChildStopErrorIsLoggedAndTheOthersStillStop() async throws {
        let events = EventLog()
        let (logger, handler) = makeMemoryLogger()
        let b = TestService("B", events: events)
        let c = TestService("C", events: events, logger: logger, hooks: ["onStop": { _ in throw Boom(id: 3) }])
        let d = TestService("D", events: events)
        let a = TestService("A", events: events, dependencies: [b, c, d])
        try await a.start()
        await a.stop()
        #expect(events.filter("B.onShutdown").count == 1)
        #expect(events.filter("C.onShutdown").count == 1)
        #expect(events.filter("D.onShutdown").count == 1)
        #expect(a.state == .stopped && b.state == .stopped && c.state == .stopped && d.state == .stopped)
        #expect(handler.entries.contains { $0.level == .error && "\($0.message)".contains("Error in onStop") })
    }

    @Test func runtimeDependencyStartsAtOnceWhenTheParentRuns() async throws {
        let events = EventLog()
        let a = TestService("A", events: events)
        let early = TestService("Early", events: events)
        try await a.addRuntimeDependency(early)
        #expect(early.state == .initial)
        try await a.start()
        #expect(early.state == .running)
        let late = TestService("Late", events: events)
        try await a.addRuntimeDependency(late)
        #expect(late.state == .running)
        #expect(late.beacon.parent === a.beacon)
        await a.stop()
        #expect(late.state == .stopped && early.state == .stopped)
        #expect(events.filter("Late.onStop").count == 1)
    }

    @Test func removeDependencyStopsAndDetaches() async throws {
        let events = EventLog()
        let b = TestService("B", events: events)
        let a = TestService("A", events: events, dependencies: [b])
        try await a.start()
        try await a.removeDependency(b)
        #expect(b.state == .stopped)
        #expect(a.children.isEmpty)
        #expect(b.beacon.parent == nil)
        let stranger = TestService("X", events: events)
        let error = await #expect(throws: ServiceError.self) { try await a.removeDependency(stranger) }
        #expect(error?.code == .notAChild)
        await a.stop()
    }

    @Test func dependencyCyclesAreTypedErrors() async throws {
        let events = EventLog()
        let a = TestService("A", events: events)
        let b = TestService("B", events: events)
        let c = TestService("C", events: events)
        let selfError = #expect(throws: ServiceError.self) { try a.addDependency(a) }
        #expect(selfError?.code == .dependencyCycle)
        #expect(selfError?.message.contains("itself") == true)
        try a.addDependency(b)
        try b.addDependency(c)
        let cycle = #expect(throws: ServiceError.self) { try c.addDependency(a) }
        #expect(cycle?.code == .dependencyCycle)
        #expect(b.children.count == 1)
        try a.addDependency(b)
        #expect(a.children.count == 1, "adding the same child twice does nothing")
    }

    @Test func withServiceStopsEvenWhenTheBodyThrows() async throws {
        let a = TestService("A", events: EventLog())
        await #expect(throws: Boom()) {
            try await withService(a) { _ in throw Boom() }
        }
        #expect(a.state == .stopped)
        let value = try await withRunningService(TestService("B", events: EventLog())) { _ in 42 }
        #expect(value == 42)
    }

    @Test func lifecycleLinesCarryTheServiceLabelAndDepth() async throws {
        let events = EventLog()
        let (logger, handler) = makeMemoryLogger()
        let b = TestService("B", events: events, logger: logger)
        let a = TestService("A", events: events, logger: logger, dependencies: [b])
        try await a.start()
        await a.stop()
        let lines = handler.entries.map { entry in
            "\(entry.level) \(entry.metadata[ServiceRuntime.serviceMetadataKey] ?? "-")"
                + "@\(entry.metadata[ServiceRuntime.depthMetadataKey] ?? "-") \(entry.message)"
        }
        #expect(
            lines == [
                "info A@1 Starting...", "info B@2 Starting...", "debug B@2 Started.", "debug A@1 Started.",
                "info A@1 Stopping...", "info B@2 Stopping...", "debug B@2 -Stopped!", "debug A@1 -Stopped!",
            ]
        )
    }

    @Test func mundaneLevelMovesLifecycleLinesToDebug() async throws {
        let (logger, handler) = makeMemoryLogger()
        let a = TestService("A", events: EventLog(), logger: logger, configuration: { $0.mundaneLevel = .debug })
        try await a.start()
        await a.stop()
        #expect(handler.entries.allSatisfy { $0.level == .debug })
        #expect(handler.entries.contains { "\($0.message)" == "Starting..." })
    }

    @Test func serviceLoggerCarriesMetadata() async throws {
        let (logger, handler) = makeMemoryLogger()
        let a = TestService("Web", events: EventLog(), logger: logger)
        a.logger.info("hello")
        let entry = try #require(handler.entries.last)
        #expect(entry.metadata[ServiceRuntime.serviceMetadataKey] == "Web")
        #expect(entry.metadata[ServiceRuntime.depthMetadataKey] == "1")
    }

    @Test func serviceLoggerFollowsTheServiceDownTheTree() async throws {
        let (logger, handler) = makeMemoryLogger()
        let web = TestService("Web", events: EventLog(), logger: logger)
        web.logger.info("alone")
        let app = TestService("App", events: EventLog(), logger: logger)
        let root = TestService("Root", events: EventLog(), logger: logger)
        try app.addDependency(web)
        web.logger.info("under App")
        try root.addDependency(app)  // moving an ancestor changes the depth too
        web.logger.info("under Root")
        let depths = handler.entries.map { $0.metadata[ServiceRuntime.depthMetadataKey] }
        #expect(depths == ["1", "2", "3"])
    }

    @Test func transitionSetsAndClearsADiagFlag() async throws {
        let clock = ManualClock()
        let a = TestService("A", events: EventLog(), clock: clock)
        clock.advance(by: .seconds(5))
        let seen = await a.transition("FLUSH") { a.diag.flags }
        #expect(seen == ["FLUSH"])
        #expect(a.diag.flags.isEmpty)
        #expect(a.diag.lastTransition["FLUSH"] == .seconds(5))
        await #expect(throws: Boom()) { try await a.transition("FAIL") { throw Boom() } }
        #expect(a.diag.flags.isEmpty)
    }

    @Test func serviceErrorsSayWhatToDo() {
        let error = ServiceError(code: .stopped, message: "A has stopped; call restart() to run it again")
        #expect("\(error)" == "A has stopped; call restart() to run it again")
        #expect(ServiceError.Code.stopped.description == "stopped")
        let crash = ServiceError(code: .crashed, message: "A crashed", underlying: Boom(id: 1))
        #expect("\(crash)".contains("Boom"))
        #expect(crash == ServiceError(code: .crashed, message: "other"))
    }
}

/// A thread-safe counter for tests.
final class Counter: Sendable {
    private let value = Locked(0)

    /// Adds one and returns the new value.
    @discardableResult
    func increment() -> Int { self.value.withLock { $0 += 1; return $0 } }

    var current: Int { self.value.withLock { $0 } }
}
