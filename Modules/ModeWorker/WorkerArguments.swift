public import ArgumentParser
import Logging
import ModeLogging

/// The Worker's command-line options, to embed in a program's own command with `@OptionGroup`.
///
/// `--loglevel`, `--logfile`, `--quiet` and `--no-color` set the logging options of ``WorkerOptions``. Your
/// program adds its own options next to them, in its own `ParsableCommand` (or `AsyncParsableCommand`):
///
/// ```swift
/// import ArgumentParser
/// import ModeWorker
///
/// @main
/// struct Server: ParsableCommand {
///     @OptionGroup var worker: WorkerArguments
///     @Option(help: "The port to listen on.") var port = 8000
///
///     func run() throws {
///         let options = try worker.options()
///         Worker(options: options) { [App(port: port)] }.run()
///     }
/// }
/// ```
///
/// `server --port 9000 --loglevel debug --no-color` then works, and `--help` lists all of them.
public struct WorkerArguments: ParsableArguments {
    /// `--loglevel`: the lowest level logged (trace, debug, info, notice, warning, error, critical).
    @Option(
        name: .customLong("loglevel"),
        help: "The lowest level logged: trace, debug, info, notice, warning, error or critical (default: info)."
    )
    public var logLevel: String?

    /// `--logfile`: a file to append the log to instead of standard error.
    @Option(name: .customLong("logfile"), help: "Append the log to this file instead of standard error.")
    public var logFile: String?

    /// `--quiet` / `-q`: leave out the start banner.
    @Flag(name: [.customLong("quiet"), .customShort("q")], help: "Do not print the start banner.")
    public var quiet = false

    /// `--no-color`: never colour log lines (they are never coloured off a terminal anyway).
    @Flag(name: .customLong("no-color"), help: "Never colour log lines.")
    public var noColor = false

    /// Creates the arguments with no option given.
    public init() {}

    /// Rejects an unknown log level or an empty log file name, so the parser reports them as usage errors.
    ///
    /// - Throws: `ValidationError` naming the bad value.
    public func validate() throws {
        if let logLevel {
            do {
                _ = try Logger.Level(parsing: logLevel)
            } catch {
                throw ValidationError("\(error)")
            }
        }
        if let logFile, logFile.isEmpty {
            throw ValidationError("--logfile needs a file name")
        }
    }

    /// `base` with the options given on the command line applied.
    ///
    /// - Parameter base: The options to start from; the defaults by default.
    /// - Returns: The options to create the ``Worker`` with.
    /// - Throws: `ValidationError` for an unknown log level.
    public func options(_ base: WorkerOptions = WorkerOptions()) throws -> WorkerOptions {
        try self.validate()
        var options = base
        if let logLevel { options.logLevel = try Logger.Level(parsing: logLevel) }
        if let logFile { options.logFile = logFile }
        if self.quiet { options.quiet = true }
        if self.noColor { options.colors = .never }
        return options
    }
}

extension WorkerArguments: Sendable {}
