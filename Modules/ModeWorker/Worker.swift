import Dispatch
import Logging
import ModeConcurrencyHelpers
public import ModeCore
import ModeLogging
import ModeSupervisors
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

    private struct Shared: Sendable {
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
    private nonisolated let loggingProblem: String?
    private nonisolated let shared = Locked(Shared())
    private var executed = false
    private var reloading = false

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
    private nonisolated func finishRun() {
        let waiters = self.shared.withLock { shared in
            shared.sink = nil
            shared.finished = true
            return shared.takeReadyWaiters()
        }
        for waiter in waiters { waiter.resume(returning: false) }
    }

    // MARK: - The run

    private func drive(
        _ events: AsyncStream<Event>,
        sink: AsyncStream<Event>.Continuation,
        group: inout TaskGroup<Void>
    ) async -> WorkerExitCode {
        if let hook = self.hooks.onWorkerStart {
            do {
                try await hook(self)
            } catch {
                self.logger.error("Error: onWorkerStart failed: \(error)")
                return .failure
            }
        }
        self.notifier.notify("STATUS=Starting \(self.services.count) service(s)")
        let startTask = Task(name: "Worker.start") { await self.runStart(sink) }
        var stopTask: Task<Void, Never>?
        var firstSignalAt: ContinuousClock.Instant?
        var startFailed = false
        loop: for await event in events {
            switch event {
            case .started:
                if stopTask == nil, !self.options.daemon {
                    group.addTask {
                        await self.waitUntilIdle()
                        if !Task.isCancelled { sink.yield(.idle) }
                    }
                }
            case .startFailed:
                startFailed = true
                if stopTask == nil {
                    self.markStopBegun()
                    self.notifier.notify("STOPPING=1", "STATUS=Start failed")
                    break loop
                }
            case .shouldStop:
                guard stopTask == nil else { continue }
                if let reason = self.crashReason {
                    self.logger.error("Stopping after a crash: \(reason)")
                    stopTask = self.beginStop("crash", sink: sink, group: &group)
                } else {
                    stopTask = self.beginStop("stop requested", sink: sink, group: &group)
                }
            case .idle:
                guard stopTask == nil else { continue }
                self.logger.info("The services' work is done; stopping (non-daemon mode)")
                stopTask = self.beginStop("work done", sink: sink, group: &group)
            case .signal(let signal):
                switch signal {
                case .sigint, .sigterm:
                    if stopTask == nil {
                        firstSignalAt = .now
                        self.logger.info("Stopping on signal received: \(signal)")
                        stopTask = self.beginStop("\(signal)", sink: sink, group: &group)
                    } else if let first = firstSignalAt, first.duration(to: .now) < self.options.duplicateSignalWindow {
                        self.logger.debug("Ignoring \(signal): a duplicate delivery of the stop signal")
                    } else {
                        return self.forcedExit("a second \(signal) arrived while stopping")
                    }
                case .sigusr1:
                    self.logger.notice("Service tree (SIGUSR1):\n\(renderServiceTree(self))")
                case .sighup:
                    group.addTask { await self.reload() }
                default:
                    self.logger.debug("Ignoring signal \(signal)")
                }
            case .deadlinePassed:
                self.shared.withLock { $0.stopOverdue = true }
                let deadline = self.options.stopDeadline.map { "\($0)" } ?? "none"
                return self.forcedExit("the stop deadline (\(deadline)) passed")
            case .stopped:
                break loop
            }
        }
        // The start has finished (the stop waited for it); its error, if any, is logged once, here.
        if let error = await startTask.value {
            self.logger.error("Error: \(error)")
            startFailed = true
        }
        if let stopTask { await stopTask.value }
        let code: WorkerExitCode = startFailed || self.crashReason != nil ? .failure : .success
        if let hook = self.hooks.onWorkerShutdown { await hook(self, code) }
        self.notifier.notify("STATUS=Stopped, exit status \(code.rawValue)")
        self.logger.debug("Exiting with status \(code)")
        return code
    }

    @concurrent
    private nonisolated func runStart(_ sink: AsyncStream<Event>.Continuation) async -> (any Error)? {
        do {
            try await self.start()
            sink.yield(.started)
            return nil
        } catch {
            sink.yield(.startFailed)
            return error
        }
    }

    @concurrent
    private nonisolated func runStop(_ sink: AsyncStream<Event>.Continuation) async {
        await self.stop()
        sink.yield(.stopped)
    }

    private func beginStop(
        _ reason: String,
        sink: AsyncStream<Event>.Continuation,
        group: inout TaskGroup<Void>
    ) -> Task<Void, Never> {
        self.markStopBegun()
        self.notifier.notify("STOPPING=1", "STATUS=Stopping (\(reason))")
        if let deadline = self.options.stopDeadline {
            let clock = self.options.clock
            group.addTask {
                do {
                    try await sleepInSteps(for: deadline, on: clock)
                    sink.yield(.deadlinePassed)
                } catch {}
            }
        }
        return Task(name: "Worker.stop") { await self.runStop(sink) }
    }

    /// Readiness ends here: waiters for it learn that it will not come.
    private nonisolated func markStopBegun() {
        let waiters = self.shared.withLock { shared in
            shared.stopBegun = true
            return shared.takeReadyWaiters()
        }
        for waiter in waiters { waiter.resume(returning: false) }
    }

    private func forcedExit(_ reason: String) -> WorkerExitCode {
        let stopping = servicesStillStopping(self)
        let threads = ServiceThread.runningThreadNames()
        var message = "Forced exit: \(reason). Still stopping: "
        message += stopping.isEmpty ? "none" : stopping.joined(separator: ", ")
        if !threads.isEmpty { message += ". Threads still running: " + threads.joined(separator: ", ") }
        self.logger.error("\(message)")
        self.notifier.notify("STATUS=Forced exit: \(reason)")
        return .forced
    }

    private func reload() async {
        guard let hook = self.hooks.onReload else {
            self.logger.info("SIGHUP received: no reload hook is set, nothing to reload")
            return
        }
        guard !self.reloading else {
            self.logger.info("SIGHUP received while a reload runs: ignored")
            return
        }
        self.reloading = true
        defer { self.reloading = false }
        self.logger.info("Reloading on SIGHUP")
        self.notifier.notify("RELOADING=1", "STATUS=Reloading")
        do {
            try await hook(self)
            self.logger.info("Reloaded")
        } catch {
            self.logger.error("Reload failed: \(error)")
        }
        if !self.shared.withLock({ $0.stopBegun }) {
            self.notifier.notify("READY=1", "STATUS=Running \(self.services.count) service(s)")
        }
    }

    private nonisolated func post(_ event: Event) {
        let sink = self.shared.withLock { shared -> AsyncStream<Event>.Continuation? in
            if shared.sink == nil, !shared.finished { shared.pending.append(event) }
            return shared.sink
        }
        sink?.yield(event)
    }

    private nonisolated func executorEvent(_ event: ExecutorMonitor.Event) {
        switch event {
        case .blocked(let late):
            let flags = describeDiagFlags(self)
            self.logger.warning(
                """
                Blocked executor: the heartbeat is \(late) late (threshold \(self.executorMonitor.threshold), \
                \(self.executorMonitor.blockedCount) time(s) so far). Some code blocks a thread of the \
                cooperative pool; move blocking work to a ServiceThread. Diag flags set: \
                \(flags.isEmpty ? "none" : flags.joined(separator: "; ")). Service tree:
                \(renderServiceTree(self))
                """
            )
            self.notifier.notify("STATUS=Executor blocked (\(late) late)")
        case .recovered(let worst):
            self.logger.warning("Executor unblocked; the heartbeat was up to \(worst) late")
            self.notifier.notify("STATUS=Running \(self.services.count) service(s)")
        }
    }

    private nonisolated func pingWatchdog(every interval: Duration) async {
        let clock = self.options.clock
        while !Task.isCancelled {
            do {
                try await sleepInSteps(for: max(interval, .milliseconds(1)), on: clock)
            } catch {
                return
            }
            let overdue = self.shared.withLock { $0.stopOverdue }
            if self.executorMonitor.isHealthy, !overdue { self.notifier.notify("WATCHDOG=1") }
        }
    }

    private nonisolated func waitUntilIdle() async {
        let clock = self.options.clock
        while !Task.isCancelled {
            if self.services.allSatisfy(Self.isIdle) { return }
            do {
                try await clock.sleep(for: .milliseconds(10))
            } catch {
                return
            }
        }
    }

    /// Whether no service of the subtree has a running task; a supervisor's own loop does not count.
    private static func isIdle(_ service: any Service) -> Bool {
        (service is Supervisor || service.runningTaskNames.isEmpty) && service.children.allSatisfy(Self.isIdle)
    }

    // MARK: - Console

    private nonisolated func sayBanner() {
        guard !self.options.quiet else { return }
        let names = self.services.map(\.label).joined(separator: ", ")
        let destination = self.options.logFile ?? "stderr"
        let mode =
            self.options.daemon
            ? "daemon: SIGINT/SIGTERM stop, SIGUSR1 logs the tree, SIGHUP reloads"
            : "runs until its services' work is done"
        self.say(
            """
            ModeWorker (pid \(getpid())) starting \(self.services.count) service(s): \(names.isEmpty ? "none" : names)
              logging \(self.options.logLevel) to \(destination); \(mode)
            """
        )
    }

    /// Writes `message` and a newline to standard output, unless ``WorkerOptions/quiet`` is set.
    ///
    /// - Parameter message: The text.
    public nonisolated func say(_ message: String) {
        guard !self.options.quiet else { return }
        writeAll(STDOUT_FILENO, message + "\n")
    }

    /// Writes `message` and a newline to standard error, unless ``WorkerOptions/quiet`` is set.
    ///
    /// - Parameter message: The text.
    public nonisolated func carp(_ message: String) {
        guard !self.options.quiet else { return }
        writeAll(STDERR_FILENO, message + "\n")
    }
}

/// Writes all of `text` to `descriptor`, retrying short writes; errors are ignored.
private func writeAll(_ descriptor: Int32, _ text: String) {
    var bytes = Array(text.utf8)
    bytes.withUnsafeMutableBytes { buffer in
        var offset = 0
        while offset < buffer.count {
            let written = write(descriptor, buffer.baseAddress! + offset, buffer.count - offset)
            if written < 0 {
                if errno == EINTR { continue }
                return
            }
            offset += written
        }
    }
}
