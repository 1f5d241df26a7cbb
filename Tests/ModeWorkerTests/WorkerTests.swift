import Dispatch
import InMemoryLogging
import Logging
import ModeCore
import ModeSupervisors
import ModeTestSupport
import ModeTesting
import ModeWorker
import Testing
import UnixSignals

@Suite(.timeLimit(.minutes(1)))
struct WorkerTests {
    /// A → B where B's `onStop` hangs: `started` opens when A has started, `stuck` when B's stop hangs, and
    /// `release` lets it go on.
    func treeWithAHungStop(events: EventLog, logger: Logger) -> (a: TestService, started: Gate, stuck: Gate, release: Gate) {
        let started = Gate()
        let stuck = Gate()
        let release = Gate()
        let b = TestService(
            "B",
            events: events,
            logger: logger,
            hooks: [
                "onStop": { _ in
                    stuck.open()
                    await release.wait()
                }
            ]
        )
        let a = TestService(
            "A",
            events: events,
            logger: logger,
            dependencies: [b],
            hooks: ["onStarted": { _ in started.open() }]
        )
        return (a, started, stuck, release)
    }

    @Test func sigtermStopsTheTreeInReverseOrderAndExitsZero() async throws {
        let (logger, memory) = makeMemoryLogger()
        let events = EventLog()
        let started = Gate()
        let b = TestService("B", events: events, logger: logger)
        let c = TestService("C", events: events, logger: logger)
        let a = TestService(
            "A",
            events: events,
            logger: logger,
            dependencies: [b, c],
            hooks: ["onStarted": { _ in started.open() }]
        )
        let worker = Worker(options: testOptions(logger: logger)) { [a] }
        async let code = worker.execute()
        await started.wait()
        worker.receive(.sigterm)
        #expect(await code == .success)
        #expect(
            events.filter("A.onStop") + events.filter("C.onStop") + events.filter("B.onStop") == [
                "A.onStop", "C.onStop", "B.onStop",
            ]
        )
        let stops = events.all.filter { $0.hasSuffix(".onStop") }
        #expect(stops == ["A.onStop", "C.onStop", "B.onStop"])
        #expect(logLines(memory).contains("Worker: Stopping on signal received: SIGTERM"))
        #expect(a.state == .stopped && b.state == .stopped && c.state == .stopped)
        #expect(a.beacon.parent === worker.beacon)
        #expect(worker.health.isReady == false)
    }

    @Test func servicesAreTheWorkersChildrenAtDepthTwo() async throws {
        let (logger, _) = makeMemoryLogger()
        let events = EventLog()
        let leaf = TestService("Leaf", events: events, logger: logger)
        let app = TestService("App", events: events, logger: logger, dependencies: [leaf])
        let worker = Worker(app, options: testOptions(logger: logger))
        worker.receive(.sigterm)  // acted on as soon as the run begins
        #expect(await worker.execute() == .success)
        #expect(worker.beacon.depth == 1)
        #expect(app.beacon.depth == 2)
        #expect(leaf.beacon.depth == 3)
        #expect(worker.children.count == 1 && worker.children.first === app)
    }

    @Test func aCrashedTaskExitsWithFailureAfterStoppingEverything() async throws {
        let (logger, memory) = makeMemoryLogger()
        let events = EventLog()
        let b = TestService("B", events: events, logger: logger)
        let a = TestService(
            "A",
            events: events,
            logger: logger,
            dependencies: [b],
            tasks: ["boom": { _ in throw Boom() }]
        )
        let worker = Worker(options: testOptions(logger: logger)) { [a] }
        #expect(await worker.execute() == .failure)
        #expect(events.all.contains("A.onShutdown"))
        #expect(events.all.contains("B.onShutdown"))
        #expect(logLines(memory).contains { $0.hasPrefix("Worker: Stopping after a crash") })
        #expect(worker.crashReason is Boom)
    }

    @Test func aFailedStartStopsWhatStartedLogsTheErrorAndExitsWithFailure() async throws {
        let (logger, memory) = makeMemoryLogger()
        let events = EventLog()
        let b = TestService("B", events: events, logger: logger)
        let c = TestService("C", events: events, logger: logger, hooks: ["onStart": { _ in throw Boom(id: 7) }])
        let a = TestService("A", events: events, logger: logger, dependencies: [b, c])
        let worker = Worker(options: testOptions(logger: logger)) { [a] }
        async let ready = worker.waitUntilReady()
        #expect(await worker.execute() == .failure)
        #expect(await ready == false)
        #expect(await worker.waitUntilReady() == false)
        #expect(b.state == .stopped)
        let errors = memory.entries.filter { $0.level == .error }.map { "\($0.message)" }
        #expect(errors.contains("Error: Boom(id: 7)"))
        #expect(worker.health.isReady == false)
    }

    @Test func aSupervisorPastItsLimitExitsWithFailure() async throws {
        let (logger, _) = makeMemoryLogger()
        let events = EventLog()
        let crasher = TestService("Crasher", events: events, logger: logger, tasks: ["boom": { _ in throw Boom() }])
        let supervisor = Supervisor(
            [crasher],
            intensity: try RestartIntensity(maxRestarts: 1, within: .seconds(60)),
            configuration: ServiceConfiguration(clock: ManualClock(), logger: logger)
        )
        let worker = Worker(options: testOptions(logger: logger)) { [supervisor] }
        #expect(await worker.execute() == .failure)
        #expect(events.filter("Crasher.onStart").count > 1)  // it was restarted before the supervisor gave up
        #expect(supervisor.state != .running)
    }

    @Test func nonDaemonStopsOnceTheWorkIsDone() async throws {
        let (logger, memory) = makeMemoryLogger()
        let events = EventLog()
        let a = TestService(
            "A",
            events: events,
            logger: logger,
            tasks: [
                "work": { _ in
                    events.record("worked")
                }
            ]
        )
        let worker = Worker(options: testOptions(logger: logger, clock: ContinuousClock(), daemon: false)) { [a] }
        #expect(await worker.execute() == .success)
        #expect(events.all.contains("worked"))
        #expect(logLines(memory).contains("Worker: The services' work is done; stopping (non-daemon mode)"))
        #expect(a.state == .stopped)
    }

    @Test func aSecondSignalWhileStoppingForcesTheExitAndNamesWhatIsStuck() async throws {
        let (logger, memory) = makeMemoryLogger()
        let events = EventLog()
        let (a, started, stuck, release) = self.treeWithAHungStop(events: events, logger: logger)
        let worker = Worker(options: testOptions(logger: logger, stopDeadline: nil)) { [a] }
        async let code = worker.execute()
        await started.wait()
        worker.receive(.sigint)
        await stuck.wait()
        worker.receive(.sigint)
        #expect(await code == .forced)
        let forced = logLines(memory).first { $0.contains("Forced exit") } ?? ""
        #expect(forced.contains("a second SIGINT arrived while stopping"))
        #expect(forced.contains("A [stopping]") && forced.contains("B [stopping]"))
        release.open()
        await a.stop()
    }

    @Test func theStopDeadlineNamesTheServicesStillStoppingAndForcesTheExit() async throws {
        let (logger, memory) = makeMemoryLogger()
        let clock = ManualClock()
        let events = EventLog()
        let (a, started, stuck, release) = self.treeWithAHungStop(events: events, logger: logger)
        let worker = Worker(options: testOptions(logger: logger, clock: clock, stopDeadline: .seconds(5))) { [a] }
        // A dedicated thread that will not end: asked to, but busy with work that never returns.
        let thread = ServiceThread(name: "stuck-thread")
        let unblock = DispatchSemaphore(value: 0)
        let busy = Task { try await thread.run { unblock.wait() } }
        thread.shutdown()
        async let code = worker.execute()
        await started.wait()
        worker.receive(.sigterm)
        await stuck.wait()
        await clock.waitForSleepers(count: 1)
        clock.advance(by: .seconds(4))
        #expect(clock.sleeperCount == 1)  // not yet
        clock.advance(by: .seconds(1))
        #expect(await code == .forced)
        #expect(worker.health.isLive == false)
        let forced = logLines(memory).first { $0.contains("Forced exit") } ?? ""
        #expect(forced.contains("the stop deadline (5.0 seconds) passed"))
        #expect(forced.contains("B [stopping]"))
        #expect(forced.contains("Threads still running: ") && forced.contains("stuck-thread (asked to end)"))
        unblock.signal()
        try await busy.value
        release.open()
        await a.stop()
    }

    @Test func sigusr1LogsTheLiveTreeWithStatesTasksAndFlags() async throws {
        let (logger, memory) = makeMemoryLogger()
        let events = EventLog()
        let started = Gate()
        let b = TestService("B", events: events, logger: logger)
        let a = TestService(
            "A",
            events: events,
            logger: logger,
            dependencies: [b],
            hooks: [
                "onStarted": { service in
                    service.diag.setFlag("WARMING")
                    started.open()
                }
            ],
            tasks: ["loop": { service in await service.waitUntilStopped() }]
        )
        let worker = Worker(options: testOptions(logger: logger)) { [a] }
        async let code = worker.execute()
        await started.wait()
        worker.receive(.sigusr1)
        worker.receive(.sigterm)
        #expect(await code == .success)
        let dump = memory.entries.first { "\($0.message)".hasPrefix("Service tree (SIGUSR1)") }
        let text = dump.map { "\($0.message)" } ?? ""
        #expect(dump?.level == .notice)
        #expect(text.contains("Worker [running]") || text.contains("Worker [starting]"))
        #expect(text.contains("  A [running] restarts=0 flags=WARMING(since "))
        #expect(text.contains(" tasks=loop\n"))
        #expect(text.contains("    B [running] restarts=0"))
    }

    @Test func sighupRunsTheReloadHook() async throws {
        let (logger, memory) = makeMemoryLogger()
        let events = EventLog()
        let started = Gate()
        let reloaded = Gate()
        let a = TestService("A", events: events, logger: logger, hooks: ["onStarted": { _ in started.open() }])
        var hooks = WorkerHooks()
        hooks.onReload = { _ in
            events.record("reload")
            reloaded.open()
        }
        let shutdown = EventLog()
        hooks.onWorkerShutdown = { _, code in shutdown.record("\(code.rawValue)") }
        let worker = Worker(options: testOptions(logger: logger), hooks: hooks) { [a] }
        async let code = worker.execute()
        await started.wait()
        worker.receive(.sighup)
        await reloaded.wait()
        worker.receive(.sigterm)
        #expect(await code == .success)
        #expect(events.filter("reload") == ["reload"])
        #expect(shutdown.all == ["0"])
        #expect(logLines(memory).contains("Worker: Reloading on SIGHUP"))
    }

    @Test func aThrowingStartHookStartsNothingAndFails() async throws {
        let (logger, _) = makeMemoryLogger()
        let events = EventLog()
        let a = TestService("A", events: events, logger: logger)
        let hooks = WorkerHooks(onWorkerStart: { _ in throw Boom() })
        let worker = Worker(options: testOptions(logger: logger), hooks: hooks) { [a] }
        #expect(await worker.execute() == .failure)
        #expect(events.filter("A.onStart").isEmpty)
    }

    @Test func aWorkerRunsOnce() async throws {
        let (logger, _) = makeMemoryLogger()
        let worker = Worker(options: testOptions(logger: logger)) { [] }
        worker.receive(.sigterm)
        #expect(await worker.execute() == .success)
        #expect(await worker.execute() == .failure)
    }

    @Test(arguments: [Duration.zero, .seconds(Int64.max)])
    func extremeStopDeadlinesWork(deadline: Duration) async throws {
        let (logger, _) = makeMemoryLogger()
        let events = EventLog()
        let a = TestService("A", events: events, logger: logger)
        let worker = Worker(options: testOptions(logger: logger, stopDeadline: deadline)) { [a] }
        worker.receive(.sigterm)
        let code = await worker.execute()
        // A zero deadline may give up before the (instant) stop finishes; a huge one never fires.
        #expect(deadline == .zero ? (code == .forced || code == .success) : code == .success)
    }

    @Test func invalidOptionsFailWithoutStartingAnything() async throws {
        let (logger, _) = makeMemoryLogger()
        let events = EventLog()
        let a = TestService("A", events: events, logger: logger)
        var options = testOptions(logger: logger, stopDeadline: .seconds(-1))
        let worker = Worker(options: options) { [a] }
        async let ready = worker.waitUntilReady()
        #expect(await worker.execute() == .failure)
        #expect(await ready == false)
        #expect(events.all.isEmpty)
        options.stopDeadline = nil
        options.blockingThreshold = .zero
        #expect(throws: WorkerError.invalidArgument("")) { try options.validate() }
        options.blockingThreshold = .seconds(-1)
        #expect(throws: WorkerError.invalidArgument("")) { try options.validate() }
        options.blockingThreshold = .seconds(Int64.max)
        try options.validate()
        options.logFile = ""
        #expect(throws: WorkerError.invalidArgument("")) { try options.validate() }
    }

    @Test func exitCodesAreDocumentedValues() {
        #expect(WorkerExitCode.success.rawValue == 0)
        #expect(WorkerExitCode.failure.rawValue == 1)
        #expect(WorkerExitCode.forced.rawValue == 3)
        #expect(Set([WorkerExitCode.success, .failure, .forced]).count == 3)
    }
}
