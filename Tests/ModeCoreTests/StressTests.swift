import ModeConcurrencyHelpers
import ModeCore
import ModeTesting
import ModeTestSupport
import Testing

@Suite(.timeLimit(.minutes(1)), .serviceLeakCheck)
struct StressTests {
    /// 1,000 start/stop/restart/crash calls from concurrent tasks on one service tree: every call ends, every
    /// error is a typed lifecycle error, and a final stop leaves nothing running.
    @Test func randomConcurrentLifecycleCallsStayLegalAndLeaveNoTask() async throws {
        let clock = ManualClock()
        let events = EventLog()
        let loop: TestService.Hook = { service in
            while !service.shouldStop { await service.sleep(for: .seconds(3600)) }
        }
        let child = TestService("Child", events: events, clock: clock, tasks: ["loop": loop])
        let root = TestService("Root", events: events, clock: clock, dependencies: [child], tasks: ["loop": loop])
        let unexpected = Counter()
        await withTaskGroup(of: Void.self) { group in
            for worker in 0..<8 {
                group.addTask {
                    var generator = SplitMix64(seed: UInt64(worker) &+ 1)
                    for _ in 0..<125 {
                        do {
                            switch generator.next() % 5 {
                            case 0: try await root.start()
                            case 1: await root.stop()
                            case 2: try await root.restart()
                            case 3: root.crash(Boom())
                            default: try await child.maybeStart()
                            }
                        } catch let error as ServiceError {
                            let legal: [ServiceError.Code] = [.alreadyStarted, .stopping, .stopped, .failed]
                            if !legal.contains(error.code) { unexpected.increment() }
                        } catch {
                            unexpected.increment()
                        }
                        let state = root.state
                        let legal: [ServiceState] = [.initial, .starting, .running, .stopping, .stopped, .crashed]
                        if !legal.contains(state) { unexpected.increment() }
                    }
                }
            }
        }
        #expect(unexpected.current == 0)
        await root.stop()
        #expect(root.runtime.lifecycleState == .stopped)
        try assertStoppedClean(root)
        #expect(clock.sleeperCount == 0)
        // Every onStart of the root was matched by an onStop.
        #expect(events.all.filter { $0 == "Root.onStart" }.count <= events.all.filter { $0 == "Root.onStop" }.count)
    }
}

