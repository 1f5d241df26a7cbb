import ModeConcurrencyHelpers
import ModeCore
import ModeTesting
import Testing

struct Refused: Error, Equatable {}

@Suite(.timeLimit(.minutes(1)))
struct AsyncMockTests {
    @Test func scriptedOutcomesRunInOrderThenTheFallback() async throws {
        let fetch = AsyncMock<String, Int>(name: "fetch", returning: 0)
        fetch.enqueue(.value(200), .error(Refused()), .perform { path in path.count })
        #expect(try await fetch("/a") == 200)
        await #expect(throws: Refused.self) { try await fetch("/b") }
        #expect(try await fetch("/ccc") == 4)
        #expect(try await fetch("/d") == 0)
        #expect(fetch.calls == ["/a", "/b", "/ccc", "/d"])
        #expect(fetch.callCount == 4)
        #expect(fetch.lastCall == "/d")
    }

    @Test func anUnscriptedCallThrowsATypedError() async throws {
        let mock = AsyncMock<Int, Int>(name: "compute")
        let error = await #expect(throws: MockError.self) { try await mock(1) }
        #expect(error?.code == .unscripted)
        #expect(error?.description.contains("compute: call 1 has no scripted outcome") == true)
    }

    @Test func waitForCallsReturnsWhenTheNthCallBegins() async throws {
        let clock = ManualClock()
        let gate = AsyncMock<Void, Void>(
            name: "gate",
            fallback: .perform { _ in try await clock.sleep(for: .seconds(60)) }
        )
        let callers = Task {
            await withTaskGroup(of: Void.self) { group in
                for _ in 0..<3 { group.addTask { _ = try? await gate() } }
            }
        }
        await gate.waitForCalls(count: 3)
        #expect(gate.callCount == 3)
        callers.cancel()
        await callers.value
    }

    @Test func callNumbersOrderCallsAcrossMocks() async throws {
        let first = AsyncMock<Void, Void>(returning: ())
        let second = AsyncMock<Void, Void>(returning: ())
        try await first()
        try await second()
        try await first()
        let a = first.callNumbers
        let b = second.callNumbers
        #expect(a.count == 2 && b.count == 1)
        #expect(a[0] < b[0] && b[0] < a[1])
    }

    @Test func expectCalledOnceNamesTheCallsOnMismatch() async throws {
        let mock = AsyncMock<Int, Void>(returning: ())
        try await mock(7)
        try mock.expectCalledOnce(with: 7)
        try await mock(8)
        let error = #expect(throws: MockError.self) { try mock.expectCalledOnce(with: 7) }
        #expect(error?.description == "AsyncMock: expected one call with 7, got [7, 8]")
        mock.reset()
        #expect(mock.calls.isEmpty)
    }

    @Test func theMockIsInjectedAsAFunction() async throws {
        let mock = AsyncMock<Int, Int> { $0 * 2 }
        let double: @Sendable (Int) async throws -> Int = mock.function
        #expect(try await double(21) == 42)
        #expect(mock.calls == [21])
    }

    @Test func aCancelledWaitForCallsReturns() async {
        let mock = AsyncMock<Void, Void>(returning: ())
        let waiting = Task { await mock.waitForCalls(count: 1) }
        waiting.cancel()
        await waiting.value
        #expect(mock.callCount == 0)
    }
}

@Suite(.timeLimit(.minutes(1)), .serviceLeakCheck)
struct MockServiceTests {
    @Test func recordsHooksInOrderAcrossATree() async throws {
        let log = MockHookLog()
        let child = MockService("child", log: log)
        let parent = MockService("parent", dependencies: [child], log: log)
        try await parent.start()
        await parent.stop()
        try await parent.restart()
        await parent.stop()
        #expect(
            log.entries(withPrefix: "parent.") == [
                "parent.initDependencies", "parent.firstStart", "parent.start", "parent.started",
                "parent.stop", "parent.shutdown", "parent.restart", "parent.start", "parent.started",
                "parent.stop", "parent.shutdown",
            ]
        )
        #expect(log.entries.firstIndex(of: "child.started")! < log.entries.firstIndex(of: "parent.started")!)
        #expect(log.entries.firstIndex(of: "parent.stop")! < log.entries.firstIndex(of: "child.stop")!)
        #expect(child.hooks.first == .initDependencies)
        #expect(child.count(of: .start) == 2)
    }

    @Test(arguments: [MockService.Hook.firstStart, .start, .started])
    func aFailingStartHookFailsTheStart(_ hook: MockService.Hook) async throws {
        let service = MockService("db")
        service.fail(in: hook, with: Refused())
        await #expect(throws: Refused.self) { try await service.start() }
        #expect(service.hooks.last == hook)
        #expect(service.state == .failed)
    }

    @Test(arguments: [MockService.Hook.stop, .shutdown])
    func aFailingStopHookIsLoggedAndTheStopGoesOn(_ hook: MockService.Hook) async throws {
        let service = MockService("db")
        service.fail(in: hook, with: Refused())
        try await service.start()
        await service.stop()
        #expect(service.state == .stopped)
        #expect(service.hooks.suffix(2) == [.stop, .shutdown])
    }

    @Test func aFailureLastsTheGivenNumberOfRuns() async throws {
        let service = MockService("db")
        service.fail(in: .restart, with: Refused(), times: 2)
        try await service.start()
        await #expect(throws: Refused.self) { try await service.restart() }
        await #expect(throws: Refused.self) { try await service.restart() }
        try await service.restart()
        #expect(service.count(of: .restart) == 3)
        await service.stop()
        service.fail(in: .start, times: 0)  // clears nothing set; harmless
    }

    @Test func crashesLaterOnItsClock() async throws {
        let clock = ManualClock()
        let service = MockService("cache", configuration: ServiceConfiguration(clock: clock), taskNames: ["serve"])
        service.crash(after: .seconds(30), with: Refused())
        try await service.start()
        #expect(service.runningTaskNames == ["crash", "serve"])
        await clock.waitForSleepers(count: 1)
        clock.advance(by: .seconds(29))
        #expect(!service.isCrashed)
        clock.advance(by: .seconds(1))
        await service.waitForHook(.crashed)
        await service.waitUntilStopped()
        #expect(service.crashReason is Refused)
        await service.stop()
    }

    @Test(arguments: [Duration.zero, .seconds(-5), .seconds(Int64.min)])
    func aZeroOrNegativeCrashDelayCrashesRightAfterTheStart(_ delay: Duration) async throws {
        let service = MockService("now")
        service.crash(after: delay)
        let recorder = LifecycleRecorder(of: service)
        try await service.start()
        await recorder.wait(for: service, toReach: .crashed)
        #expect(service.count(of: .crashed) == 1)
        await service.stop()
        service.crash(after: nil)  // no crash task at the next start
        try await service.restart()
        #expect(service.runningTaskNames.isEmpty)
        await service.stop()
    }

    @Test func aStopBeforeTheCrashEndsTheCrashTaskQuietly() async throws {
        let clock = ManualClock()
        let service = MockService("cache", configuration: ServiceConfiguration(clock: clock))
        service.crash(after: .seconds(30))
        try await withRunningService(service) { _ in await clock.waitForSleepers(count: 1) }
        #expect(!service.isCrashed)
        #expect(service.count(of: .crashed) == 0)
    }
}

@Suite(.timeLimit(.minutes(1)), .serviceLeakCheck)
struct MockAsyncResourceTests {
    actor Client: Service {
        let runtime = ServiceRuntime()
        let resource: MockAsyncResource<String>
        private(set) var value = ""

        init(_ resource: MockAsyncResource<String>) {
            self.resource = resource
        }

        func onStart() async throws { self.value = try await self.addResource(self.resource) }
    }

    @Test func aServiceEntersOnStartAndExitsOnStop() async throws {
        let connection = MockAsyncResource(value: "conn-1")
        try await withRunningService(Client(connection)) { client in
            #expect(await client.value == "conn-1")
            #expect(connection.isEntered)
        }
        #expect(connection.events == [.enter, .exit(error: nil)])
        #expect(connection.enterCount == 1 && connection.exitCount == 1 && !connection.isEntered)
    }

    @Test func aFailedEnterFailsTheStartAndIsNotExited() async throws {
        let connection = MockAsyncResource(value: "conn-1", enterError: Refused())
        let client = Client(connection)
        await #expect(throws: Refused.self) { try await client.start() }
        #expect(connection.events == [.enter])
        connection.setEnterError(nil)
        #expect(try await connection.enter() == "conn-1")
    }

    @Test func anExitErrorIsThrownToTheCaller() async throws {
        let connection = MockAsyncResource(value: 1, exitError: Refused())
        _ = try await connection.enter()
        await #expect(throws: Refused.self) { try await connection.exit(error: MockError.injected("x")) }
        #expect(connection.events.last?.description == "exit(injected failure: x)")
        connection.setExitError(nil)
        try await connection.exit(error: nil)
    }
}
