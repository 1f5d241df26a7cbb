public import Logging

/// Makes ModeLogging's format swift-log's process-wide logging, once, the way Python Mode's
/// `setup_logging` does.
///
/// Lines go to `file` when one is given (appending, never coloured, as the original's file handler);
/// otherwise to `output`, standard error by default (where the original's records also end up). Each
/// factory in `handlers` adds one more handler that receives every line too, as the original's
/// `loghandlers`. Every handler gets `level`.
///
/// swift-log can be bootstrapped only once per process, so unlike Python's repeatable setup this never
/// replaces anything: a second call, or a call after the application bootstrapped swift-log itself,
/// changes nothing and says so in the result (see ``LoggingBootstrapper``).
///
/// ```swift
/// let outcome = try setupLogging(level: Logger.Level(parsing: "info"))
/// if outcome == .keptExistingBootstrap { /* the application's own logging stays */ }
/// ```
///
/// - Parameters:
///   - level: The lowest level printed; `.warning` by default, as Python's root logger.
///   - file: A log file to append to instead of `output`.
///   - output: Where lines go when there is no `file`; standard error by default.
///   - colors: When to colour (never for a file); ``LogColors/automatic`` by default.
///   - handlers: More handlers that receive every line, made per logger label.
///   - bootstrapper: The logging system to set up; ``LoggingBootstrapper/shared`` by default. Tests pass
///     their own.
/// - Returns: Whether the handler was installed, or why not.
/// - Throws: ``LoggingError`` with code `.cannotOpenFile` when `file` cannot be opened;
///   nothing is installed then.
@discardableResult
public func setupLogging(
    level: Logger.Level = .warning,
    file: String? = nil,
    output: LogOutput = .standardError,
    colors: LogColors = .automatic,
    handlers: [@Sendable (String) -> any LogHandler] = [],
    bootstrapper: LoggingBootstrapper = .shared
) throws(LoggingError) -> LoggingSetupOutcome {
    let destination = try file.map { path throws(LoggingError) in try LogOutput.file(path: path) } ?? output
    let colors = file == nil ? colors : .never
    return bootstrapper.bootstrap { label, metadataProvider in
        var main = ModeLogHandler(
            label: label,
            output: destination,
            level: level,
            colors: colors,
            metadataProvider: metadataProvider
        )
        main.logLevel = level
        guard !handlers.isEmpty else { return main }
        var all: [any LogHandler] = [main]
        for makeHandler in handlers {
            var extra = makeHandler(label)
            extra.logLevel = level
            all.append(extra)
        }
        return MultiplexLogHandler(all, metadataProvider: metadataProvider)
    }
}
