public import Logging
public import ModeLogging

/// The settings of a ``Worker``: run mode, stop deadline, logging, blocking threshold and clock.
///
/// Every setting has a default fit for production; ``WorkerArguments`` fills the logging ones from the
/// command line.
///
/// ```swift
/// var options = WorkerOptions()
/// options.daemon = false                   // stop once the services' work is done
/// options.stopDeadline = .seconds(10)      // then give up and exit with WorkerExitCode.forced
/// options.logLevel = .debug
/// let worker = Worker(options: options) { [App()] }
/// ```
///
/// A value type; `Sendable`.
public struct WorkerOptions: Sendable {
    /// Whether the Worker runs until a signal, a `stop()` or a crash (`true`, the default), or stops everything
    /// as soon as no service has a background task or timer left running (`false`, for batch programs).
    ///
    /// A supervisor's own restart loop does not count as work; the tasks of the services it supervises do.
    public var daemon: Bool

    /// How long the whole stop may take before the Worker gives up; `nil` waits forever.
    ///
    /// Past it, the Worker names the services still stopping (and the dedicated threads still running) and
    /// exits with ``WorkerExitCode/forced``.
    ///
    /// 25 seconds by default: below Kubernetes' default grace period of 30 seconds, so the report is written
    /// before the kubelet kills the process. Each service's own stop deadline (`ServiceConfiguration`) still
    /// applies inside it.
    public var stopDeadline: Duration?

    /// The lowest level logged when the Worker sets up logging; `.info` by default, so the lifecycle lines
    /// show as in the original's example output.
    public var logLevel: Logger.Level

    /// A file the log is appended to instead of standard error; never coloured.
    public var logFile: String?

    /// When log lines are coloured: `LogColors.automatic` (on a terminal, unless `NO_COLOR` is set) by
    /// default; `--no-color` makes it `LogColors.never`.
    public var colors: LogColors

    /// Whether the start banner is left out (`--quiet`).
    ///
    /// Log lines are not affected; lower ``logLevel`` for that.
    public var quiet: Bool

    /// Whether the Worker sets up swift-log with ModeLogging's handler (`true` by default).
    ///
    /// It never replaces a bootstrap the program already made (see `LoggingBootstrapper`): a program with its
    /// own logging keeps it either way.
    public var setsUpLogging: Bool

    /// Whether the Worker traps SIGINT, SIGTERM, SIGUSR1 and SIGHUP (`true` by default).
    ///
    /// Turn it off when the Worker runs inside a program that handles signals itself (forward them with
    /// `Worker.receive(_:)`), or in tests.
    public var handlesSignals: Bool

    /// How soon after the first SIGINT/SIGTERM a second one counts as a duplicate delivery; 100 ms by default.
    ///
    /// A duplicate is ignored rather than forcing the exit. `timeout(1)` and process-group kills deliver one
    /// signal twice within microseconds; a person pressing Ctrl-C twice is far slower. Measured in real time.
    public var duplicateSignalWindow: Duration

    /// How late the Worker's heartbeat may run before the Worker warns that the executor is blocked.
    ///
    /// 2 seconds by default. Must be positive.
    public var blockingThreshold: Duration

    /// The logger of the Worker's own lines; `nil` (the default) makes `Logger(label: "mode.worker")` once
    /// logging is set up.
    public var logger: Logger?

    /// The environment read for `NOTIFY_SOCKET`, `WATCHDOG_USEC` and `WATCHDOG_PID`; `nil` (the default) reads
    /// the process's environment.
    public var environment: [String: String]?

    /// The clock of the stop deadline, the watchdog pings and the non-daemon idle check.
    ///
    /// Tests pass a `ManualClock`. The executor monitor always measures real time.
    public var clock: any Clock<Duration>

    /// Creates options; every parameter has the default described on its property.
    ///
    /// - Parameters:
    ///   - daemon: Run until a signal (`true`) or until the services' work is done (`false`).
    ///   - stopDeadline: The longest the whole stop may take, or `nil`.
    ///   - logLevel: The lowest level logged.
    ///   - logFile: A file to log to instead of standard error.
    ///   - colors: When to colour log lines.
    ///   - quiet: Leave out the banner.
    ///   - setsUpLogging: Set up swift-log with ModeLogging's handler unless the program already did.
    ///   - handlesSignals: Trap SIGINT, SIGTERM, SIGUSR1 and SIGHUP.
    ///   - duplicateSignalWindow: How soon a second SIGINT/SIGTERM counts as a duplicate delivery.
    ///   - blockingThreshold: How late the heartbeat may be before the Worker warns.
    ///   - logger: The logger of the Worker's own lines.
    ///   - environment: The environment to read systemd's variables from.
    ///   - clock: The clock of deadlines and pings.
    public init(
        daemon: Bool = true,
        stopDeadline: Duration? = .seconds(25),
        logLevel: Logger.Level = .info,
        logFile: String? = nil,
        colors: LogColors = .automatic,
        quiet: Bool = false,
        setsUpLogging: Bool = true,
        handlesSignals: Bool = true,
        duplicateSignalWindow: Duration = .milliseconds(100),
        blockingThreshold: Duration = .seconds(2),
        logger: Logger? = nil,
        environment: [String: String]? = nil,
        clock: any Clock<Duration> = ContinuousClock()
    ) {
        self.daemon = daemon
        self.stopDeadline = stopDeadline
        self.logLevel = logLevel
        self.logFile = logFile
        self.colors = colors
        self.quiet = quiet
        self.setsUpLogging = setsUpLogging
        self.handlesSignals = handlesSignals
        self.duplicateSignalWindow = duplicateSignalWindow
        self.blockingThreshold = blockingThreshold
        self.logger = logger
        self.environment = environment
        self.clock = clock
    }

    /// Checks every setting; ``Worker/execute()`` calls it first and exits with ``WorkerExitCode/failure`` when
    /// it throws.
    ///
    /// - Throws: ``WorkerError`` with code `.invalidArgument` for a negative
    ///   stop deadline or duplicate-signal window, a blocking threshold that is not positive, or an empty log
    ///   file name.
    public func validate() throws(WorkerError) {
        if let stopDeadline, stopDeadline < .zero {
            throw .invalidArgument(
                "stopDeadline cannot be negative (got \(stopDeadline)); pass nil for no deadline, or zero to give up at once"
            )
        }
        if self.duplicateSignalWindow < .zero {
            throw .invalidArgument(
                "duplicateSignalWindow cannot be negative (got \(self.duplicateSignalWindow)); zero turns it off"
            )
        }
        try ExecutorMonitor.validate(threshold: self.blockingThreshold)
        if let logFile, logFile.isEmpty {
            throw .invalidArgument("logFile cannot be empty; pass nil to log to standard error")
        }
    }
}
