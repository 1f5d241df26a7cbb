public import Logging

/// A service made from one async operation: Python's `Service.from_awaitable`.
///
/// `start()` runs the operation and returns when it finishes (its error is thrown from `start()`). Stopping the
/// service, from another task, cancels the operation and waits for it. Its lifecycle lines log at debug level.
///
/// ```swift
/// let migration = OperationService(name: "migrate") { try await database.migrate() }
/// try await app.addRuntimeDependency(migration)  // returns when the migration is done
/// ```
public actor OperationService: Service {
    /// The engine of this service.
    public let runtime: ServiceRuntime
    private let name: String
    private let operation: @Sendable () async throws -> Void

    /// Creates a service that runs `operation` when started.
    ///
    /// - Parameters:
    ///   - name: The service's label.
    ///   - configuration: Its runtime settings; lifecycle lines default to debug level.
    ///   - operation: The work.
    public init(
        name: String,
        configuration: ServiceConfiguration = ServiceConfiguration(mundaneLevel: .debug),
        _ operation: @escaping @Sendable () async throws -> Void
    ) {
        self.name = name
        self.runtime = ServiceRuntime(configuration: configuration)
        self.operation = operation
    }

    /// The name given at creation.
    public nonisolated var label: String { self.name }

    /// Runs the operation until it finishes or the service is stopped.
    public func onStart() async throws {
        _ = try await self.wait(self.operation)
    }
}
