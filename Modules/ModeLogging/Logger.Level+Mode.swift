public import Logging

extension Logger.Level {
    /// Parses a level name the way Python Mode's `level_number` does, plus swift-log's own names.
    ///
    /// The match ignores case and surrounding spaces. Python's names map to swift-log's levels:
    /// `DEBUG` → `.debug`, `INFO` → `.info`, `WARN`/`WARNING` → `.warning`, `ERROR` → `.error`,
    /// `CRITICAL`/`FATAL` → `.critical`, `NOTSET` → `.trace` (everything). swift-log's `trace` and `notice`
    /// are accepted too, and so is a number written as text (`"20"`), read as ``init(number:)`` reads it.
    ///
    /// ```swift
    /// let level = try Logger.Level(parsing: "WARN")  // .warning
    /// ```
    ///
    /// - Parameter name: The level's name, such as `"info"` or `"WARN"`.
    /// - Throws: ``LoggingError`` with code `.unknownLevel` for an unknown name, or
    ///   ``LoggingError`` `.levelOutOfRange` for a number outside `0...50`.
    public init(parsing name: String) throws(LoggingError) {
        let trimmed = name.trimmingSpaces()
        if let number = Int(trimmed) {
            self = try Logger.Level(number: number)
            return
        }
        switch trimmed.uppercased() {
        case "NOTSET", "TRACE": self = .trace
        case "DEBUG": self = .debug
        case "INFO": self = .info
        case "NOTICE": self = .notice
        case "WARN", "WARNING": self = .warning
        case "ERROR": self = .error
        case "CRITICAL", "FATAL": self = .critical
        default: throw LoggingError.unknownLevel(name)
        }
    }

    /// Reads one of Python's numeric levels as the swift-log level with the same threshold.
    ///
    /// Python emits a record when its number is at least the level's number, so a number maps to the first
    /// swift-log level at or above it (trace counting as 5): `0...5` → `.trace`, `6...10` → `.debug`,
    /// `11...20` → `.info`, `21...25` → `.notice`, `26...30` → `.warning`, `31...40` → `.error`,
    /// `41...50` → `.critical`.
    ///
    /// ```swift
    /// let level = try Logger.Level(number: 20)  // .info
    /// ```
    ///
    /// - Parameter number: The level number, as in Python's `logging` (`10` DEBUG … `50` CRITICAL).
    /// - Throws: ``LoggingError`` with code `.levelOutOfRange` outside `0...50`.
    public init(number: Int) throws(LoggingError) {
        switch number {
        case 0...5: self = .trace
        case 6...10: self = .debug
        case 11...20: self = .info
        case 21...25: self = .notice
        case 26...30: self = .warning
        case 31...40: self = .error
        case 41...50: self = .critical
        default: throw LoggingError.levelOutOfRange(number)
        }
    }

    /// The level's name as the log line prints it: `"DEBUG"`, `"INFO"`, `"WARNING"`, `"ERROR"`,
    /// `"CRITICAL"`, and swift-log's `"TRACE"` and `"NOTICE"`.
    ///
    /// Python's `level_name`: `WARN` prints as `"WARNING"`.
    public var modeName: String {
        switch self {
        case .trace: "TRACE"
        case .debug: "DEBUG"
        case .info: "INFO"
        case .notice: "NOTICE"
        case .warning: "WARNING"
        case .error: "ERROR"
        case .critical: "CRITICAL"
        }
    }

    /// The level's number on Python's scale: trace 5, debug 10, info 20, notice 25, warning 30, error 40,
    /// critical 50.
    public var modeNumber: Int {
        switch self {
        case .trace: 5
        case .debug: 10
        case .info: 20
        case .notice: 25
        case .warning: 30
        case .error: 40
        case .critical: 50
        }
    }
}

extension String {
    /// The string without leading and trailing spaces, tabs and newlines.
    func trimmingSpaces() -> String {
        let isSpace: (Character) -> Bool = { $0 == " " || $0 == "\t" || $0 == "\n" || $0 == "\r" }
        guard let first = self.firstIndex(where: { !isSpace($0) }),
            let last = self.lastIndex(where: { !isSpace($0) })
        else { return "" }
        return String(self[first...last])
    }
}
