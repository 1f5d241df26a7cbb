#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

@_exported public import ModeErrors

/// An error thrown by ModeLogging: a bad level name, a log file that cannot be opened, or a redirect
/// that the system refused.
///
/// Equality compares ``code`` only; ``message`` carries the details.
///
/// ```swift
/// do {
///     _ = try Logger.Level(parsing: "loud")
/// } catch let error as LoggingError where error.code == .unknownLevel {
///     print(error)  // Unknown log level "loud". Use one of: trace, debug, info, notice, warn, warning, ...
/// }
/// ```
///
/// A value type; `Sendable`.
public struct LoggingError: ModeError {
    /// The kind of failure; new codes may appear in minor releases.
    public typealias Code = ModeErrorCode<LoggingError>

    /// What went wrong.
    public let code: Code

    /// What went wrong and what to do about it; not part of equality.
    public let message: String

    private init(code: Code, message: String) {
        self.code = code
        self.message = message
    }

    /// A level name was not recognised.
    ///
    /// - Parameter name: The name as given.
    /// - Returns: An error with code `.unknownLevel`.
    public static func unknownLevel(_ name: String) -> Self {
        Self(
            code: .unknownLevel,
            message: "Unknown log level \"\(name)\". Use one of: trace, debug, info, notice, warn, warning, "
                + "error, critical, fatal (any case), or a number from 0 to 50."
        )
    }

    /// A numeric level was outside the range Python's levels cover.
    ///
    /// - Parameter number: The number as given.
    /// - Returns: An error with code `.levelOutOfRange`.
    public static func levelOutOfRange(_ number: Int) -> Self {
        Self(
            code: .levelOutOfRange,
            message: "Log level \(number) is out of range. Use a number from 0 (NOTSET) to 50 (CRITICAL), "
                + "e.g. 10 DEBUG, 20 INFO, 30 WARNING, 40 ERROR."
        )
    }

    /// The log file could not be opened.
    ///
    /// - Parameters:
    ///   - path: The file's path.
    ///   - errno: The system error number `open` reported.
    /// - Returns: An error with code `.cannotOpenFile`.
    public static func cannotOpenFile(_ path: String, errno: Int32) -> Self {
        Self(
            code: .cannotOpenFile,
            message: "Cannot open log file \"\(path)\" for appending: \(Self.describe(errno: errno)). "
                + "Check that its directory exists and is writable."
        )
    }

    /// A system call needed for redirecting standard output or standard error failed.
    ///
    /// - Parameters:
    ///   - call: The system call that failed, such as `"pipe"`.
    ///   - errno: The system error number it reported.
    /// - Returns: An error with code `.redirectFailed`.
    public static func redirectFailed(_ call: String, errno: Int32) -> Self {
        Self(
            code: .redirectFailed,
            message: "Cannot redirect standard output/error into the log: \(call) failed: "
                + "\(Self.describe(errno: errno)). The streams were left as they were."
        )
    }

    private static func describe(errno: Int32) -> String {
        guard let text = strerror(errno) else { return "error \(errno)" }
        return "\(String(cString: text)) (errno \(errno))"
    }
}

extension ModeErrorCode where Domain == LoggingError {
    /// A level name that neither Python's `logging` nor swift-log knows.
    public static var unknownLevel: Self { Self("unknownLevel") }
    /// A numeric level outside `0...50`.
    public static var levelOutOfRange: Self { Self("levelOutOfRange") }
    /// The log file could not be opened for appending.
    public static var cannotOpenFile: Self { Self("cannotOpenFile") }
    /// `pipe`, `dup` or `dup2` failed while redirecting standard output or standard error.
    public static var redirectFailed: Self { Self("redirectFailed") }
}
