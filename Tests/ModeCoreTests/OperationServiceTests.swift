import ModeCore
import ModeTesting
import ModeTestSupport
import Testing

@Suite(.timeLimit(.minutes(1)), .serviceLeakCheck)
struct OperationServiceTests {
    @Test func startReturnsWhenTheOperationFinishes() async throws {
        let gate = Gate()
        let finished = Counter()
        let service = OperationService(name: "migrate") {
            await gate.wait()
            finished.increment()
        }
        #expect(service.label == "migrate")
        let starting = Task { try await service.start() }
        while gate.waiterCount == 0 { await Task.yield() }
        #expect(service.state == .starting)
        gate.open()
        try await starting.value
        #expect(finished.current == 1)
        await service.stop()
        try assertStoppedClean(service)
    }

    @Test func stoppingCancelsTheOperation() async throws {
        let clock = ManualClock()
        let service = OperationService(name: "forever") { try await clock.sleep(for: .seconds(3600)) }
        let starting = Task { try await service.start() }
        await clock.waitForSleepers(count: 1)
        await service.stop()
        try await starting.value
        #expect(service.state == .stopped)
        #expect(clock.sleeperCount == 0)
    }

    @Test func anOperationErrorFailsTheStart() async throws {
        let service = OperationService(name: "broken") { throw Boom(id: 6) }
        await #expect(throws: Boom(id: 6)) { try await service.start() }
        #expect(service.state == .failed)
    }
}
