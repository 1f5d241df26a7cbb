import Logging
public import ServiceLifecycle

/// Runs a Mode service as a member of a swift-service-lifecycle `ServiceGroup`.
///
/// `run()` starts the service and returns once it has stopped: on the group's graceful shutdown, on
/// cancellation, or when the service stops or crashes on its own. A crash is thrown from `run()` (as a
/// ``ServiceError`` with code `.crashed` and the reason as `underlying`) so the group reacts to it.
///
/// ```swift
/// let group = ServiceGroup(
///     services: [app.lifecycleService, httpServer],
///     gracefulShutdownSignals: [.sigterm],
///     logger: logger
/// )
/// try await group.run()
/// ```
public struct ModeServiceRunner<Wrapped: Service>: ServiceLifecycle.Service {
    /// The Mode service this runs.
    public let service: Wrapped

    /// Wraps `service`.
    public init(_ service: Wrapped) {
        self.service = service
    }

    /// Starts the service, waits until it should stop, stops it, and throws its crash if it crashed.
    public func run() async throws {
        let service = self.service
        try await service.start()
        let runtime = service.runtime
        await withGracefulShutdownHandler {
            await service.waitUntilStopped()
        } onGracefulShutdown: {
            _ = runtime.requestStop()
        }
        await service.stop()
        if let reason = service.crashReason {
            throw ServiceError(code: .crashed, message: "\(service.label) crashed", underlying: reason)
        }
    }
}

extension Service {
    /// This service as a swift-service-lifecycle service, to run in a `ServiceGroup`.
    public var lifecycleService: ModeServiceRunner<Self> { ModeServiceRunner(self) }
}

/// Runs any swift-service-lifecycle service (a Hummingbird application, say) as a Mode service.
///
/// Starting it runs the wrapped service's `run()` in an owned task, inside a private one-member
/// `ServiceGroup` so that graceful-shutdown handlers work. Stopping it triggers the graceful shutdown, gives
/// the wrapped service `gracefulShutdownTimeout` to return, and then cancels it. If `run()` throws, the Mode
/// service crashes; if it returns, nothing else happens.
///
/// ```swift
/// let http = LifecycleService(application, name: "http")
/// try app.addDependency(http)
/// ```
public actor LifecycleService: Service {
    /// The engine of this service.
    public let runtime: ServiceRuntime
    private let wrapped: any ServiceLifecycle.Service
    private let name: String
    private let gracefulShutdownTimeout: Duration
    private var group: ServiceGroup?

    /// Wraps `service`.
    ///
    /// - Parameters:
    ///   - service: The swift-service-lifecycle service to run.
    ///   - name: The label in logs and graphs; the wrapped type's name by default.
    ///   - gracefulShutdownTimeout: How long a stop waits for `run()` to return after the graceful shutdown
    ///     before cancelling it. Zero or negative cancels at once; a huge value such as `.seconds(Int64.max)`
    ///     waits for `run()` for as long as it takes (bounded only by the configuration's `stopTimeout`).
    ///   - configuration: The Mode runtime settings.
    public init(
        _ service: any ServiceLifecycle.Service,
        name: String? = nil,
        gracefulShutdownTimeout: Duration = .seconds(10),
        configuration: ServiceConfiguration = ServiceConfiguration()
    ) {
        self.wrapped = service
        self.name = name ?? String(describing: type(of: service))
        self.gracefulShutdownTimeout = gracefulShutdownTimeout
        self.runtime = ServiceRuntime(configuration: configuration)
    }

    /// The name given at creation.
    public nonisolated var label: String { self.name }

    /// Starts the wrapped service's `run()` in an owned task.
    public func onStart() async throws {
        let group = ServiceGroup(
            configuration: ServiceGroupConfiguration(
                services: [
                    .init(
                        service: self.wrapped,
                        successTerminationBehavior: .gracefullyShutdownGroup,
                        failureTerminationBehavior: .cancelGroup
                    )
                ],
                logger: self.runtime.configuration.logger
            )
        )
        self.group = group
        try self.addTask("run") { try await group.run() }
    }

    /// Triggers the graceful shutdown and waits for `run()` to return, at most the graceful-shutdown timeout.
    public func onStop() async throws {
        guard let group = self.group else { return }
        self.group = nil
        await group.triggerGracefulShutdown()
        _ = await self.runtime.suspend(until: { $0.tasks.isEmpty }, timeout: self.gracefulShutdownTimeout)
    }
}
