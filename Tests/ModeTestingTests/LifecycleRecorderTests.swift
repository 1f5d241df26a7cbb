import ModeConcurrencyHelpers
import ModeCore
import ModeSupervisors
import ModeTesting
import Testing

@Suite(.timeLimit(.minutes(1)), .serviceLeakCheck)
struct LifecycleRecorderTests {
    @Test func recordsEveryTransitionOfTheTreeInOrder() async throws {
        let clock = ManualClock()
        let child = MockService("B", configuration: ServiceConfiguration(clock: clock))
        let root = MockService("A", configuration: ServiceConfiguration(clock: clock), dependencies: [child])
        let recorder = LifecycleRecorder(of: root)
        try await root.start()
        clock.advance(by: .seconds(3))
        await root.stop()
        #expect(
            recorder.summary == [
                "A: starting", "B: starting", "B: running", "A: running",
                "A: stopping", "B: stopping", "B: stopped", "A: stopped",
            ]
        )
        let stops = recorder.transitions.filter { $0.to == .stopping }
        #expect(stops.map(\.time) == [.seconds(3), .seconds(3)])
        #expect(stops.map(\.from) == [.running, .running])
        #expect(recorder.changes(of: child) == [.starting, .running, .stopping, .stopped])
    }

    @Test func eachChangeStartsWhereThePreviousEnded() async throws {
        let service = MockService("A")
        let recorder = LifecycleRecorder(of: service)
        try await service.start()
        service.crash(MockError.injected("test"))
        try await service.restart()
        await service.stop()
        let changes = recorder.transitions
        #expect(changes.first?.from == .initial)
        for (previous, next) in zip(changes, changes.dropFirst()) { #expect(previous.to == next.from) }
        #expect(
            recorder.changes(of: service) == [
                .starting, .running, .crashed, .initial, .starting, .running, .stopping, .stopped,
            ]
        )
    }

    @Test func seesChildrenAddedAfterSubscribing() async throws {
        let root = MockService("root")
        let recorder = LifecycleRecorder(of: root)
        try await root.start()
        let late = MockService("late")
        try await root.addRuntimeDependency(late)
        #expect(await recorder.wait(for: late, toReach: .running)?.label == "late")
        await root.stop()
        #expect(recorder.changes(of: late) == [.starting, .running, .stopping, .stopped])
    }

    @Test func ignoresServicesOutsideTheTree() async throws {
        let root = MockService("root")
        let stranger = MockService("stranger")
        let recorder = LifecycleRecorder(of: root)
        try await withRunningService(stranger) { _ in }
        try await withRunningService(root) { _ in }
        #expect(recorder.transitions.allSatisfy { $0.service === root })
        #expect(recorder.changes(of: stranger).isEmpty)
    }

    @Test func aTestAwaitsARestartInsteadOfPolling() async throws {
        let clock = ManualClock()
        let worker = MockService("worker", configuration: ServiceConfiguration(clock: clock))
        let supervisor = Supervisor([worker], configuration: ServiceConfiguration(clock: clock))
        let recorder = LifecycleRecorder(of: supervisor)
        try await withRunningService(supervisor) { _ in
            worker.crash(MockError.injected("test"))
            let restarted = await recorder.wait(for: worker, toReach: .running, after: .crashed)
            #expect(restarted?.from == .starting)
            #expect(worker.count(of: .restart) == 1)
        }
    }

    @Test func iterationReplaysFromTheStartAndEndsOnFinish() async throws {
        let service = MockService("A")
        let recorder = LifecycleRecorder(of: service)
        try await service.start()
        await service.stop()
        let reader = Task {
            var seen: [ServiceState] = []
            for await transition in recorder { seen.append(transition.to) }
            return seen
        }
        var first: [ServiceState] = []
        for await transition in recorder {
            first.append(transition.to)
            if first.count == 4 { break }
        }
        recorder.finish()
        #expect(first == [.starting, .running, .stopping, .stopped])
        #expect(await reader.value == first)
        try await service.restart()  // after finish() nothing more is recorded
        await service.stop()
        #expect(recorder.transitions.count == 4)
    }

    @Test func aCancelledWaitReturnsNil() async throws {
        let service = MockService("A")
        let recorder = LifecycleRecorder(of: service)
        let waiting = Task { await recorder.wait(for: service, toReach: .running) }
        waiting.cancel()
        #expect(await waiting.value == nil)
    }
}
