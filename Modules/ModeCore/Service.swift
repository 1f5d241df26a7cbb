import ModeConcurrencyHelpers

/// A long-running part of a program with a lifecycle: it starts, runs tasks and children, and stops.
///
/// Adopt it with an actor: the actor's own state is then isolated by the compiler, every hook runs on the
/// actor, and services run in parallel with each other. Store a ``ServiceRuntime`` in `runtime` (the engine:
/// state, children, tasks, flags) and override only the hooks you need; every hook has an empty default.
///
/// ```swift
/// actor Webserver: Service {
///     let runtime = ServiceRuntime()
///     private var requests = 0
///
///     func onStart() async throws {
///         logger.info("listening")
///     }
///
///     func backgroundTasks() -> [BackgroundTask] {
///         [.task("accept") { try await self.acceptLoop() }]
///     }
///
///     private func acceptLoop() async throws {
///         while !shouldStop {
///             requests += 1
///             await sleep(for: .seconds(1))
///         }
///     }
/// }
///
/// let server = Webserver()
/// try await server.start()
/// await server.stop()
/// ```
///
/// The order of the hooks:
///
/// ```
/// start():   initDependencies, onFirstStart   (first start only)
///            onStart → background tasks → children, in order → onStarted
/// stop():    onStop → children, in reverse order → [wait for setShutdown()]
///            → cancel and await tasks → cleanups, last added first → onShutdown
/// restart(): stop() → reset → onRestart → start()
/// ```
///
/// The lifecycle methods (`start()`, `stop()`, `restart()`, `crash(_:)`, ...) come from extensions and may be
/// called from any task.
public protocol Service: AnyObject, Sendable, CustomStringConvertible {
    /// The engine of this service: keep one in a stored property, `let runtime = ServiceRuntime()`.
    var runtime: ServiceRuntime { get }

    /// The name used in graphs and dumps; the type name by default.
    var label: String { get }

    /// The name used in log lines; ``label`` by default.
    var shortLabel: String { get }

    /// Returns the services this one depends on; they are added as children at the first start.
    func initDependencies() async -> [any Service]

    /// Called once, at the first start, before ``onStart()``; not called again after a restart.
    func onFirstStart() async throws

    /// Called at every start, before the background tasks and children start.
    func onStart() async throws

    /// Called at every start after the background tasks and children started.
    func onStarted() async throws

    /// Called first when the service stops, before its children stop.
    func onStop() async throws

    /// Called last when the service stops, after its tasks are gone and its cleanups ran.
    func onShutdown() async throws

    /// Called by `restart()` between the stop and the new start.
    func onRestart() async throws

    /// Returns the tasks that run while the service runs; asked at every start.
    func backgroundTasks() async -> [BackgroundTask]
}

extension Service {
    /// The type name.
    public var label: String { TypeNames.name(of: Self.self) }

    /// The ``label``.
    public var shortLabel: String { self.label }

    /// No dependencies.
    public func initDependencies() async -> [any Service] { [] }

    /// Does nothing (and tells the runtime so, which then skips it).
    public func onFirstStart() async throws { DefaultHooks.note(type(of: self), .onFirstStart) }

    /// Does nothing (and tells the runtime so, which then skips it).
    public func onStart() async throws { DefaultHooks.note(type(of: self), .onStart) }

    /// Does nothing (and tells the runtime so, which then skips it).
    public func onStarted() async throws { DefaultHooks.note(type(of: self), .onStarted) }

    /// Does nothing (and tells the runtime so, which then skips it: it needs no stop deadline).
    public func onStop() async throws { DefaultHooks.note(type(of: self), .onStop) }

    /// Does nothing (and tells the runtime so, which then skips it: it needs no stop deadline).
    public func onShutdown() async throws { DefaultHooks.note(type(of: self), .onShutdown) }

    /// Does nothing.
    public func onRestart() async throws {}

    /// No background tasks (and tells the runtime so, which then skips it).
    public func backgroundTasks() async -> [BackgroundTask] {
        DefaultHooks.note(type(of: self), .backgroundTasks)
        return []
    }
}

/// The names of service types, made once per type: `String(describing:)` of a metatype walks the runtime's
/// type metadata, which a large tree would otherwise do for every service it starts.
enum TypeNames {
    private static let names = Locked<[ObjectIdentifier: String]>([:])

    static func name(of type: Any.Type) -> String {
        let id = ObjectIdentifier(type)
        if let name = self.names.withLock({ $0[id] }) { return name }
        let name = String(describing: type)
        self.names.withLock { $0[id] = name }
        return name
    }
}
