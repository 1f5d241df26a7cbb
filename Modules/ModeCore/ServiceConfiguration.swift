public import Logging

/// The settings of one service's runtime: its clock, logger and stop behaviour.
///
/// ```swift
/// actor Consumer: Service {
///     let runtime = ServiceRuntime(configuration: .init(clock: clock, mundaneLevel: .debug))
/// }
/// ```
///
/// Every setting can be read back (`service.runtime.configuration.stopTimeout`), so test helpers and the
/// Worker can inspect a service. Durations never trap: zero or a negative value means "do not wait", and a
/// huge value (`.seconds(Int64.max)`) means "wait as long as it takes".
public struct ServiceConfiguration: Sendable {
    /// The clock every sleep, wait, deadline and timer of the service uses; setting it replaces the clock.
    public var clock: any Clock<Duration> {
        get { self.serviceClock.base }
        set { self.serviceClock = Self.box(newValue) }
    }

    /// The clock as the runtime uses it (offsets from when it was set).
    package private(set) var serviceClock: ServiceClock

    /// The logger lifecycle lines and `service.logger` go to; the service adds its label and depth as metadata.
    public var logger: Logger

    /// The three durations, in one shared immutable box: every runtime keeps a configuration, and with the
    /// default durations (the common case) all of them share one box instead of holding 49 bytes each.
    /// Declared before the one-byte fields, so that the runtime can place a field of its own in the bytes after
    /// them (the configuration is 26 bytes, not 32).
    private var timeouts: Timeouts

    /// The level of the "Starting..." and "Stopping..." lines; `.debug` makes a quiet service.
    public var mundaneLevel: Logger.Level

    /// Whether `stop()` waits, after stopping the children, for `setShutdown()` to be called.
    public var waitForShutdown: Bool

    /// How long `stop()` waits for `setShutdown()` when ``waitForShutdown`` is set; it then goes on (and warns).
    ///
    /// Zero or negative: it does not wait. A huge value such as `.seconds(Int64.max)` waits until
    /// `setShutdown()` is called, however long that takes.
    public var shutdownTimeout: Duration {
        get { self.timeouts.shutdown }
        set { self.setTimeouts { $0.shutdown = newValue } }
    }

    /// How long `stop()` waits for cancelled tasks to finish before it reports them by name and abandons them.
    ///
    /// Zero or negative: tasks that do not end at their cancellation are abandoned at once. A huge value such
    /// as `.seconds(Int64.max)` waits for them for as long as they take.
    public var taskCancellationGracePeriod: Duration {
        get { self.timeouts.gracePeriod }
        set { self.setTimeouts { $0.gracePeriod = newValue } }
    }

    /// How long `stop()` waits for any one step that runs code it does not control: the `onStop` and
    /// `onShutdown` hooks, each cleanup, and a start of this service that has not finished.
    ///
    /// Past it, `stop()` logs a warning that names the step and the service's label path (`App/Webserver`)
    /// and how long it waited, cancels that step, stops waiting for it and goes on with the rest of the
    /// teardown, so a hook that never returns cannot hang the program's shutdown. A parent waits for each
    /// child's stop, which is bounded the same way by the child's own setting. `nil` turns the deadline off
    /// (a hung hook then hangs `stop()`); zero or less gives up on any step that suspends; the default is
    /// 30 seconds.
    public var stopTimeout: Duration? {
        get { self.timeouts.stop }
        set { self.setTimeouts { $0.stop = newValue } }
    }

    private final class Timeouts: Sendable {
        struct Values: Equatable {
            var shutdown: Duration
            var gracePeriod: Duration
            var stop: Duration?
        }

        let shutdown: Duration
        let gracePeriod: Duration
        let stop: Duration?

        static let defaults = Timeouts(
            Values(shutdown: .seconds(60), gracePeriod: .seconds(10), stop: ServiceConfiguration.defaultStopTimeout)
        )

        private init(_ values: Values) {
            self.shutdown = values.shutdown
            self.gracePeriod = values.gracePeriod
            self.stop = values.stop
        }

        var values: Values { Values(shutdown: self.shutdown, gracePeriod: self.gracePeriod, stop: self.stop) }

        /// The shared default box when `values` are the defaults, a new box otherwise.
        static func make(_ values: Values) -> Timeouts {
            values == Self.defaults.values ? Self.defaults : Timeouts(values)
        }
    }

    private mutating func setTimeouts(_ change: (inout Timeouts.Values) -> Void) {
        var values = self.timeouts.values
        change(&values)
        self.timeouts = Timeouts.make(values)
    }

    /// The default ``stopTimeout``: 30 seconds.
    public static let defaultStopTimeout: Duration = .seconds(30)

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
    ///   - stopTimeout: How long `stop()` waits for any one hook, cleanup or unfinished start before it gives
    ///     up on it; `nil` for no limit.
    public init<C: Clock<Duration>>(
        clock: C = ContinuousClock(),
        logger: Logger = ServiceConfiguration.defaultLogger,
        mundaneLevel: Logger.Level = .info,
        waitForShutdown: Bool = false,
        shutdownTimeout: Duration = .seconds(60),
        taskCancellationGracePeriod: Duration = .seconds(10),
        stopTimeout: Duration? = ServiceConfiguration.defaultStopTimeout
    ) {
        self.serviceClock = Self.box(clock)
        self.logger = logger
        self.mundaneLevel = mundaneLevel
        self.waitForShutdown = waitForShutdown
        self.timeouts = Timeouts.make(
            Timeouts.Values(shutdown: shutdownTimeout, gracePeriod: taskCancellationGracePeriod, stop: stopTimeout)
        )
    }

    private static func box<C: Clock<Duration>>(_ clock: C) -> ServiceClock {
        clock is ContinuousClock ? ServiceClock.continuous : ServiceClock(clock)
    }
}
