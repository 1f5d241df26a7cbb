public import Logging

/// The settings of one service's runtime: its clock, logger and stop behaviour.
///
/// ```swift
/// actor Consumer: Service {
///     let runtime = ServiceRuntime(configuration: .init(clock: clock, mundaneLevel: .debug))
/// }
/// ```
public struct ServiceConfiguration: Sendable {
    /// The clock every sleep, wait, deadline and timer of the service uses.
    package var clock: ServiceClock

    /// The logger lifecycle lines and `service.logger` go to; the service adds its label and depth as metadata.
    public var logger: Logger

    /// The level of the "Starting..." and "Stopping..." lines; `.debug` makes a quiet service.
    public var mundaneLevel: Logger.Level

    /// Whether `stop()` waits, after stopping the children, for `setShutdown()` to be called.
    public var waitForShutdown: Bool

    /// How long `stop()` waits for `setShutdown()` when ``waitForShutdown`` is set; it then goes on (and warns).
    public var shutdownTimeout: Duration

    /// How long `stop()` waits for cancelled tasks to finish before it reports them by name and abandons them.
    public var taskCancellationGracePeriod: Duration

    /// The logger every service uses unless given its own.
    public static let defaultLogger = Logger(label: "mode")

    /// Creates a configuration.
    ///
    /// - Parameters:
    ///   - clock: The clock to wait on; tests pass a `ManualClock`.
    ///   - logger: Where the service logs.
    ///   - mundaneLevel: The level of the "Starting..."/"Stopping..." lines.
    ///   - waitForShutdown: Whether `stop()` waits for `setShutdown()`.
    ///   - shutdownTimeout: The longest that wait lasts.
    ///   - taskCancellationGracePeriod: How long cancelled tasks get to finish during `stop()`.
    public init<C: Clock<Duration>>(
        clock: C = ContinuousClock(),
        logger: Logger = ServiceConfiguration.defaultLogger,
        mundaneLevel: Logger.Level = .info,
        waitForShutdown: Bool = false,
        shutdownTimeout: Duration = .seconds(60),
        taskCancellationGracePeriod: Duration = .seconds(10)
    ) {
        self.clock = clock is ContinuousClock ? ServiceClock.continuous : ServiceClock(clock)
        self.logger = logger
        self.mundaneLevel = mundaneLevel
        self.waitForShutdown = waitForShutdown
        self.shutdownTimeout = shutdownTimeout
        self.taskCancellationGracePeriod = taskCancellationGracePeriod
    }
}
