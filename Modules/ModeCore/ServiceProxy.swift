/// A service that stands for another: it runs the other's lifecycle, hooks, tasks and children, under its own
/// label. The original's `ServiceProxy`.
///
/// A proxy shares the proxied service's ``ServiceRuntime``: starting, stopping, restarting or crashing the
/// proxy does so to the service, and the proxy reads the service's state, children, flags and beacon node.
/// Every hook forwards to the service. Only the label is the proxy's own (its type name by default), so a
/// facade keeps its name in logs, graphs and snapshots while the work lives elsewhere, or a service can be
/// made lazily, on first use, behind a stable value.
///
/// ```swift
/// actor Database: ServiceProxy {
///     nonisolated let service: any Service = PostgresPool(size: 8)
/// }
///
/// let db = Database()
/// try await db.start()   // starts the pool; logs read [^Database]: Starting...
/// db.state == db.service.state  // true: one runtime
/// ```
///
/// The first of the two to be started, logged or added to a tree names the shared runtime (and so its log
/// lines and beacon node); use the proxy consistently.
public protocol ServiceProxy: Service {
    /// The service this proxy runs.
    var service: any Service { get }
}

extension ServiceProxy {
    /// The proxied service's runtime.
    public var runtime: ServiceRuntime { self.service.runtime }

    /// The proxied service's dependencies.
    public func initDependencies() async -> [any Service] { await self.service.initDependencies() }

    /// Runs the proxied service's `onFirstStart`.
    public func onFirstStart() async throws { try await self.service.onFirstStart() }

    /// Runs the proxied service's `onStart`.
    public func onStart() async throws { try await self.service.onStart() }

    /// Runs the proxied service's `onStarted`.
    public func onStarted() async throws { try await self.service.onStarted() }

    /// Runs the proxied service's `onStop`.
    public func onStop() async throws { try await self.service.onStop() }

    /// Runs the proxied service's `onShutdown`.
    public func onShutdown() async throws { try await self.service.onShutdown() }

    /// Runs the proxied service's `onRestart`.
    public func onRestart() async throws { try await self.service.onRestart() }

    /// The proxied service's background tasks.
    public func backgroundTasks() async -> [BackgroundTask] { await self.service.backgroundTasks() }
}
