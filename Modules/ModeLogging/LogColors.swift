public import Logging

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// When a ``ModeLogHandler`` colours its lines by level.
///
/// ``automatic`` (the default) colours only when the output is a terminal and the `NO_COLOR` environment
/// variable is unset or empty (see no-color.org). The colours are the original's: DEBUG blue, INFO white,
/// WARNING yellow, ERROR red, CRITICAL bold red; swift-log's TRACE is blue and NOTICE white. Only the
/// message and its metadata are coloured, not the time stamp and level.
///
/// ```swift
/// let handler = ModeLogHandler(label: "app", colors: .never)
/// ```
///
/// A value type; `Sendable`.
public struct LogColors: Hashable, Sendable {
    private enum Mode: Hashable, Sendable {
        case automatic
        case always
        case never
    }

    private let mode: Mode

    private init(_ mode: Mode) {
        self.mode = mode
    }

    /// Colours on a terminal, unless `NO_COLOR` is set to a non-empty value.
    public static let automatic = LogColors(.automatic)
    /// Always colours, even into a file or a pipe.
    public static let always = LogColors(.always)
    /// Never colours.
    public static let never = LogColors(.never)

    /// Decides whether to colour.
    ///
    /// - Parameters:
    ///   - isTerminal: Whether the output is a terminal.
    ///   - noColor: The value of `NO_COLOR`; read from the environment by default.
    /// - Returns: `true` to colour.
    public func isEnabled(isTerminal: Bool, noColor: String? = LogColors.environmentNoColor()) -> Bool {
        switch self.mode {
        case .always: true
        case .never: false
        case .automatic: isTerminal && (noColor ?? "").isEmpty
        }
    }

    /// The value of the `NO_COLOR` environment variable, or `nil` when it is unset.
    public static func environmentNoColor() -> String? {
        guard let value = getenv("NO_COLOR") else { return nil }
        return String(cString: value)
    }

    /// The ANSI escape that starts `level`'s colour.
    ///
    /// - Parameter level: The line's level.
    /// - Returns: An escape sequence such as `"\u{1B}[33m"` for a warning.
    public static func escape(for level: Logger.Level) -> String {
        switch level {
        case .trace, .debug: "\u{1B}[34m"
        case .info, .notice: "\u{1B}[37m"
        case .warning: "\u{1B}[33m"
        case .error: "\u{1B}[31m"
        case .critical: "\u{1B}[1;31m"
        }
    }

    /// The ANSI escape that resets the colour, `"\u{1B}[0m"`.
    public static let reset = "\u{1B}[0m"
}
