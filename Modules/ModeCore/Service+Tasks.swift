extension Service {
    /// Runs `operation` in a new task owned by this service.
    ///
    /// The task is named `<label>.<name>`, cancelled and awaited when the service stops, and, if it throws an
    /// error other than `CancellationError`, crashes the service. It may be added at any time before the
    /// service begins to stop, from a hook, a task, or outside.
    ///
    /// ```swift
    /// let reply = try addTask("fetch") { try await client.fetch() }
    /// let value = try await reply.value
    /// ```
    ///
    /// - Returns: A handle to await the result or cancel the task early.
    /// - Throws: ``ServiceError`` `.notRunning` once the service has begun to stop.
    @discardableResult
    public func addTask<Success: Sendable>(
        _ name: String,
        _ operation: @escaping @Sendable () async throws -> Success
    ) throws -> ServiceTask<Success> {
        let task = try self.runtime.spawn(name, service: self, operation)
        return ServiceTask(name: name, task: task)
    }

    /// Registers `cleanup` to run when the service stops, after its tasks are gone; cleanups run last added
    /// first.
    ///
    /// Cleanups run once: a restart starts with none. If `start()` fails, the cleanups registered so far run
    /// before the error is rethrown. An error a cleanup throws is logged.
    ///
    /// - Throws: ``ServiceError`` `.notRunning` once the service has begun to stop.
    public func addCleanup(_ name: String = "cleanup", _ cleanup: @escaping @Sendable () async throws -> Void) throws {
        try self.runtime.addCleanup(name) { _ in try await cleanup() }
    }

    /// Enters `resource` now and registers its exit to run when the service stops, like a context manager.
    ///
    /// - Returns: What the resource's `enter()` returned.
    /// - Throws: ``ServiceError`` `.notRunning` once the service has begun to stop (the
    ///   resource is not entered), or what `enter()` throws.
    public func addResource<R: AsyncResource>(_ resource: R) async throws -> R.Value {
        try self.runtime.checkAccepting("resource \(R.self)")
        let value = try await resource.enter()
        do {
            try self.runtime.addCleanup(String(describing: R.self)) { error in try await resource.exit(error: error) }
        } catch {
            try await resource.exit(error: error)
            throw error
        }
        return value
    }

    /// The names of this service's owned tasks that are running now, sorted.
    public var runningTaskNames: [String] { self.runtime.runningTaskNames }
}

/// A handle to a task owned by a service (see `Service.addTask(_:_:)`).
public struct ServiceTask<Success: Sendable>: Sendable {
    /// The name the task was added with.
    public let name: String
    let task: Task<Success, any Error>

    /// The task's result; throws what it threw (`CancellationError` when it was cancelled).
    public var value: Success {
        get async throws { try await self.task.value }
    }

    /// Cancels the task.
    public func cancel() {
        self.task.cancel()
    }
}

/// Something entered when added to a service and exited when the service stops: Python's context managers.
///
/// ```swift
/// struct Connection: AsyncResource {
///     func enter() async throws -> Socket { try await Socket.connect() }
///     func exit(error: (any Error)?) async throws { ... }
/// }
/// let socket = try await addResource(Connection())
/// ```
public protocol AsyncResource: Sendable {
    /// What entering gives the service.
    associatedtype Value: Sendable
    /// Acquires the resource.
    func enter() async throws -> Value
    /// Releases it; `error` is the start error when the service failed to start, otherwise `nil`.
    func exit(error: (any Error)?) async throws
}
