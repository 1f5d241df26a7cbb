/// The program's hooks into a ``Worker``'s run: before the services start, on SIGHUP, and after the tree has
/// stopped.
///
/// The Worker is an actor and cannot be subclassed, so where the original overrides `on_first_start`,
/// `on_execute` and `on_worker_shutdown`, a Swift program passes closures:
///
/// ```swift
/// var hooks = WorkerHooks()
/// hooks.onWorkerStart = { worker in try await Config.load() }
/// hooks.onReload = { worker in try await Config.reload() }       // kill -HUP <pid>
/// hooks.onWorkerShutdown = { worker, code in await Metrics.flush() }
/// let worker = Worker(hooks: hooks) { [App()] }
/// ```
///
/// A value type; `Sendable`. The closures run on the Worker's task, one at a time; keep them short.
public struct WorkerHooks: Sendable {
    /// Runs after logging, signals and the executor monitor are set up and before any service starts.
    ///
    /// If it throws, nothing starts: the error is logged and the Worker exits with ``WorkerExitCode/failure``.
    public var onWorkerStart: (@Sendable (Worker) async throws -> Void)?

    /// Runs on SIGHUP while the services run (systemd's `ExecReload=kill -HUP $MAINPID`).
    ///
    /// An error is logged and the Worker keeps running. Without a hook, SIGHUP only logs that nothing reloads.
    public var onReload: (@Sendable (Worker) async throws -> Void)?

    /// Runs after the whole tree has stopped, with the status the process is about to exit with.
    ///
    /// Not called on a forced exit (second signal, stop deadline), whose point is to exit now.
    public var onWorkerShutdown: (@Sendable (Worker, WorkerExitCode) async -> Void)?

    /// Creates hooks.
    ///
    /// - Parameters:
    ///   - onWorkerStart: Runs before the services start.
    ///   - onReload: Runs on SIGHUP.
    ///   - onWorkerShutdown: Runs after the tree has stopped.
    public init(
        onWorkerStart: (@Sendable (Worker) async throws -> Void)? = nil,
        onReload: (@Sendable (Worker) async throws -> Void)? = nil,
        onWorkerShutdown: (@Sendable (Worker, WorkerExitCode) async -> Void)? = nil
    ) {
        self.onWorkerStart = onWorkerStart
        self.onReload = onReload
        self.onWorkerShutdown = onWorkerShutdown
    }
}
