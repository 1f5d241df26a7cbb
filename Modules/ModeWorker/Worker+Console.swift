import ModeCore
import ModeLogging

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

// What the Worker writes outside the log: the banner, `say` and `carp`.
extension Worker {
    nonisolated func sayBanner() {
        guard !self.options.quiet else { return }
        let names = self.services.map(\.label).joined(separator: ", ")
        let destination = self.options.logFile ?? "stderr"
        let mode =
            self.options.daemon
            ? "daemon: SIGINT/SIGTERM stop, SIGUSR1 logs the tree, SIGHUP reloads"
            : "runs until its services' work is done"
        self.say(
            """
            ModeWorker (pid \(getpid())) starting \(self.services.count) service(s): \(names.isEmpty ? "none" : names)
              logging \(self.options.logLevel) to \(destination); \(mode)
            """
        )
    }

    /// Writes `message` and a newline to standard output, unless ``WorkerOptions/quiet`` is set.
    ///
    /// - Parameter message: The text.
    public nonisolated func say(_ message: String) {
        guard !self.options.quiet else { return }
        writeAll(STDOUT_FILENO, message + "\n")
    }

    /// Writes `message` and a newline to standard error, unless ``WorkerOptions/quiet`` is set.
    ///
    /// - Parameter message: The text.
    public nonisolated func carp(_ message: String) {
        guard !self.options.quiet else { return }
        writeAll(STDERR_FILENO, message + "\n")
    }
}

