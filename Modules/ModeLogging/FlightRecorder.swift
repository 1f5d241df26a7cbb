public import Logging
import ModeConcurrencyHelpers
import Synchronization

/// Numbers flight recorders across the process, from 1, as the original's class counter.
private let flightRecorderNumbers = Atomic<Int>(0)

/// Log lines that are kept back, and printed only if the work they describe takes too long: Python Mode's
/// `flight_recorder`.
///
/// Logging every step of a sometimes-hanging job floods the log and changes its timing; logging nothing
/// leaves you blind when it hangs. A flight recorder buffers the lines logged through it. If its scope
/// (``withFlightRecorder(logger:timeout:clock:timeSource:metadata:_:)``) ends within the timeout, the
/// lines are dropped. If the scope is still running when the timeout passes, the recorder prints a
/// warning and replays every buffered line with the time it was recorded:
///
/// ```text
/// [...: WARNING]: Warning: Task timed out!
/// [...: WARNING]: Please make sure it's hanging before restart.
/// [...: INFO]: [Flight Recorder-1] (started at Thu Apr 19 09:43:45 2018) Replaying logs...
/// [...: INFO]: [Flight Recorder-1] (Thu Apr 19 09:43:45 2018) +redis.get("user")
/// [...: INFO]: [Flight Recorder-1] -End of log-
/// ```
///
/// After that, lines logged through the recorder go straight to its logger (the original kept buffering
/// them and dropped them at the end).
///
/// ```swift
/// try await withFlightRecorder(logger: logger, timeout: .seconds(10)) { recorder in
///     recorder.info("+redis.get(\"user\")")
///     let user = try await redis.get("user")
///     recorder.info("-redis.get(\"user\")")
/// }
/// ```
///
/// Code deeper down reaches the innermost recorder through ``current`` (the original's `on_timeout`):
/// `FlightRecorder.current?.info("step")` records a line when a recorder is active, and does nothing
/// otherwise.
///
/// Safe to use from any task: its buffer is behind a lock, and it logs outside the lock.
public final class FlightRecorder: Sendable {
    /// The innermost recorder whose scope the current task is in, or `nil`.
    @TaskLocal public static var current: FlightRecorder?

    private struct Entry: Sendable {
        var level: Logger.Level
        var message: Logger.Message
        var metadata: Logger.Metadata?
        var time: LogTimeSource.Instant
        var source: String?
        var file: String
        var function: String
        var line: UInt
    }

    private enum Phase: Sendable {
        /// Within the timeout: lines are buffered.
        case recording
        /// Timed out and replaying: lines are still buffered, so they come out in order.
        case replaying
        /// Replayed: lines go straight to the logger.
        case live
        /// The scope ended: lines go straight to the logger.
        case finished
    }

    private struct State: Sendable {
        var phase = Phase.recording
        var buffer: [Entry] = []
        var context: Logger.Metadata
    }

    /// The recorder's number, unique in the process and counting from 1.
    public let number: Int

    /// Where replayed and live lines go.
    public let logger: Logger

    /// How long the scope may run before the recorder replays.
    public let timeout: Duration

    /// Where the recorder's time stamps come from.
    public let timeSource: LogTimeSource

    /// When the recorder started.
    public let startedAt: LogTimeSource.Instant

    private let state: Locked<State>

    /// Creates a recorder; ``withFlightRecorder(logger:timeout:clock:timeSource:metadata:_:)`` is the way to
    /// run one.
    init(logger: Logger, timeout: Duration, timeSource: LogTimeSource, context: Logger.Metadata) {
        self.number = flightRecorderNumbers.wrappingAdd(1, ordering: .relaxed).newValue
        self.logger = logger
        self.timeout = timeout
        self.timeSource = timeSource
        self.startedAt = timeSource.now()
        self.state = Locked(State(context: context))
    }

    /// The recorder's name in its lines, `"Flight Recorder-N"`.
    public var identifier: String { "Flight Recorder-\(self.number)" }

    /// Whether the timeout passed while the scope was running.
    public var hasTimedOut: Bool {
        self.state.withLock { state in
            switch state.phase {
            case .replaying, .live: true
            case .recording, .finished: false
            }
        }
    }

    /// Extra metadata added to every replayed line (the original's `extra_context`), and inherited by
    /// recorders started inside this one's scope.
    public var context: Logger.Metadata {
        self.state.withLock { $0.context }
    }

    /// Reads or sets one key of ``context``.
    public subscript(contextKey key: String) -> Logger.Metadata.Value? {
        get { self.state.withLock { $0.context[key] } }
        set { self.state.withLock { $0.context[key] = newValue } }
    }

    /// Records a line: buffered while within the timeout, logged at once after it.
    ///
    /// - Parameters:
    ///   - level: The line's level; replayed lines keep it.
    ///   - message: The message.
    ///   - metadata: Metadata for the line; it wins over ``context``.
    ///   - source: The source module; swift-log's default when `nil`.
    ///   - file: The file the line comes from.
    ///   - function: The function the line comes from.
    ///   - line: The line number.
    public func log(
        level: Logger.Level,
        _ message: @autoclosure () -> Logger.Message,
        metadata: @autoclosure () -> Logger.Metadata? = nil,
        source: String? = nil,
        file: String = #fileID,
        function: String = #function,
        line: UInt = #line
    ) {
        let entry = Entry(
            level: level,
            message: message(),
            metadata: metadata(),
            time: self.timeSource.now(),
            source: source,
            file: file,
            function: function,
            line: line
        )
        let passThrough: Logger.Metadata? = self.state.withLock { state in
            switch state.phase {
            case .recording, .replaying:
                state.buffer.append(entry)
                return nil
            case .live, .finished:
                return state.context
            }
        }
        guard let context = passThrough else { return }
        self.logger.log(
            level: entry.level,
            entry.message,
            metadata: Self.merge(context, entry.metadata),
            source: entry.source,
            file: entry.file,
            function: entry.function,
            line: entry.line
        )
    }

    /// Records a line at trace level; see ``log(level:_:metadata:source:file:function:line:)``.
    public func trace(
        _ message: @autoclosure () -> Logger.Message,
        metadata: @autoclosure () -> Logger.Metadata? = nil,
        file: String = #fileID,
        function: String = #function,
        line: UInt = #line
    ) {
        self.log(level: .trace, message(), metadata: metadata(), file: file, function: function, line: line)
    }

    /// Records a line at debug level; see ``log(level:_:metadata:source:file:function:line:)``.
    public func debug(
        _ message: @autoclosure () -> Logger.Message,
        metadata: @autoclosure () -> Logger.Metadata? = nil,
        file: String = #fileID,
        function: String = #function,
        line: UInt = #line
    ) {
        self.log(level: .debug, message(), metadata: metadata(), file: file, function: function, line: line)
    }

    /// Records a line at info level; see ``log(level:_:metadata:source:file:function:line:)``.
    public func info(
        _ message: @autoclosure () -> Logger.Message,
        metadata: @autoclosure () -> Logger.Metadata? = nil,
        file: String = #fileID,
        function: String = #function,
        line: UInt = #line
    ) {
        self.log(level: .info, message(), metadata: metadata(), file: file, function: function, line: line)
    }

    /// Records a line at notice level; see ``log(level:_:metadata:source:file:function:line:)``.
    public func notice(
        _ message: @autoclosure () -> Logger.Message,
        metadata: @autoclosure () -> Logger.Metadata? = nil,
        file: String = #fileID,
        function: String = #function,
        line: UInt = #line
    ) {
        self.log(level: .notice, message(), metadata: metadata(), file: file, function: function, line: line)
    }

    /// Records a line at warning level; see ``log(level:_:metadata:source:file:function:line:)``.
    public func warning(
        _ message: @autoclosure () -> Logger.Message,
        metadata: @autoclosure () -> Logger.Metadata? = nil,
        file: String = #fileID,
        function: String = #function,
        line: UInt = #line
    ) {
        self.log(level: .warning, message(), metadata: metadata(), file: file, function: function, line: line)
    }

    /// Records a line at error level; see ``log(level:_:metadata:source:file:function:line:)``.
    public func error(
        _ message: @autoclosure () -> Logger.Message,
        metadata: @autoclosure () -> Logger.Metadata? = nil,
        file: String = #fileID,
        function: String = #function,
        line: UInt = #line
    ) {
        self.log(level: .error, message(), metadata: metadata(), file: file, function: function, line: line)
    }

    /// Records a line at critical level; see ``log(level:_:metadata:source:file:function:line:)``.
    public func critical(
        _ message: @autoclosure () -> Logger.Message,
        metadata: @autoclosure () -> Logger.Metadata? = nil,
        file: String = #fileID,
        function: String = #function,
        line: UInt = #line
    ) {
        self.log(level: .critical, message(), metadata: metadata(), file: file, function: function, line: line)
    }

    /// Records the call `name(arguments...)`, then runs `body`: the Swift form of the original's
    /// `wrap`/`Logwrapped`, which logged every method call on a wrapped object.
    ///
    /// Arguments print as `String(reflecting:)` does, so strings are quoted, as Python's `repr`:
    ///
    /// ```swift
    /// let user = try await recorder.traced("redis.get", "user") { try await redis.get("user") }
    /// // records: redis.get("user")
    /// ```
    ///
    /// - Parameters:
    ///   - name: The operation's name.
    ///   - arguments: The arguments to show.
    ///   - level: The level of the recorded line; `.warning` by default, as `Logwrapped`'s.
    ///   - file: The file the call comes from.
    ///   - function: The function the call comes from.
    ///   - line: The line number.
    ///   - body: The operation.
    /// - Returns: What `body` returns.
    /// - Throws: What `body` throws.
    public func traced<Value, Failure: Error>(
        _ name: String,
        _ arguments: Any...,
        level: Logger.Level = .warning,
        file: String = #fileID,
        function: String = #function,
        line: UInt = #line,
        _ body: () async throws(Failure) -> Value
    ) async throws(Failure) -> Value {
        self.log(level: level, "\(Self.call(name, arguments))", file: file, function: function, line: line)
        return try await body()
    }

    /// Wraps `function` so that every call records `name(argument)` first, then runs it.
    ///
    /// The argument prints as `String(reflecting:)` does; pass a tuple for several (it prints as one).
    ///
    /// ```swift
    /// let get = recorder.tracing("redis.get") { (key: String) in try await redis.get(key) }
    /// let user = try await get("user")  // records: redis.get("user")
    /// ```
    ///
    /// - Parameters:
    ///   - name: The function's name in the recorded line.
    ///   - level: The level of the recorded lines; `.warning` by default.
    ///   - function: The function to wrap.
    /// - Returns: A function with the same signature that records each call.
    public func tracing<Argument, Value>(
        _ name: String,
        level: Logger.Level = .warning,
        _ function: @escaping @Sendable (Argument) async throws -> Value
    ) -> @Sendable (Argument) async throws -> Value {
        { argument in
            self.log(level: level, "\(Self.call(name, [argument]))")
            return try await function(argument)
        }
    }

    /// Prints the timeout warning and replays the buffer, unless the scope already ended.
    func replay() {
        let started: Bool = self.state.withLock { state in
            guard case .recording = state.phase else { return false }
            state.phase = .replaying
            return true
        }
        guard started else { return }
        let ident = self.identifier
        self.logger.warning("Warning: Task timed out!")
        self.logger.warning("Please make sure it's hanging before restart.")
        self.logger.info("[\(ident)] (started at \(self.timeSource.asctime(self.startedAt))) Replaying logs...")
        self.drain(ident: ident, thenGoLive: false)
        self.logger.info("[\(ident)] -End of log-")
        self.drain(ident: ident, thenGoLive: true)
    }

    /// Drops the buffer and lets later lines through: the scope ended.
    func finish() {
        self.state.withLock { state in
            state.phase = .finished
            state.buffer = []
        }
    }

    /// Logs buffered lines batch by batch until the buffer is empty, so lines recorded meanwhile keep
    /// their order; with `thenGoLive`, the recorder stops buffering once it is empty.
    private func drain(ident: String, thenGoLive: Bool) {
        while true {
            let (batch, context): ([Entry], Logger.Metadata) = self.state.withLock { state in
                let batch = state.buffer
                state.buffer = []
                if batch.isEmpty && thenGoLive && state.phase == .replaying { state.phase = .live }
                return (batch, state.context)
            }
            if batch.isEmpty { return }
            for entry in batch {
                self.logger.log(
                    level: entry.level,
                    "[\(ident)] (\(self.timeSource.asctime(entry.time))) \(entry.message)",
                    metadata: Self.merge(context, entry.metadata),
                    source: entry.source,
                    file: entry.file,
                    function: entry.function,
                    line: entry.line
                )
            }
        }
    }

    private static func merge(_ context: Logger.Metadata, _ own: Logger.Metadata?) -> Logger.Metadata? {
        guard let own else { return context.isEmpty ? nil : context }
        return context.merging(own) { _, new in new }
    }

    private static func call(_ name: String, _ arguments: [Any]) -> String {
        "\(name)(\(arguments.map { String(reflecting: $0) }.joined(separator: ", ")))"
    }
}

/// Runs `body` with a ``FlightRecorder`` that replays its buffered lines if `body` outlives `timeout`.
///
/// The timeout is a child task sleeping on `clock`; it is cancelled when `body` returns or throws, so
/// nothing outlives the call. Inside `body`, ``FlightRecorder/current`` is the new recorder. A recorder
/// started inside another's scope inherits its ``FlightRecorder/context`` (keys in `metadata` win).
///
/// ```swift
/// try await withFlightRecorder(logger: logger, timeout: .seconds(10)) { recorder in
///     recorder.info("+refresh")
///     try await cache.refresh()
/// }
/// ```
///
/// - Parameters:
///   - logger: Where the timeout warning and the replayed lines go.
///   - timeout: How long `body` may run before the recorder replays. Zero or negative: it replays at once
///     (everything `body` records is then logged live). A huge value such as `.seconds(Int64.max)` means
///     "never replay".
///   - clock: The clock that measures `timeout`; tests pass a `ManualClock`.
///   - timeSource: Where the recorded time stamps come from; the system clock in local time by default.
///   - metadata: Extra metadata for every replayed line; see ``FlightRecorder/context``.
///   - body: The work to watch; it gets the recorder.
/// - Returns: What `body` returns.
/// - Throws: What `body` throws; the buffered lines are dropped then too, unless the timeout had passed.
public func withFlightRecorder<Value, Failure: Error>(
    logger: Logger,
    timeout: Duration,
    clock: some Clock<Duration> = ContinuousClock(),
    timeSource: LogTimeSource = .localTime,
    metadata: Logger.Metadata = [:],
    _ body: (FlightRecorder) async throws(Failure) -> Value
) async throws(Failure) -> Value {
    let inherited = FlightRecorder.current?.context ?? [:]
    let recorder = FlightRecorder(
        logger: logger,
        timeout: timeout,
        timeSource: timeSource,
        context: inherited.merging(metadata) { _, new in new }
    )
    let result: Result<Value, Failure> = await withTaskGroup(of: Void.self) { group in
        group.addTask {
            do {
                try await clock.sleepBounded(for: timeout)
            } catch {
                return
            }
            recorder.replay()
        }
        let result = await FlightRecorder.$current.withValue(recorder) { () async -> Result<Value, Failure> in
            do throws(Failure) {
                return .success(try await body(recorder))
            } catch {
                return .failure(error)
            }
        }
        group.cancelAll()
        return result
    }
    recorder.finish()
    return try result.get()
}
