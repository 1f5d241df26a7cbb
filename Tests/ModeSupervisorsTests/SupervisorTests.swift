import InMemoryLogging
import Logging
import ModeCore
import ModeSupervisors
import ModeTesting
import ModeTestSupport
import Testing

@Suite(.timeLimit(.minutes(1)), .serviceLeakCheck)
struct SupervisorTests {
    @Test func startsInOrderStopsInReverseAndSupervisesInitializerServices() async throws {
        let log = EventLog()
        let children = (0..<3).map { makeChild("c\($0)", events: log) }
        let supervisor = Supervisor(children, configuration: quietConfiguration())
        #expect(children.allSatisfy { $0.runtime.supervisor === supervisor })
        try await withRunningService(supervisor) { supervisor in
            #expect(labels(supervisor.children) == ["c0", "c1", "c2"])
            #expect(children.allSatisfy { $0.beacon.parent === supervisor.beacon })
            #expect(await labels(supervisor.services) == ["c0", "c1", "c2"])
        }
        #expect(log.all.filter { $0.hasSuffix(".onStart") } == ["c0.onStart", "c1.onStart", "c2.onStart"])
        #expect(log.all.filter { $0.hasSuffix(".onStop") } == ["c2.onStop", "c1.onStop", "c0.onStop"])
    }

    @Test func restartCountsGrowWithEachCrash() async throws {
        let log = EventLog()
        let child = makeChild("c0", events: log)
        let feed = EventFeed()
        var events = feed.stream.makeAsyncIterator()
        let supervisor = Supervisor(
            [child],
            intensity: manyRestarts,
            configuration: quietConfiguration(),
            onEvent: feed.handler
        )
        try await withRunningService(supervisor) { _ in
            for round in 1...5 {
                child.crash(Boom(id: round))
                let event = try await nextEvent(&events)
                #expect(event.kind == .restarted)
                #expect(child.restartCount == round)
                #expect(child.state == .running)
                #expect(child.runningTaskNames == ["idle"])
            }
        }
    }

    @Test func intensityExceededStopsChildrenAndCrashesTheSupervisor() async throws {
        let log = EventLog()
        let clock = ManualClock()
        let children = (0..<3).map { makeChild("c\($0)", events: log) }
        let feed = EventFeed()
        var events = feed.stream.makeAsyncIterator()
        let stub = SupervisorStub()
        let supervisor = Supervisor(
            children,
            intensity: try RestartIntensity(maxRestarts: 2, within: .seconds(10)),
            configuration: quietConfiguration(clock: clock),
            onEvent: feed.handler
        )
        supervisor.runtime.setSupervisor(stub)
        try await withRunningService(supervisor) { _ in
            children[0].crash(Boom(id: 1))
            let event1 = try await nextEvent(&events)
            #expect(event1.kind == .restarted)
            clock.advance(by: .seconds(9))
            children[1].crash(Boom(id: 2))
            let event2 = try await nextEvent(&events)
            #expect(event2.kind == .restarted)
            clock.advance(by: .seconds(1))  // the first restart leaves the window
            children[2].crash(Boom(id: 3))
            let event3 = try await nextEvent(&events)
            #expect(event3.kind == .restarted)
            children[0].crash(Boom(id: 4))  // third within 10 s (at 9, 10, 10)
            let event = try await nextEvent(&events)
            #expect(event.kind == .escalated)
            #expect(labels(event.services) == ["c0", "c1", "c2"])
            let error = try #require(supervisor.crashReason as? SupervisorError)
            #expect(error.code == .maxRestartsExceeded)
            #expect((error.underlying as? Boom) == Boom(id: 4))
            #expect(stub.crashed == ["Supervisor"])
            #expect(children.allSatisfy { $0.runtime.lifecycleState == .stopped })
        }
    }

    @Test func zeroRestartsEscalatesAtOnce() async throws {
        let child = makeChild("c0", events: EventLog())
        let feed = EventFeed()
        var events = feed.stream.makeAsyncIterator()
        let supervisor = Supervisor(
            [child],
            intensity: try RestartIntensity(maxRestarts: 0, within: .seconds(1)),
            configuration: quietConfiguration(),
            onEvent: feed.handler
        )
        try await withRunningService(supervisor) { _ in
            child.crash(Boom())
            let event4 = try await nextEvent(&events)
            #expect(event4.kind == .escalated)
            #expect(supervisor.isCrashed)
        }
    }

    @Test func escalationClimbsToTheOuterSupervisorWhichRestartsTheInnerGroup() async throws {
        let log = EventLog()
        let leaf = makeChild("leaf", events: log)
        let innerFeed = EventFeed()
        var innerEvents = innerFeed.stream.makeAsyncIterator()
        let inner = Supervisor(
            [leaf],
            intensity: try RestartIntensity(maxRestarts: 0, within: .seconds(1)),
            label: "inner",
            configuration: quietConfiguration(),
            onEvent: innerFeed.handler
        )
        let outerFeed = EventFeed()
        var outerEvents = outerFeed.stream.makeAsyncIterator()
        let outer = Supervisor([inner], label: "outer", configuration: quietConfiguration(), onEvent: outerFeed.handler)
        try await withRunningService(outer) { _ in
            leaf.crash(Boom())
            let event5 = try await nextEvent(&innerEvents)
            #expect(event5.kind == .escalated)
            let event = try await nextEvent(&outerEvents)
            #expect(event.kind == .restarted)
            #expect(labels(event.services) == ["inner"])
            #expect(inner.restartCount == 1)
            #expect(leaf.restartCount == 1)
            #expect(leaf.state == .running)
            #expect(!outer.isCrashed)
        }
    }

    @Test func transientChildFinishingNormallyIsNotRestartedButAPermanentOneIs() async throws {
        let log = EventLog()
        let permanent = makeChild("permanent", events: log)
        let transient = makeChild("transient", events: log)
        let temporary = makeChild("temporary", events: log)
        let feed = EventFeed()
        var events = feed.stream.makeAsyncIterator()
        let supervisor = Supervisor(intensity: manyRestarts, configuration: quietConfiguration(), onEvent: feed.handler)
        try await supervisor.add(permanent)
        try await supervisor.add(transient, restart: .transient)
        try await supervisor.add(temporary, restart: .temporary)
        #expect(await supervisor.restartType(of: transient) == .transient)
        try await withRunningService(supervisor) { _ in
            for round in 1...3 {
                await transient.stop()
                await temporary.stop()
                await permanent.stop()
                let event = try await nextEvent(&events)
                #expect(event.kind == .restarted)
                #expect(labels(event.services) == ["permanent"])
                #expect(
                    (event.reason as? SupervisorError)?.code == .childExited
                )
                #expect(permanent.restartCount == round)
            }
            #expect(transient.restartCount == 0)
            #expect(temporary.restartCount == 0)
            #expect(transient.runtime.lifecycleState == .stopped)
            // A crash of the transient child is restarted; one of the temporary child is given up on.
            transient.crash(Boom())
            let restarted = try await nextEvent(&events)
            #expect(labels(restarted.services) == ["transient"])
            #expect(transient.state == .running)
            try await temporary.restart()
            temporary.crash(Boom())
            let gaveUp = try await nextEvent(&events)
            #expect(gaveUp.kind == .gaveUp)
            #expect(labels(gaveUp.services) == ["temporary"])
        }
    }

    @Test func groupRestartLeavesFinishedServicesStoppedAndTemporaryOnesDown() async throws {
        let log = EventLog()
        let first = makeChild("first", events: log)
        let finished = makeChild("finished", events: log)
        let temporary = makeChild("temporary", events: log)
        let last = makeChild("last", events: log)
        let feed = EventFeed()
        var events = feed.stream.makeAsyncIterator()
        let supervisor = Supervisor(strategy: .oneForAll, configuration: quietConfiguration(), onEvent: feed.handler)
        try await supervisor.add(first)
        try await supervisor.add(finished, restart: .transient)
        try await supervisor.add(temporary, restart: .temporary)
        try await supervisor.add(last)
        try await withRunningService(supervisor) { _ in
            await finished.stop()
            last.crash(Boom())
            let event = try await nextEvent(&events)
            #expect(labels(event.services) == ["first", "last"])
            #expect(finished.runtime.lifecycleState == .stopped)
            #expect(temporary.runtime.lifecycleState == .stopped)
            #expect(first.restartCount == 1)
            #expect(finished.restartCount == 0)
        }
    }

    @Test func crashDuringARestartIsRestartedAgain() async throws {
        let log = EventLog()
        let child = makeChild(
            "c0",
            events: log,
            hooks: [
                "onStarted": { service in
                    if service.restartCount == 1 { service.crash(Boom(id: 2)) }
                }
            ]
        )
        let feed = EventFeed()
        var events = feed.stream.makeAsyncIterator()
        let supervisor = Supervisor(
            [child],
            intensity: manyRestarts,
            configuration: quietConfiguration(),
            onEvent: feed.handler
        )
        try await withRunningService(supervisor) { _ in
            child.crash(Boom(id: 1))
            let first = try await nextEvent(&events)
            #expect((first.reason as? Boom) == Boom(id: 1))
            let second = try await nextEvent(&events)
            #expect(second.kind == .restarted)
            #expect((second.reason as? Boom) == Boom(id: 2))
            #expect(child.restartCount == 2)
            #expect(child.state == .running)
        }
    }

    @Test func stoppingTheSupervisorWhileItRestartsIsSafe() async throws {
        let log = EventLog()
        let gate = Gate()
        let (entered, enteredContinuation) = AsyncStream.makeStream(of: Void.self)
        let child = makeChild(
            "c0",
            events: log,
            hooks: [
                "onRestart": { _ in
                    enteredContinuation.yield()
                    await gate.wait()
                }
            ]
        )
        let sibling = makeChild("c1", events: log)
        let supervisor = Supervisor([child, sibling], strategy: .oneForAll, configuration: quietConfiguration())
        try await supervisor.start()
        child.crash(Boom())
        var enteredIterator = entered.makeAsyncIterator()
        _ = await enteredIterator.next()
        async let stopped: Void = supervisor.stop()
        // Let the stop reach the child (it waits for the restart), then let the restart go on.
        while child.runtime.shouldStop == false { await Task.yield() }
        gate.open()
        await stopped
        try assertStoppedClean(supervisor)
        #expect(child.runtime.lifecycleState == .stopped)
        #expect(sibling.runtime.lifecycleState == .stopped)
        #expect(sibling.restartCount == 0)
        #expect(log.all.filter { $0 == "c1.onStart" }.count == 1)
    }

    @Test func stoppingTheSupervisorDuringTheBackoffDoesNotRestart() async throws {
        let clock = ManualClock()
        let child = makeChild("c0", events: EventLog())
        let supervisor = Supervisor(
            [child],
            backoff: try .exponential(minimum: .seconds(10), maximum: .seconds(10)),
            configuration: quietConfiguration(clock: clock)
        )
        try await supervisor.start()
        child.crash(Boom())
        await clock.waitForSleepers(count: 1)
        await supervisor.stop()
        try assertStoppedClean(supervisor)
        #expect(child.restartCount == 0)
        #expect(clock.sleeperCount == 0)
    }

    @Test func restartIfDecidesWhichErrorsAreRestarted() async throws {
        struct Fatal: Error {}
        let child = makeChild("c0", events: EventLog())
        let feed = EventFeed()
        var events = feed.stream.makeAsyncIterator()
        let supervisor = Supervisor(
            [child],
            restartIf: { !($0 is Fatal) },
            configuration: quietConfiguration(),
            onEvent: feed.handler
        )
        try await withRunningService(supervisor) { _ in
            child.crash(Boom())
            let event6 = try await nextEvent(&events)
            #expect(event6.kind == .restarted)
            child.crash(Fatal())
            let event = try await nextEvent(&events)
            #expect(event.kind == .gaveUp)
            #expect(event.reason is Fatal)
            #expect(child.runtime.lifecycleState == .stopped)
            #expect(child.restartCount == 1)
        }
    }

    @Test func replacementTakesTheSlotOfTheCrashedService() async throws {
        let log = EventLog()
        let children = (0..<3).map { makeChild("c\($0)", events: log) }
        let calls = EventLog()
        let feed = EventFeed()
        var events = feed.stream.makeAsyncIterator()
        let supervisor = Supervisor(
            children,
            replacement: { old, index in
                calls.record("\(old.label)@\(index)")
                return makeChild("\(old.label)'", events: log)
            },
            configuration: quietConfiguration(),
            onEvent: feed.handler
        )
        try await withRunningService(supervisor) { supervisor in
            children[1].crash(Boom())
            let event = try await nextEvent(&events)
            #expect(labels(event.services) == ["c1'"])
            #expect(calls.all == ["c1@1"])
            let services = await supervisor.services
            #expect(labels(services) == ["c0", "c1'", "c2"])
            #expect(services[1].state == .running)
            #expect(services[1].runtime.supervisor === supervisor)
            #expect(children[1].runtime.lifecycleState == .stopped)
            #expect(children[1].runtime.supervisor == nil)
            #expect(await supervisor.index(of: children[1]) == nil)
            #expect(!supervisor.children.contains { $0 === children[1] })
            // The replacement is supervised in turn.
            services[1].crash(Boom())
            let restarted = try await nextEvent(&events)
            #expect(labels(restarted.services) == ["c1''"])
        }
    }

    @Test func backoffDelaysFollowThePolicy() async throws {
        let clock = ManualClock()
        let child = makeChild("c0", events: EventLog())
        let feed = EventFeed()
        var events = feed.stream.makeAsyncIterator()
        let backoff = try RestartBackoff.exponential(
            minimum: .seconds(1),
            maximum: .seconds(4),
            multiplier: 2,
            jitter: 0.5,
            resetAfter: .seconds(30)
        )
        let supervisor = Supervisor(
            [child],
            intensity: manyRestarts,
            backoff: backoff,
            configuration: quietConfiguration(clock: clock),
            onEvent: feed.handler
        )
        try await withRunningService(supervisor) { _ in
            for (round, base) in [1, 2, 4, 4].enumerated() {
                let start = clock.now
                child.crash(Boom())
                await clock.waitForSleepers(count: 1)
                let deadline = try #require(clock.nextDeadline)
                let delay = start.duration(to: deadline)
                #expect(delay >= .seconds(base) && delay <= .seconds(base) * 1.5, "round \(round): \(delay)")
                #expect(child.restartCount == round)  // not restarted before the delay
                clock.advance(to: deadline)
                let event = try await nextEvent(&events)
                #expect(event.delay == delay)
                #expect(child.restartCount == round + 1)
            }
            clock.advance(by: .seconds(30))  // stable: the attempts reset
            let start = clock.now
            child.crash(Boom())
            await clock.waitForSleepers(count: 1)
            let delay = start.duration(to: try #require(clock.nextDeadline))
            #expect(delay >= .seconds(1) && delay <= .seconds(1.5))
            clock.advance(by: .seconds(2))
            let event7 = try await nextEvent(&events)
            #expect(event7.kind == .restarted)
        }
    }

    @Test func logsTheOriginalsLines() async throws {
        let (logger, handler) = makeMemoryLogger()
        let log = EventLog()
        let children = (0..<2).map { makeChild("c\($0)", events: log) }
        let feed = EventFeed()
        var events = feed.stream.makeAsyncIterator()
        let supervisor = Supervisor(
            children,
            strategy: .forfeitOneForAll,
            intensity: try RestartIntensity(maxRestarts: 1, within: .seconds(1)),
            configuration: ServiceConfiguration(clock: ManualClock(), logger: logger),
            onEvent: feed.handler
        )
        let one = Supervisor(
            [makeChild("x", events: log)],
            intensity: try RestartIntensity(maxRestarts: 1, within: .seconds(1)),
            label: "one",
            configuration: ServiceConfiguration(clock: ManualClock(), logger: logger),
            onEvent: feed.handler
        )
        try await withRunningService(supervisor) { _ in
            children[0].crash(Boom())
            _ = try await nextEvent(&events)
        }
        try await withRunningService(one) { one in
            let x = await one.services[0]
            x.crash(Boom())
            _ = try await nextEvent(&events)
            x.crash(Boom())
            _ = try await nextEvent(&events)
        }
        let lines = handler.entries.map { "\($0.level) \($0.message)" }
        #expect(lines.contains("critical Giving up on all services in group because c0 crashed"))
        #expect(lines.contains("info Restarting dead x! Last crash reason: Boom(id: 0)"))
        #expect(lines.contains { $0.hasPrefix("warning Max restarts exceeded: one needed more than 1 restarts") })
    }
}
