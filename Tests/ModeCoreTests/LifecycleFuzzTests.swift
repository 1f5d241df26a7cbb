import ModeConcurrencyHelpers
import ModeCore
import ModeTestSupport
import ModeTesting
import Testing

/// A seeded, reproducible mix of start, stop, restart, crash, maybeStart, add and remove on a small tree.
///
/// After every step (a quiet point: every call has returned) each service must be in a state its history
/// explains: nothing rests in `starting` or `stopping`, nothing is `failed` unless one of its hooks failed,
/// nothing that is not running owns a task, and what a call just did shows in the state it left.
@Suite(.timeLimit(.minutes(1)))
struct LifecycleFuzzTests {
    /// Which services fail their next `onStart`, and which ever failed a hook.
    final class Faults: Sendable {
        private let state = Locked<(armed: Set<String>, failed: Set<String>, failures: Int)>(([], [], 0))

        func arm(_ name: String) { self.state.withLock { _ = $0.armed.insert(name) } }

        /// Throws once for an armed service, and remembers that its hook failed.
        func check(_ name: String) throws {
            let fail = self.state.withLock { state -> Bool in
                guard state.armed.remove(name) != nil else { return false }
                state.failed.insert(name)
                state.failures += 1
                return true
            }
            if fail { throw Boom() }
        }

        func hookFailed(_ name: String) -> Bool { self.state.withLock { $0.failed.contains(name) } }

        /// How many hooks have failed so far.
        var failures: Int { self.state.withLock { $0.failures } }
    }

    enum Operation: CaseIterable {
        case start, stop, restart, crash, maybeStart, add, remove, armFailure, concurrentStopAndStart
    }

    func makeService(_ name: String, faults: Faults, clock: ManualClock, children: [any Service] = [])
        -> TestService
    {
        TestService(
            name,
            events: EventLog(),
            clock: clock,
            dependencies: children,
            hooks: ["onStart": { service in try faults.check(service.label) }],
            tasks: ["work": { service in await service.waitUntilStopped() }]
        )
    }

    /// The errors a legal call may throw on a service in the wrong state, or from an armed hook.
    func isExpected(_ error: any Error) -> Bool {
        if error is Boom { return true }
        guard let error = error as? ServiceError else { return false }
        return [.alreadyStarted, .stopping, .stopped, .failed, .dependencyCycle, .notAChild, .notRunning]
            .contains(error.code)
    }

    @Test(arguments: [1, 2, 3, 5, 8, 13, 21, 34] as [UInt64])
    func randomHistoriesLeaveExplainableStates(seed: UInt64) async throws {
        var random = SplitMix64(seed: seed)  // ModeConcurrencyHelpers' seeded generator
        let clock = ManualClock()
        let faults = Faults()
        let leaf = self.makeService("Leaf", faults: faults, clock: clock)
        let left = self.makeService("Left", faults: faults, clock: clock, children: [leaf])
        let right = self.makeService("Right", faults: faults, clock: clock)
        let root = self.makeService("Root", faults: faults, clock: clock, children: [left, right])
        let spares = (0..<3).map { self.makeService("Spare\($0)", faults: faults, clock: clock) }
        let all: [TestService] = [root, left, right, leaf] + spares

        for step in 0..<120 {
            let operation = Operation.allCases.randomElement(using: &random)!
            let target = all.randomElement(using: &random)!
            let other = all.randomElement(using: &random)!
            let context = Comment(rawValue: "seed \(seed), step \(step): \(operation) on \(target.label)")
            let restartsBefore = target.restartCount
            let failuresBefore = faults.failures
            let failedBefore = Set(all.filter { $0.runtime.lifecycleState == .failed }.map(\.label))
            var threw = false
            var thrownCycle = false
            do {
                switch operation {
                case .start: try await target.start()
                case .stop: await target.stop()
                case .restart: try await target.restart()
                case .crash: target.crash(Boom(id: step))
                case .maybeStart: _ = try await target.maybeStart()
                case .add: try await target.addRuntimeDependency(other)
                case .remove: try await target.removeDependency(other)
                case .armFailure: faults.arm(target.label)
                case .concurrentStopAndStart:
                    async let stopped: Void = target.stop()
                    async let started: Bool = target.maybeStart()
                    _ = await stopped
                    _ = try await started
                }
            } catch {
                threw = true
                thrownCycle = (error as? ServiceError)?.code == .dependencyCycle
                #expect(self.isExpected(error), "\(context.rawValue): unexpected error \(error)")
            }

            // What the call itself must have left.
            switch operation {
            case .stop:
                // A service whose start failed was torn down already; its stop leaves it failed.
                #expect([.stopped, .failed].contains(target.runtime.lifecycleState), context)
            case .restart where !threw:
                #expect(target.restartCount == restartsBefore + 1, context)
                #expect([.running, .stopped].contains(target.runtime.lifecycleState), context)
            case .start where !threw:
                #expect(target.runtime.lifecycleState == .running || target.isCrashed, context)
            default:
                break
            }

            // What every service must look like at a quiet point.
            for service in all {
                let phase = service.runtime.lifecycleState
                let where_ = Comment(rawValue: "\(context.rawValue); \(service.label) is \(phase)")
                #expect(phase != .starting && phase != .stopping, where_)
                if phase == .failed, !failedBefore.contains(service.label) {
                    // A start fails only when its own hook or the hook of a service it starts fails, or when
                    // its first start finds one of its dependencies already above it (an earlier `add` made
                    // the dependency an ancestor): that start throws `dependencyCycle`.
                    #expect(faults.failures > failuresBefore || thrownCycle, where_)
                }
                if phase == .stopped || phase == .initial || phase == .failed {
                    // A stop awaits its tasks; a start that failed stopped what it had started.
                    #expect(service.runningTaskNames.isEmpty, where_)
                }
                if phase == .running, !service.shouldStop {
                    #expect(service.runningTaskNames == ["work"], where_)
                }
            }
        }
        for service in all { await service.stop() }
        for service in all {
            #expect(service.runningTaskNames.isEmpty, "seed \(seed): \(service.label) keeps tasks")
        }
    }

    // Two bugs the random histories found, pinned down.

    @Test func aServiceAddedToASecondParentMovesSoNoCycleCanForm() async throws {
        let events = EventLog()
        let a = TestService("A", events: events)
        let b = TestService("B", events: events)
        let c = TestService("C", events: events)
        try a.addDependency(b)
        try c.addDependency(b)  // b moves from a to c
        #expect(a.children.isEmpty)
        #expect(c.children.map(\.label) == ["B"])
        try b.addDependency(a)  // legal now: a is no ancestor of b
        try await c.start()
        await c.stop()
        #expect([a, b, c].allSatisfy { $0.runtime.lifecycleState == .stopped })
    }

    @Test func restartingAFailedParentStopsAChildStartedOnItsOwnFirst() async throws {
        let events = EventLog()
        let faults = Faults()
        let child = self.makeService("Child", faults: faults, clock: ManualClock())
        let parent = TestService("Parent", events: events, dependencies: [child], hooks: [
            "onStarted": { service in try faults.check(service.label) }
        ])
        faults.arm("Parent")
        await #expect(throws: Boom.self) { try await parent.start() }
        #expect(parent.state == .failed)
        try await child.restart()  // started on its own while the parent rests failed
        #expect(child.runningTaskNames == ["work"])
        try await parent.restart()
        #expect(child.runningTaskNames == ["work"])
        await parent.stop()
        #expect(child.runningTaskNames.isEmpty)
    }
}
