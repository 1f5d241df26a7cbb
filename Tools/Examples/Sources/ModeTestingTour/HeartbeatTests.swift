// The tests of Docs/ModeTesting.md. They are Swift Testing tests; main.swift runs them.
import ModeCore
import ModeSupervisors
import ModeTesting
import Testing

@Suite(.serviceLeakCheck, .timeLimit(.minutes(1)))
struct HeartbeatTests {
    let clock = ManualClock()
    let transport = AsyncMock<String, Void>(name: "transport", returning: ())

    func makeTree() throws -> (Supervisor, Heartbeat, Connection) {
        let connection = Connection(transport: self.transport.function, clock: self.clock)
        let heartbeat = Heartbeat(connection: connection, clock: self.clock)
        let supervisor = Supervisor(
            [heartbeat],
            backoff: try .exponential(minimum: .seconds(1), maximum: .seconds(30), jitter: 0),
            configuration: ServiceConfiguration(clock: self.clock)
        )
        return (supervisor, heartbeat, connection)
    }

    @Test func beatsEveryTenSeconds() async throws {
        let (supervisor, _, _) = try self.makeTree()
        try await withRunningService(supervisor) { _ in
            await self.clock.run(for: .seconds(30), sleepers: 1)  // one sleeper: the timer
            #expect(self.transport.calls == ["beat", "beat", "beat"])
        }
    }

    @Test func aFailedBeatCrashesTheHeartbeatAndTheSupervisorRestartsIt() async throws {
        let (supervisor, heartbeat, connection) = try self.makeTree()
        let recorder = LifecycleRecorder(of: supervisor)
        try await withRunningService(supervisor) { _ in
            await self.clock.waitForSleepers(count: 1)
            self.transport.enqueue(.error(ConnectionLost()))
            self.clock.advance(by: .seconds(10))  // the first beat fails

            await recorder.wait(for: heartbeat, toReach: .crashed)
            let backoff = self.clock.now.advanced(by: .seconds(1))
            await self.clock.waitForSleeper(until: backoff)  // the supervisor waits out its backoff...
            self.clock.advance(by: .seconds(1))  // ...and restarts the heartbeat with its child
            await recorder.wait(for: heartbeat, toReach: .running, after: .crashed)

            await self.clock.run(for: .seconds(10), sleepers: 1)
            #expect(self.transport.callCount == 2)  // the failed beat and one after the restart
        }
        #expect(heartbeat.restartCount == 1)
        #expect(
            recorder.changes(of: connection) == [
                .starting, .running, .crashed, .initial, .starting, .running, .stopping, .stopped,
            ]
        )
    }
}
