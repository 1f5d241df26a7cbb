import InMemoryLogging
import Logging
import ModeCore
import ModeTesting
import ModeConcurrencyHelpers
import ModeSupervisors
import Testing

/// An append-only list of events, shared by the services of one test.
final class EventLog: Sendable {
    private let events = Locked<[String]>([])

    func record(_ event: String) {
        self.events.withLock { $0.append(event) }
    }

    var all: [String] { self.events.withLock { $0 } }

    /// The events that start with `prefix`, in order.
    func filter(_ prefix: String) -> [String] { self.all.filter { $0.hasPrefix(prefix) } }
}

/// A one-shot gate a test opens to let waiting code go on; waiting on it ignores cancellation on purpose.
final class Gate: Sendable {
    private let state = Locked<(open: Bool, waiters: [CheckedContinuation<Void, Never>])>((false, []))

    func wait() async {
        await withCheckedContinuation { continuation in
            let open = self.state.withLock { state -> Bool in
                if state.open { return true }
                state.waiters.append(continuation)
                return false
            }
            if open { continuation.resume() }
        }
    }

    func open() {
        let waiters = self.state.withLock { state in
            state.open = true
            defer { state.waiters = [] }
            return state.waiters
        }
        for waiter in waiters { waiter.resume() }
    }

    var waiterCount: Int { self.state.withLock { $0.waiters.count } }
}

struct Boom: Error, Equatable {
    var id = 0
}

/// A service whose hooks record themselves in an ``EventLog`` and run injected behaviour.
actor TestService: Service {
    typealias Hook = @Sendable (TestService) async throws -> Void

    let runtime: ServiceRuntime
    let name: String
    let events: EventLog
    let dependencies: [any Service]
    let hooks: [String: Hook]
    let tasks: [String: Hook]

    init(
        _ name: String,
        events: EventLog,
        clock: ManualClock = ManualClock(),
        logger: Logger = ServiceConfiguration.defaultLogger,
        configuration: ((inout ServiceConfiguration) -> Void)? = nil,
        dependencies: [any Service] = [],
        hooks: [String: Hook] = [:],
        tasks: [String: Hook] = [:]
    ) {
        var config = ServiceConfiguration(clock: clock, logger: logger)
        configuration?(&config)
        self.runtime = ServiceRuntime(configuration: config)
        self.name = name
        self.events = events
        self.dependencies = dependencies
        self.hooks = hooks
        self.tasks = tasks
    }

    nonisolated var label: String { self.name }

    private func hook(_ hook: String) async throws {
        self.events.record("\(self.name).\(hook)")
        try await self.hooks[hook]?(self)
    }

    func initDependencies() async -> [any Service] {
        self.events.record("\(self.name).initDependencies")
        return self.dependencies
    }

    func onFirstStart() async throws { try await self.hook("onFirstStart") }
    func onStart() async throws { try await self.hook("onStart") }
    func onStarted() async throws { try await self.hook("onStarted") }
    func onStop() async throws { try await self.hook("onStop") }
    func onShutdown() async throws { try await self.hook("onShutdown") }
    func onRestart() async throws { try await self.hook("onRestart") }

    func backgroundTasks() async -> [BackgroundTask] {
        self.tasks.keys.sorted().map { name in
            let body = self.tasks[name]!
            return .task(name) { try await body(self) }
        }
    }
}

/// A supervisor that only records which services crashed.
final class SupervisorStub: ServiceSupervisor {
    private let crashes = Locked<[String]>([])

    func serviceDidCrash(_ service: any Service, reason: any Error) {
        self.crashes.withLock { $0.append(service.label) }
    }

    var crashed: [String] { self.crashes.withLock { $0 } }
}

/// A logger that keeps its lines in memory, at trace level.
func makeMemoryLogger() -> (Logger, InMemoryLogHandler) {
    var handler = InMemoryLogHandler()
    handler.logLevel = .trace
    let logger = Logger(label: "test") { _ in handler }
    return (logger, handler)
}

/// The supervisor events of one test, in order; `next()` waits for the next one.
final class EventFeed: Sendable {
    let stream: AsyncStream<SupervisorEvent>
    let continuation: AsyncStream<SupervisorEvent>.Continuation

    init() {
        (self.stream, self.continuation) = AsyncStream.makeStream(of: SupervisorEvent.self)
    }

    var handler: @Sendable (SupervisorEvent) -> Void {
        { [continuation] event in continuation.yield(event) }
    }
}

/// Waits for the next event of `iterator`.
func nextEvent(_ iterator: inout AsyncStream<SupervisorEvent>.Iterator) async throws -> SupervisorEvent {
    let event = await iterator.next(isolation: #isolation)
    return try #require(event)
}

/// A quiet child service with one idle task, so a restart really cancels and respawns work.
func makeChild(_ name: String, events: EventLog, hooks: [String: TestService.Hook] = [:]) -> TestService {
    TestService(
        name,
        events: events,
        logger: quietLogger,
        hooks: hooks,
        tasks: ["idle": { service in await service.waitUntilStopped() }]
    )
}

func labels(_ services: [any Service]) -> [String] { services.map(\.label) }

let quietLogger: Logger = {
    var logger = Logger(label: "quiet")
    logger.logLevel = .critical
    return logger
}()

func quietConfiguration(clock: ManualClock = ManualClock()) -> ServiceConfiguration {
    ServiceConfiguration(clock: clock, logger: quietLogger)
}

let manyRestarts = try! RestartIntensity(maxRestarts: 1_000, within: .seconds(1))
