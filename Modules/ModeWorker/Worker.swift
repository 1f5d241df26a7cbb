import Dispatch
import Logging
import ModeConcurrencyHelpers
public import ModeCore
import ModeLogging
public import UnixSignals

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// Runs a tree of services as a process: logging, signals, readiness, a blocked-executor monitor, a stop
/// deadline, and an honest exit status.
///
/// The Worker is the root of the tree: the services given to it become its children, so its log lines read
/// `[^Worker]`, its services' `[^-App]`, theirs `[^--Cache]`. Build the services in the trailing closure, so
/// that they are made after the Worker has set up logging (a swift-log `Logger` keeps the handler it was made
/// with):
///
/// ```swift
/// import ArgumentParser
/// import ModeWorker
///
/// @main
/// struct Server: ParsableCommand {
///     @OptionGroup var worker: WorkerArguments
///
///     func run() throws {
///         Worker(options: try worker.options()) { [App()] }.run()
///     }
/// }
/// ```
///
/// What a run does, in order:
/// 1. Sets up logging from the options (never replacing a bootstrap the program made), prints a short banner.
/// 2. Traps SIGINT, SIGTERM, SIGUSR1 and SIGHUP (through swift-service-lifecycle's `UnixSignalsSequence`),
///    starts the ``ExecutorMonitor`` and, under systemd, the watchdog pings.
/// 3. Runs ``WorkerHooks/onWorkerStart``, then starts the services in order. Once all have started it sends
///    systemd `READY=1` and reads ready in ``health``.
/// 4. Runs until SIGINT or SIGTERM (an info line names the signal), a `stop()`, a crash anywhere in the tree,
///    or, in non-daemon mode, until no service has work left. SIGUSR1 logs the live tree; SIGHUP runs
///    ``WorkerHooks/onReload``.
/// 5. Stops the whole tree in reverse order (systemd `STOPPING=1`; not ready any more). A second SIGINT or
///    SIGTERM while stopping, or the passing of ``WorkerOptions/stopDeadline``, abandons the stop: the services
///    still stopping are named and the exit status is ``WorkerExitCode/forced``.
/// 6. Runs ``WorkerHooks/onWorkerShutdown`` and exits with ``WorkerExitCode/success`` or, after a crash, a
///    failed start or a supervisor past its restart limit, ``WorkerExitCode/failure``.
///
/// An actor. A Worker runs once: call `run()` or ``execute()`` a single time.
public actor Worker: Service {
    enum Event: Sendable {
        case started
        case startFailed
        case shouldStop
        case idle
        case signal(UnixSignal)
        case stopped
        case deadlinePassed
    }

    struct Shared: Sendable {
        var sink: AsyncStream<Event>.Continuation?
        var pending: [Event] = []
        var ready = false
        var stopBegun = false
        var stopOverdue = false
        var finished = false
        var readyWaiters: [CheckedContinuation<Bool, Never>] = []

        /// Takes the waiters for readiness, to resume outside the lock.
        mutating func takeReadyWaiters() -> [CheckedContinuation<Bool, Never>] {
            defer { self.readyWaiters = [] }
            return self.readyWaiters
        }
    }

    /// The Worker's own runtime: the root of the tree.
    public nonisolated let runtime: ServiceRuntime
    /// The settings the Worker was created with.
    public nonisolated let options: WorkerOptions
    /// The program's hooks.
    public nonisolated let hooks: WorkerHooks
    /// The services the Worker runs, in start order (its children).
    public nonisolated let services: [any Service]
    /// The monitor of the cooperative executor; its readings feed ``health``.
    public nonisolated let executorMonitor: ExecutorMonitor
    /// The systemd notifier, enabled when `NOTIFY_SOCKET` is set.
    public nonisolated let notifier: SystemdNotifier
    nonisolated let loggingProblem: String?
    nonisolated let shared = Locked(Shared())
    var executed = false
    var reloading = false

    /// Creates a Worker for the services `makeServices` builds, after setting up logging from `options`.
    ///
    /// - Parameters:
    ///   - options: The settings; the defaults by default.
    ///   - hooks: The program's hooks; none by default.
    ///   - makeServices: Builds the services to run, in start order. It runs once, here, after logging is set
    ///     up, so the services' loggers use ModeLogging's handler.
    /// - Throws: What `makeServices` throws.
    public init(
        options: WorkerOptions = WorkerOptions(),
        hooks: WorkerHooks = WorkerHooks(),
        _ makeServices: () throws -> [any Service]
    ) rethrows {
        let problem = Self.setUpLogging(options)
        let services = try makeServices()
        self.init(services: services, options: options, hooks: hooks, loggingProblem: problem)
    }

    /// Creates a Worker for services that already exist.
    ///
    /// - Important: A swift-log `Logger` keeps the handler of the moment it was made. Services made before
    ///   logging is set up log through whatever swift-log had then; prefer ``init(options:hooks:_:)``, or call
    ///   ModeLogging's `setupLogging` before making them.
    ///
    /// - Parameters:
    ///   - services: The services to run, in start order.
    ///   - options: The settings; the defaults by default.
    ///   - hooks: The program's hooks; none by default.
    public init(
        _ services: any Service...,
        options: WorkerOptions = WorkerOptions(),
        hooks: WorkerHooks = WorkerHooks()
    ) {
        self.init(services: services, options: options, hooks: hooks, loggingProblem: Self.setUpLogging(options))
    }

    private init(services: [any Service], options: WorkerOptions, hooks: WorkerHooks, loggingProblem: String?) {
        self.services = services
        self.options = options
        self.hooks = hooks
        self.loggingProblem = loggingProblem
        let logger = options.logger ?? Logger(label: "mode.worker")
        self.runtime = ServiceRuntime(configuration: ServiceConfiguration(clock: options.clock, logger: logger))
        self.executorMonitor = ExecutorMonitor(checkedThreshold: max(options.blockingThreshold, .nanoseconds(1)))
        self.notifier = SystemdNotifier(environment: options.environment)
    }

    private static func setUpLogging(_ options: WorkerOptions) -> String? {
        guard options.setsUpLogging else { return nil }
        do {
            try setupLogging(level: options.logLevel, file: options.logFile, colors: options.colors)
            return nil
        } catch {
            return "\(error)"
        }
    }

    // MARK: - Service

    /// `Worker`.
    public nonisolated var label: String { "Worker" }

    /// The services given at creation: they become the Worker's children.
    public func initDependencies() -> [any Service] { self.services }

    /// Every service has started: the Worker is ready, and tells systemd.
    public func onStarted() async throws {
        let (ready, waiters) = self.shared.withLock { shared -> (Bool, [CheckedContinuation<Bool, Never>]) in
            guard !shared.stopBegun else { return (false, []) }
            shared.ready = true
            return (true, shared.takeReadyWaiters())
        }
        for waiter in waiters { waiter.resume(returning: true) }
        guard ready else { return }
        self.logger.info("Ready: \(self.services.count) service(s) started")
        self.notifier.notify("READY=1", "STATUS=Running \(self.services.count) service(s)")
    }

    // MARK: - Public API

    /// Whether the Worker is ready (every service started, no stop begun) and live (executor not blocked, no
    /// stop past its deadline).
    public nonisolated var health: WorkerHealth {
        let (ready, overdue) = self.shared.withLock { ($0.ready && !$0.stopBegun, $0.stopOverdue) }
        // `shouldStop` turns true the instant a stop is requested or a crash reaches the root, before the
        // Worker's loop has even seen it.
        return WorkerHealth(
            isReady: ready && !self.runtime.shouldStop,
            isLive: self.executorMonitor.isHealthy && !overdue
        )
    }

    /// Waits until every service has started; returns `false` instead if a stop begins (or the run ends) first.
    ///
    /// For tests and for programs that must know the tree is up (to open a port to traffic, say). It is not
    /// cancellable: it returns at the latest when the run ends.
    ///
    /// ```swift
    /// async let code = worker.execute()
    /// if await worker.waitUntilReady() { print("up") }
    /// ```
    ///
    /// - Returns: Whether the Worker became ready.
    public nonisolated func waitUntilReady() async -> Bool {
        await withCheckedContinuation { (continuation: CheckedContinuation<Bool, Never>) in
            let answer = self.shared.withLock { shared -> Bool? in
                if shared.ready, !shared.stopBegun { return true }
                if shared.stopBegun || shared.finished { return false }
                shared.readyWaiters.append(continuation)
                return nil
            }
            if let answer { continuation.resume(returning: answer) }
        }
    }

    /// Acts on `signal` as if the process had received it: SIGINT and SIGTERM stop (a second one forces the
    /// exit), SIGUSR1 logs the tree, SIGHUP reloads; others are ignored.
    ///
    /// For programs that handle signals themselves (``WorkerOptions/handlesSignals`` off) and for tests. A
    /// signal sent before ``execute()`` begins is acted on when it begins. Safe to call from any task.
    ///
    /// - Parameter signal: The signal to act on.
    public nonisolated func receive(_ signal: UnixSignal) {
        self.post(.signal(signal))
    }

    /// Runs the Worker and exits the process with its status; for a synchronous `main` (or `ParsableCommand`).
    ///
    /// Hands the main thread to Dispatch (`dispatchMain()`), so main-actor code keeps working.
    public nonisolated func run() -> Never {
        Task(name: "Worker.run") {
            await self.execute().exit()
        }
        dispatchMain()
    }

    /// Runs the Worker and exits the process with its status; for an `async` main (or
    /// `AsyncParsableCommand`).
    public nonisolated func run() async -> Never {
        await self.execute().exit()
    }

    /// Runs the Worker to the end and returns the status the process should exit with, without exiting.
    ///
    /// See the type's discussion for the steps. After a forced exit the services still stopping are left
    /// behind (the process is meant to exit now); in every other case the whole tree has stopped.
    ///
    /// - Returns: ``WorkerExitCode/success``, ``WorkerExitCode/failure`` or ``WorkerExitCode/forced``.
    public func execute() async -> WorkerExitCode {
        guard !self.executed else {
            self.logger.error("execute() was already called: a Worker runs once")
            return .failure
        }
        self.executed = true
        // Errors go to standard error even with `quiet`: the program is about to fail, and must say why.
        do {
            try self.options.validate()
        } catch {
            writeAll(STDERR_FILENO, "Invalid Worker options: \(error)\n")
            self.finishRun()
            return .failure
        }
        if let problem = self.loggingProblem {
            writeAll(STDERR_FILENO, "Cannot set up logging: \(problem)\n")
            self.finishRun()
            return .failure
        }
        self.sayBanner()
        let (events, sink) = AsyncStream.makeStream(of: Event.self)
        let pending = self.shared.withLock { shared in
            shared.sink = sink
            defer { shared.pending = [] }
            return shared.pending
        }
        for event in pending { sink.yield(event) }
        let signals: UnixSignalsSequence? =
            self.options.handlesSignals
            ? await UnixSignalsSequence(trapping: .sigint, .sigterm, .sigusr1, .sighup) : nil
        let code = await withTaskGroup(of: Void.self, returning: WorkerExitCode.self) { group in
            if let signals {
                group.addTask {
                    for await signal in signals { sink.yield(.signal(signal)) }
                }
            }
            group.addTask {
                await self.executorMonitor.run { event in self.executorEvent(event) }
            }
            if let timeout = self.notifier.watchdogTimeout {
                group.addTask { await self.pingWatchdog(every: timeout / 2) }
            }
            group.addTask {
                await self.waitUntilStopped()
                if !Task.isCancelled { sink.yield(.shouldStop) }
            }
            let code = await self.drive(events, sink: sink, group: &group)
            group.cancelAll()
            return code
        }
        self.finishRun()
        sink.finish()
        return code
    }

    /// The run is over: signals are no longer queued, and waiters for readiness learn that it will not come.
    nonisolated func finishRun() {
        let waiters = self.shared.withLock { shared in
            shared.sink = nil
            shared.finished = true
            return shared.takeReadyWaiters()
        }
        for waiter in waiters { waiter.resume(returning: false) }
    }
}
