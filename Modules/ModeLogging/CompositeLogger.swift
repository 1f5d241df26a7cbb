public import Logging

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A logger that passes every message through a formatting closure first: Python Mode's
/// `CompositeLogger` with the `LogSeverityMixin` methods.
///
/// Python's `Service.log` used it to add the `[^--Label]: ` prefix to each message. In Swift a service's
/// logger carries that as metadata (``ModeMetadataKey``) instead, so the formatter is optional; use it for
/// any other per-owner rewriting.
///
/// ```swift
/// let log = CompositeLogger(logger: Logger(label: "app")) { level, message in "<\(level.modeName)> \(message)" }
/// log.warn("disk almost full")   // message: "<WARNING> disk almost full"
/// log.exception("Crashed", error: error)  // ERROR, with the error attached
/// ```
///
/// A value type; `Sendable`. Safe to use from any task.
public struct CompositeLogger: Sendable {
    /// Rewrites a message before it is logged.
    public typealias Formatter = @Sendable (Logger.Level, String) -> String

    /// The logger messages go to.
    public var logger: Logger

    /// The formatter, or `nil` to log messages as they are.
    public var formatter: Formatter?

    /// Whether ``dev(_:metadata:file:function:line:)`` logs.
    public var isDevelopmentLoggingEnabled: Bool

    /// Creates a composite logger.
    ///
    /// - Parameters:
    ///   - logger: The logger messages go to.
    ///   - developmentLogging: Whether `dev` messages are logged; by default, whether the `DEVLOG`
    ///     environment variable is set to a non-empty value, as in Python Mode.
    ///   - formatter: Rewrites each message; `nil` by default.
    public init(
        logger: Logger,
        developmentLogging: Bool = CompositeLogger.environmentDevelopmentLogging(),
        formatter: Formatter? = nil
    ) {
        self.logger = logger
        self.isDevelopmentLoggingEnabled = developmentLogging
        self.formatter = formatter
    }

    /// Whether the `DEVLOG` environment variable is set to a non-empty value.
    public static func environmentDevelopmentLogging() -> Bool {
        guard let value = getenv("DEVLOG") else { return false }
        return value.pointee != 0
    }

    /// Returns `message` as the formatter rewrites it for `level`.
    ///
    /// - Parameters:
    ///   - level: The level the message is logged at.
    ///   - message: The message.
    /// - Returns: The rewritten message, or `message` when there is no formatter.
    public func format(_ level: Logger.Level, _ message: String) -> String {
        self.formatter?(level, message) ?? message
    }

    /// Formats `message` and logs it at `level`.
    ///
    /// - Parameters:
    ///   - level: The level.
    ///   - message: The message, before formatting.
    ///   - error: An error to attach; ``ModeLogHandler`` prints it as `error=...`.
    ///   - metadata: Metadata for the line.
    ///   - file: The file the line comes from.
    ///   - function: The function the line comes from.
    ///   - line: The line number.
    public func log(
        level: Logger.Level,
        _ message: @autoclosure () -> String,
        error: (any Error)? = nil,
        metadata: @autoclosure () -> Logger.Metadata? = nil,
        file: String = #fileID,
        function: String = #function,
        line: UInt = #line
    ) {
        guard self.logger.logLevel <= level else { return }
        self.logger.log(
            level: level,
            "\(self.format(level, message()))",
            error: error,
            metadata: metadata(),
            file: file,
            function: function,
            line: line
        )
    }

    /// Logs at info level, but only when development logging is on (Python's `dev`, gated by `DEVLOG`).
    public func dev(
        _ message: @autoclosure () -> String,
        metadata: @autoclosure () -> Logger.Metadata? = nil,
        file: String = #fileID,
        function: String = #function,
        line: UInt = #line
    ) {
        guard self.isDevelopmentLoggingEnabled else { return }
        self.log(level: .info, message(), metadata: metadata(), file: file, function: function, line: line)
    }

    /// Logs at debug level.
    public func debug(
        _ message: @autoclosure () -> String,
        metadata: @autoclosure () -> Logger.Metadata? = nil,
        file: String = #fileID,
        function: String = #function,
        line: UInt = #line
    ) {
        self.log(level: .debug, message(), metadata: metadata(), file: file, function: function, line: line)
    }

    /// Logs at info level.
    public func info(
        _ message: @autoclosure () -> String,
        metadata: @autoclosure () -> Logger.Metadata? = nil,
        file: String = #fileID,
        function: String = #function,
        line: UInt = #line
    ) {
        self.log(level: .info, message(), metadata: metadata(), file: file, function: function, line: line)
    }

    /// Logs at notice level.
    public func notice(
        _ message: @autoclosure () -> String,
        metadata: @autoclosure () -> Logger.Metadata? = nil,
        file: String = #fileID,
        function: String = #function,
        line: UInt = #line
    ) {
        self.log(level: .notice, message(), metadata: metadata(), file: file, function: function, line: line)
    }

    /// Logs at warning level.
    public func warning(
        _ message: @autoclosure () -> String,
        metadata: @autoclosure () -> Logger.Metadata? = nil,
        file: String = #fileID,
        function: String = #function,
        line: UInt = #line
    ) {
        self.log(level: .warning, message(), metadata: metadata(), file: file, function: function, line: line)
    }

    /// Logs at warning level; Python's `warn`, an alias of ``warning(_:metadata:file:function:line:)``.
    public func warn(
        _ message: @autoclosure () -> String,
        metadata: @autoclosure () -> Logger.Metadata? = nil,
        file: String = #fileID,
        function: String = #function,
        line: UInt = #line
    ) {
        self.log(level: .warning, message(), metadata: metadata(), file: file, function: function, line: line)
    }

    /// Logs at error level.
    public func error(
        _ message: @autoclosure () -> String,
        metadata: @autoclosure () -> Logger.Metadata? = nil,
        file: String = #fileID,
        function: String = #function,
        line: UInt = #line
    ) {
        self.log(level: .error, message(), metadata: metadata(), file: file, function: function, line: line)
    }

    /// Logs at critical level.
    public func critical(
        _ message: @autoclosure () -> String,
        metadata: @autoclosure () -> Logger.Metadata? = nil,
        file: String = #fileID,
        function: String = #function,
        line: UInt = #line
    ) {
        self.log(level: .critical, message(), metadata: metadata(), file: file, function: function, line: line)
    }

    /// Logs at critical level; Python's old name `crit`.
    public func crit(
        _ message: @autoclosure () -> String,
        metadata: @autoclosure () -> Logger.Metadata? = nil,
        file: String = #fileID,
        function: String = #function,
        line: UInt = #line
    ) {
        self.log(level: .critical, message(), metadata: metadata(), file: file, function: function, line: line)
    }

    /// Logs at error level with `error` attached: Python's `exception`, which added the traceback.
    ///
    /// ``ModeLogHandler`` prints the error's description as `error=...` after the message.
    public func exception(
        _ message: @autoclosure () -> String,
        error: any Error,
        metadata: @autoclosure () -> Logger.Metadata? = nil,
        file: String = #fileID,
        function: String = #function,
        line: UInt = #line
    ) {
        self.log(
            level: .error,
            message(),
            error: error,
            metadata: metadata(),
            file: file,
            function: function,
            line: line
        )
    }
}
