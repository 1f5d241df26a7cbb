public import Logging

/// A swift-log handler that prints Python Mode's log line.
///
/// Each line reads `[2026-11-21 15:47:12,159: INFO]: [^--Webserver]: Starting... key=value`:
/// - the local time stamp (see ``LogTimeSource``) and the level's name (`Logger.Level.modeName`);
/// - when the line carries ``ModeMetadataKey/service``, the service prefix: `[^`, one `-` per level of
///   ``ModeMetadataKey/depth`` below the root, the label, `]: `;
/// - the message;
/// - any other metadata (the handler's, the metadata provider's and the line's own, the line winning),
///   sorted by key, as ` key=value, key=value`; an error passed to the log call prints as `error=...`.
///
/// Colours follow ``LogColors``.
///
/// ```swift
/// LoggingSystem.bootstrap { label in ModeLogHandler(label: label, level: .debug) }
/// ```
///
/// A value type, as swift-log requires; `Sendable`. Logging from several tasks at once is safe: the
/// ``LogOutput`` writes each line whole.
public struct ModeLogHandler: LogHandler {
    /// The logger's label; the line does not print it.
    public let label: String

    /// Where lines go.
    public let output: LogOutput

    /// Whether lines carry colour escapes, decided once from ``LogColors`` and the output.
    public let usesColor: Bool

    /// Where time stamps come from.
    public let timeSource: LogTimeSource

    /// The lowest level this handler prints.
    public var logLevel: Logger.Level

    /// Metadata added to every line.
    public var metadata: Logger.Metadata

    /// Metadata read at each log call, such as a request identifier from a task local.
    public var metadataProvider: Logger.MetadataProvider?

    /// Creates a handler.
    ///
    /// - Parameters:
    ///   - label: The logger's label.
    ///   - output: Where to write; standard error by default.
    ///   - level: The lowest level to print; `.info` by default, as swift-log's own handler.
    ///   - colors: When to colour; ``LogColors/automatic`` by default.
    ///   - timeSource: Where time stamps come from; the system clock in local time by default.
    ///   - metadataProvider: The metadata provider; the one given to `LoggingSystem.bootstrap` by default.
    public init(
        label: String,
        output: LogOutput = .standardError,
        level: Logger.Level = .info,
        colors: LogColors = .automatic,
        timeSource: LogTimeSource = .localTime,
        metadataProvider: Logger.MetadataProvider? = LoggingSystem.metadataProvider
    ) {
        self.label = label
        self.output = output
        self.usesColor = colors.isEnabled(isTerminal: output.isTerminal)
        self.timeSource = timeSource
        self.logLevel = level
        self.metadata = [:]
        self.metadataProvider = metadataProvider
    }

    /// Reads or writes one key of ``metadata``.
    public subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { self.metadata[key] }
        set { self.metadata[key] = newValue }
    }

    /// Formats `event` and writes it to ``output``.
    ///
    /// - Parameter event: The log event.
    public func log(event: LogEvent) {
        self.output.write(self.format(event) + "\n")
    }

    /// The line `event` prints as, without the final newline.
    ///
    /// - Parameter event: The log event.
    /// - Returns: The formatted line, with colour escapes when ``usesColor`` is set.
    public func format(_ event: LogEvent) -> String {
        var merged = self.metadata
        if let provided = self.metadataProvider?.get() {
            merged.merge(provided) { _, new in new }
        }
        if let own = event.metadata {
            merged.merge(own) { _, new in new }
        }
        if let error = event.error, merged["error"] == nil {
            merged["error"] = .string("\(error)")
        }
        var body = ""
        if let service = merged.removeValue(forKey: ModeMetadataKey.service) {
            let depth = merged.removeValue(forKey: ModeMetadataKey.depth).flatMap { Int("\($0)") } ?? 1
            body += "[^" + String(repeating: "-", count: max(depth - 1, 0)) + "\(service)]: "
        } else {
            merged.removeValue(forKey: ModeMetadataKey.depth)
        }
        body += event.message.description
        if !merged.isEmpty {
            body += " " + merged.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }.joined(separator: ", ")
        }
        let head = "[\(self.timeSource.timestamp(self.timeSource.now())): \(event.level.modeName)]: "
        if self.usesColor {
            return head + LogColors.escape(for: event.level) + body + LogColors.reset
        }
        return head + body
    }
}
