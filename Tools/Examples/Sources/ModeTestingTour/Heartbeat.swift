// The code under test: a heartbeat service with a timer and a child connection, run under a supervisor.
import ModeCore

/// Sends "beat" through its connection every ten seconds.
actor Heartbeat: Service {
    let runtime: ServiceRuntime
    let connection: Connection

    init(connection: Connection, clock: some Clock<Duration>) {
        self.connection = connection
        self.runtime = ServiceRuntime(clock: clock)
    }

    func initDependencies() -> [any Service] { [self.connection] }

    func backgroundTasks() -> [BackgroundTask] {
        [.timer("beat", every: .seconds(10), jitter: .none) { try await self.connection.send("beat") }]
    }
}

/// The heartbeat's child: sends messages with the transport it was given.
actor Connection: Service {
    let runtime: ServiceRuntime
    let transport: @Sendable (String) async throws -> Void

    init(transport: @escaping @Sendable (String) async throws -> Void, clock: some Clock<Duration>) {
        self.transport = transport
        self.runtime = ServiceRuntime(clock: clock)
    }

    func send(_ message: String) async throws {
        try await self.transport(message)
    }
}

struct ConnectionLost: Error {}
