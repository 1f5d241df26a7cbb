// Test helpers shared by the test targets of this package (not a product; package access only).
package import InMemoryLogging
package import Logging
package import ModeCore
package import ModeTesting
import ModeConcurrencyHelpers

/// An append-only list of events, shared by the services of one test.
package final class EventLog: Sendable {
    private let events = Locked<[String]>([])

    package init() {}

    package func record(_ event: String) {
        self.events.withLock { $0.append(event) }
    }

    package var all: [String] { self.events.withLock { $0 } }

    /// The events that start with `prefix`, in order.
    package func filter(_ prefix: String) -> [String] { self.all.filter { $0.hasPrefix(prefix) } }
}

/// A one-shot gate a test opens to let waiting code go on; waiting on it ignores cancellation on purpose.
package final class Gate: Sendable {
    private let state = Locked<(open: Bool, waiters: [CheckedContinuation<Void, Never>])>((false, []))

    package init() {}

    package func wait() async {
        await withCheckedContinuation { continuation in
            let open = self.state.withLock { state -> Bool in
                if state.open { return true }
                state.waiters.append(continuation)
                return false
            }
            if open { continuation.resume() }
        }
    }

    package func open() {
        let waiters = self.state.withLock { state in
            state.open = true
            defer { state.waiters = [] }
            return state.waiters
        }
        for waiter in waiters { waiter.resume() }
    }

    package var waiterCount: Int { self.state.withLock { $0.waiters.count } }
}

package struct Boom: Error, Equatable {
    package var id = 0

    package init(id: Int = 0) {
        self.id = id
    }
}

/// A service whose hooks record themselves in an ``EventLog`` and run injected behaviour.
package actor TestService: Service {
    package typealias Hook = @Sendable (TestService) async throws -> Void

    package nonisolated let runtime: ServiceRuntime
    package let name: String
    package let events: EventLog
    package let dependencies: [any Service]
    package let hooks: [String: Hook]
    package let tasks: [String: Hook]

    package init(
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

    package nonisolated var label: String { self.name }

    private func hook(_ hook: String) async throws {
        self.events.record("\(self.name).\(hook)")
        try await self.hooks[hook]?(self)
    }

    package func initDependencies() async -> [any Service] {
        self.events.record("\(self.name).initDependencies")
        return self.dependencies
    }

    package func onFirstStart() async throws { try await self.hook("onFirstStart") }
    package func onStart() async throws { try await self.hook("onStart") }
    package func onStarted() async throws { try await self.hook("onStarted") }
    package func onStop() async throws { try await self.hook("onStop") }
    package func onShutdown() async throws { try await self.hook("onShutdown") }
    package func onRestart() async throws { try await self.hook("onRestart") }

    package func backgroundTasks() async -> [BackgroundTask] {
        self.tasks.keys.sorted().map { name in
            let body = self.tasks[name]!
            return .task(name) { try await body(self) }
        }
    }
}

/// A supervisor that only records which services crashed.
package final class SupervisorStub: ServiceSupervisor {
    private let crashes = Locked<[String]>([])

    package init() {}

    private let stops = Locked<[String]>([])

    package func serviceDidCrash(_ service: any Service, reason: any Error) {
        self.crashes.withLock { $0.append(service.label) }
    }

    package func serviceDidStop(_ service: any Service) {
        self.stops.withLock { $0.append(service.label) }
    }

    package var crashed: [String] { self.crashes.withLock { $0 } }
    /// The services whose stop finished, in order.
    package var stopped: [String] { self.stops.withLock { $0 } }
}

/// A logger that keeps its lines in memory, at trace level.
package func makeMemoryLogger() -> (Logger, InMemoryLogHandler) {
    var handler = InMemoryLogHandler()
    handler.logLevel = .trace
    let logger = Logger(label: "test") { _ in handler }
    return (logger, handler)
}
