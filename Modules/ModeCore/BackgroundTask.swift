/// Work a service runs for as long as it runs, declared in `backgroundTasks()`.
///
/// Each one runs in its own named task, started after `onStart()` at every start. `stop()` cancels it and
/// waits for it. A task that throws crashes its service (a `CancellationError` thrown while the service stops
/// does not); a task that returns simply ends.
///
/// ```swift
/// func backgroundTasks() -> [BackgroundTask] {
///     [
///         .task("consume") { try await self.consume() },
///         .task("heartbeat") { await self.beat() },
///     ]
/// }
/// ```
public struct BackgroundTask: Sendable {
    /// The task's name: in logs, in the task's own name, and in reports of tasks that ignore cancellation.
    public let name: String
    let operation: @Sendable () async throws -> Void

    /// Creates a background task.
    ///
    /// - Parameters:
    ///   - name: A name unique within the service.
    ///   - operation: The work; capture the service to call into it.
    public init(name: String, operation: @escaping @Sendable () async throws -> Void) {
        self.name = name
        self.operation = operation
    }

    /// A background task named `name` that runs `operation`.
    public static func task(_ name: String, _ operation: @escaping @Sendable () async throws -> Void) -> Self {
        Self(name: name, operation: operation)
    }
}
