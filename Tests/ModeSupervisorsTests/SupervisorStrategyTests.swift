import ModeCore
import ModeSupervisors
import ModeTesting
import ModeTestSupport
import Testing

@Suite(.timeLimit(.minutes(1)), .serviceLeakCheck)
struct SupervisorStrategyTests {
    struct Case: Sendable, CustomTestStringConvertible {
        var strategy: SupervisorStrategy
        var crashed: Int
        /// The children restarted (for restarting strategies) or given up on (for forfeiting ones).
        var affected: [Int]
        var testDescription: String { "\(self.strategy) crash #\(self.crashed)" }
    }

    static let restarting: [Case] = [
        Case(strategy: .oneForOne, crashed: 0, affected: [0]),
        Case(strategy: .oneForOne, crashed: 1, affected: [1]),
        Case(strategy: .oneForOne, crashed: 2, affected: [2]),
        Case(strategy: .oneForAll, crashed: 0, affected: [0, 1, 2]),
        Case(strategy: .oneForAll, crashed: 1, affected: [0, 1, 2]),
        Case(strategy: .oneForAll, crashed: 2, affected: [0, 1, 2]),
        Case(strategy: .restForOne, crashed: 0, affected: [0, 1, 2]),
        Case(strategy: .restForOne, crashed: 1, affected: [1, 2]),
        Case(strategy: .restForOne, crashed: 2, affected: [2]),
    ]

    @Test(arguments: restarting)
    func restartingStrategyRestartsTheRightChildren(_ test: Case) async throws {
        let log = EventLog()
        let children = (0..<3).map { makeChild("c\($0)", events: log) }
        let feed = EventFeed()
        var events = feed.stream.makeAsyncIterator()
        let supervisor = Supervisor(
            children,
            strategy: test.strategy,
            configuration: quietConfiguration(),
            onEvent: feed.handler
        )
        try await withRunningService(supervisor) { _ in
            children[test.crashed].crash(Boom(id: 7))
            let event = try await nextEvent(&events)
            #expect(event.kind == .restarted)
            #expect(event.failed === children[test.crashed])
            #expect(labels(event.services) == test.affected.map { "c\($0)" })
            #expect((event.reason as? Boom) == Boom(id: 7))
            for (index, child) in children.enumerated() {
                #expect(child.restartCount == (test.affected.contains(index) ? 1 : 0), "c\(index)")
                #expect(child.state == .running, "c\(index)")
            }
            // A group is stopped last first and started again first to last.
            let stops = log.filter("").filter { $0.hasSuffix(".onStop") }
            #expect(stops == test.affected.reversed().map { "c\($0).onStop" })
            let restarts = log.filter("").filter { $0.hasSuffix(".onRestart") }
            #expect(restarts == test.affected.map { "c\($0).onRestart" })
        }
    }

    static let forfeiting: [Case] = [
        Case(strategy: .forfeitOneForOne, crashed: 0, affected: [0]),
        Case(strategy: .forfeitOneForOne, crashed: 1, affected: [1]),
        Case(strategy: .forfeitOneForOne, crashed: 2, affected: [2]),
        Case(strategy: .forfeitOneForAll, crashed: 0, affected: [0, 1, 2]),
        Case(strategy: .forfeitOneForAll, crashed: 1, affected: [0, 1, 2]),
        Case(strategy: .forfeitOneForAll, crashed: 2, affected: [0, 1, 2]),
    ]

    @Test(arguments: forfeiting)
    func forfeitingStrategyGivesUp(_ test: Case) async throws {
        let log = EventLog()
        let children = (0..<3).map { makeChild("c\($0)", events: log) }
        let feed = EventFeed()
        var events = feed.stream.makeAsyncIterator()
        let supervisor = Supervisor(
            children,
            strategy: test.strategy,
            configuration: quietConfiguration(),
            onEvent: feed.handler
        )
        try await withRunningService(supervisor) { _ in
            children[test.crashed].crash(Boom())
            let event = try await nextEvent(&events)
            #expect(event.kind == .gaveUp)
            #expect(labels(event.services) == test.affected.map { "c\($0)" })
            for (index, child) in children.enumerated() {
                #expect(child.restartCount == 0)
                let expected: ServiceState = test.affected.contains(index) ? .stopped : .running
                #expect(child.runtime.lifecycleState == expected, "c\(index)")
            }
            #expect(!supervisor.isCrashed)
        }
    }

    @Test(arguments: [0, 1, 2])
    func escalateLetsTheCrashClimb(_ crashed: Int) async throws {
        let log = EventLog()
        let children = (0..<3).map { makeChild("c\($0)", events: log) }
        let supervisor = Supervisor(children, strategy: .escalate, configuration: quietConfiguration())
        let parent = SupervisorStub()
        supervisor.runtime.setSupervisor(parent)
        try await withRunningService(supervisor) { _ in
            #expect(children.allSatisfy { $0.runtime.supervisor == nil })
            children[crashed].crash(Boom(id: crashed))
            #expect(supervisor.isCrashed)
            #expect((supervisor.crashReason as? Boom) == Boom(id: crashed))
            #expect(parent.crashed == ["Supervisor"])
            #expect(children.allSatisfy { $0.restartCount == 0 })
        }
    }

    @Test func escalateAtTheRootCrashesTheRoot() async throws {
        let log = EventLog()
        let child = makeChild("c0", events: log)
        let supervisor = Supervisor([child], strategy: .escalate, configuration: quietConfiguration())
        let root = TestService("root", events: log, dependencies: [supervisor])
        try await withRunningService(root) { _ in
            child.crash(Boom(id: 3))
            #expect(root.isCrashed)
            #expect((root.crashReason as? Boom) == Boom(id: 3))
        }
    }

    @Test func strategyNames() {
        #expect(
            [SupervisorStrategy.oneForOne, .oneForAll, .restForOne, .forfeitOneForOne, .forfeitOneForAll, .escalate]
                .map(\.description)
                == ["oneForOne", "oneForAll", "restForOne", "forfeitOneForOne", "forfeitOneForAll", "escalate"]
        )
        #expect([RestartType.permanent, .transient, .temporary].map(\.description) == ["permanent", "transient", "temporary"])
    }
}
