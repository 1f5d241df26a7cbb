import ModeCore
import ModeSupervisors
import ModeTesting
import ModeTestSupport
import Testing

@Suite(.timeLimit(.minutes(1)), .serviceLeakCheck)
struct SupervisorMembershipTests {
    @Test func addWhileRunningStartsAndSupervises() async throws {
        let log = EventLog()
        let feed = EventFeed()
        var events = feed.stream.makeAsyncIterator()
        let supervisor = Supervisor(configuration: quietConfiguration(), onEvent: feed.handler)
        let early = makeChild("early", events: log)
        try await supervisor.add(early)
        #expect(early.state == .initial)
        try await withRunningService(supervisor) { supervisor in
            #expect(early.state == .running)
            let late = makeChild("late", events: log)
            try await supervisor.add(late)
            #expect(late.state == .running)
            #expect(await supervisor.index(of: late) == 1)
            #expect(await supervisor.index(of: early) == 0)
            late.crash(Boom())
            let event = try await nextEvent(&events)
            #expect(labels(event.services) == ["late"])
        }
    }

    @Test func addRejectsServicesSupervisedAlready() async throws {
        let log = EventLog()
        let child = makeChild("c0", events: log)
        let first = Supervisor([child], configuration: quietConfiguration())
        let second = Supervisor(configuration: quietConfiguration())
        await #expect(throws: SupervisorError(code: .alreadySupervised, message: "")) {
            try await first.add(child)
        }
        await #expect(throws: SupervisorError(code: .alreadySupervised, message: "")) {
            try await second.add(child)
        }
        await #expect(throws: ServiceError(code: .dependencyCycle, message: "")) {
            try await second.add(second)
        }
        #expect(await second.services.isEmpty)
        #expect(second.runtime.supervisor == nil)
    }

    @Test func discardStopsDetachesAndForgets() async throws {
        let log = EventLog()
        let children = (0..<3).map { makeChild("c\($0)", events: log) }
        let supervisor = Supervisor(children, configuration: quietConfiguration())
        try await withRunningService(supervisor) { supervisor in
            try await supervisor.discard(children[1])
            #expect(children[1].runtime.lifecycleState == .stopped)
            #expect(children[1].runtime.supervisor == nil)
            #expect(children[1].beacon.parent == nil)
            #expect(labels(await supervisor.services) == ["c0", "c2"])
            #expect(await supervisor.index(of: children[2]) == 1)
            await #expect(throws: SupervisorError(code: .notSupervised, message: "")) {
                try await supervisor.discard(children[1])
            }
            // A crash of the discarded service no longer reaches the supervisor, nor climbs into it.
            children[1].crash(Boom())
            #expect(!supervisor.isCrashed)
        }
    }

    @Test func insertReplacesTheSlot() async throws {
        let log = EventLog()
        let children = (0..<2).map { makeChild("c\($0)", events: log) }
        let supervisor = Supervisor(children, configuration: quietConfiguration())
        try await withRunningService(supervisor) { supervisor in
            let new = makeChild("new", events: log)
            try await supervisor.insert(new, at: 0, restart: .transient)
            #expect(labels(await supervisor.services) == ["new", "c1"])
            #expect(await supervisor.restartType(of: new) == .transient)
            #expect(new.state == .running)
            #expect(children[0].runtime.lifecycleState == .stopped)
            #expect(children[0].runtime.supervisor == nil)
            let last = makeChild("last", events: log)
            try await supervisor.insert(last, at: 2)
            #expect(labels(await supervisor.services) == ["new", "c1", "last"])
            await #expect(throws: SupervisorError(code: .indexOutOfRange, message: "")) {
                try await supervisor.insert(makeChild("x", events: log), at: 4)
            }
            await #expect(throws: SupervisorError(code: .indexOutOfRange, message: "")) {
                try await supervisor.insert(makeChild("x", events: log), at: -1)
            }
            await #expect(throws: SupervisorError(code: .alreadySupervised, message: "")) {
                try await supervisor.insert(last, at: 0)
            }
        }
    }

    @Test func addedServiceThatFailsToStartIsNotKept() async throws {
        let log = EventLog()
        let bad = TestService("bad", events: log, logger: quietLogger, hooks: ["onStart": { _ in throw Boom(id: 9) }])
        let supervisor = Supervisor(configuration: quietConfiguration())
        try await withRunningService(supervisor) { supervisor in
            await #expect(throws: Boom(id: 9)) { try await supervisor.add(bad) }
            #expect(await supervisor.services.isEmpty)
            #expect(bad.runtime.supervisor == nil)
        }
    }

    @Test func concurrentCrashesAreEachHandledOnce() async throws {
        let log = EventLog()
        let children = (0..<4).map { makeChild("c\($0)", events: log) }
        let feed = EventFeed()
        var events = feed.stream.makeAsyncIterator()
        let supervisor = Supervisor(
            children,
            intensity: manyRestarts,
            configuration: quietConfiguration(),
            onEvent: feed.handler
        )
        try await withRunningService(supervisor) { _ in
            for round in 1...20 {
                await withTaskGroup { group in
                    // One crash per child: two concurrent crash() calls on one service may both reach the
                    // supervisor (ModeCore checks and sets the crash flag in two steps), and a second one that
                    // lands after the restart is a real new crash.
                    for child in children {
                        group.addTask { child.crash(Boom(id: round)) }
                    }
                }
                var restarted: [String] = []
                for _ in children {
                    let event = try await nextEvent(&events)
                    restarted += labels(event.services)
                }
                #expect(restarted.sorted() == ["c0", "c1", "c2", "c3"])
                #expect(children.allSatisfy { $0.restartCount == round && $0.state == .running })
            }
        }
    }

    @Test func aSupervisorCanBeRestarted() async throws {
        let log = EventLog()
        let child = makeChild("c0", events: log)
        let feed = EventFeed()
        var events = feed.stream.makeAsyncIterator()
        let supervisor = Supervisor([child], configuration: quietConfiguration(), onEvent: feed.handler)
        try await supervisor.start()
        try await supervisor.restart()
        #expect(child.state == .running)
        child.crash(Boom())
        let event = try await nextEvent(&events)
        #expect(event.kind == .restarted)
        await supervisor.stop()
        try assertStoppedClean(supervisor)
    }
}

@Suite struct SupervisorValueTests {
    @Test func intensityValidatesItsArguments() throws {
        #expect(throws: SupervisorError(code: .invalidArgument, message: "")) {
            try RestartIntensity(maxRestarts: -1, within: .seconds(1))
        }
        #expect(throws: SupervisorError(code: .invalidArgument, message: "")) {
            try RestartIntensity(maxRestarts: 1, within: .zero)
        }
        let intensity = try RestartIntensity(maxRestarts: 4, within: .seconds(2))
        #expect(intensity.description == "4 restarts within 2.0 seconds")
        #expect(RestartIntensity.default.maxRestarts == 3)
        #expect(RestartIntensity.default.window == .seconds(5))
    }

    @Test func backoffValidatesItsArguments() {
        let invalid = SupervisorError(code: .invalidArgument, message: "")
        #expect(throws: invalid) { try RestartBackoff.exponential(minimum: .zero, maximum: .seconds(1)) }
        #expect(throws: invalid) { try RestartBackoff.exponential(minimum: .seconds(2), maximum: .seconds(1)) }
        #expect(throws: invalid) {
            try RestartBackoff.exponential(minimum: .seconds(1), maximum: .seconds(1), multiplier: 0.5)
        }
        #expect(throws: invalid) { try RestartBackoff.exponential(minimum: .seconds(1), maximum: .seconds(1), jitter: 2) }
        #expect(throws: invalid) {
            try RestartBackoff.exponential(minimum: .seconds(1), maximum: .seconds(1), resetAfter: .zero)
        }
    }

    @Test func backoffDelaysGrowAreCappedAndJitterStaysInBounds() throws {
        let backoff = try RestartBackoff.exponential(
            minimum: .milliseconds(100),
            maximum: .seconds(1),
            multiplier: 3,
            jitter: 0.25
        )
        #expect((0..<5).map(backoff.baseDelay(forAttempt:)) == [
            .milliseconds(100), .milliseconds(300), .milliseconds(900), .seconds(1), .seconds(1),
        ])
        var sawJitter = false
        for attempt in 0..<5 {
            let base = backoff.baseDelay(forAttempt: attempt)
            for _ in 0..<200 {
                let delay = backoff.delay(forAttempt: attempt)
                #expect(delay >= base && delay <= base * 1.25)
                if delay > base { sawJitter = true }
            }
        }
        #expect(sawJitter)
        #expect(RestartBackoff.none.delay(forAttempt: 3) == .zero)
        #expect(RestartBackoff.none.description == "none")
    }

    @Test func errorsCompareByCodeAndSayWhatToDo() {
        let a = SupervisorError(code: .maxRestartsExceeded, message: "a", underlying: Boom())
        let b = SupervisorError(code: .maxRestartsExceeded, message: "b")
        #expect(a == b)
        #expect(a.hashValue == b.hashValue)
        #expect(a != SupervisorError(code: .notSupervised, message: "a"))
        #expect(a.description == "a (underlying error: Boom(id: 0))")
        #expect(b.description == "b")
        #expect(SupervisorError.Code.childExited.description == "childExited")
    }
}
