import ModeConcurrencyHelpers

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Where a ``ModeLogHandler`` writes its lines: standard error, standard output, a file, or a closure.
///
/// ``standardError`` and ``standardOutput`` write to a *copy* of the process's descriptor 2 or 1, taken the
/// first time either is used (and at the latest when ``StdioRedirection`` starts). So when standard output
/// and standard error are redirected into the log, the log itself still reaches the real terminal, and the
/// redirect cannot loop.
///
/// ```swift
/// let file = try LogOutput.file(path: "/var/log/app.log")
/// let handler = ModeLogHandler(label: "app", output: file)
/// ```
///
/// Safe to use from any task: for a descriptor, a lock keeps each line whole when several tasks write at
/// once.
public final class LogOutput: Sendable {
    private enum Sink: Sendable {
        case descriptor(Int32, closeOnDeinit: Bool)
        case closure(@Sendable (String) -> Void, isTerminal: Bool)
    }

    private let sink: Sink
    // Not `Locked(())`: ThreadSanitizer reports the exclusivity access to a zero-sized value inside the lock
    // as a race between two logging threads (seen with the Worker's lines under `--sanitize=thread`).
    private let lock = Locked(0)

    /// Whether the destination is a terminal (`isatty`); a closure output says so itself.
    public let isTerminal: Bool

    /// Writes to `fileDescriptor`.
    ///
    /// - Parameters:
    ///   - fileDescriptor: An open descriptor to write to.
    ///   - closeOnDeinit: Whether to close it when this output is released; `false` by default.
    public init(fileDescriptor: Int32, closeOnDeinit: Bool = false) {
        self.sink = .descriptor(fileDescriptor, closeOnDeinit: closeOnDeinit)
        self.isTerminal = isatty(fileDescriptor) == 1
    }

    /// Hands every line (with its newline) to `write`, for tests and custom destinations.
    ///
    /// - Parameters:
    ///   - isTerminal: What ``isTerminal`` reports; `false` by default, so colours stay off.
    ///   - write: Called once per line, from whichever task logs; it may be called from several tasks at
    ///     once, so it must be thread-safe itself.
    public init(isTerminal: Bool = false, _ write: @escaping @Sendable (String) -> Void) {
        self.sink = .closure(write, isTerminal: isTerminal)
        self.isTerminal = isTerminal
    }

    deinit {
        if case .descriptor(let descriptor, closeOnDeinit: true) = self.sink {
            close(descriptor)
        }
    }

    /// The process's standard error, as it was when this output was first used.
    public static let standardError = LogOutput.duplicating(STDERR_FILENO)

    /// The process's standard output, as it was when this output was first used.
    public static let standardOutput = LogOutput.duplicating(STDOUT_FILENO)

    /// Opens `path` for appending, creating it (mode 0644) if needed.
    ///
    /// - Parameter path: The log file's path.
    /// - Returns: An output that closes the file when released.
    /// - Throws: ``LoggingError`` with code `.cannotOpenFile` when `open` fails.
    public static func file(path: String) throws(LoggingError) -> LogOutput {
        let descriptor = open(path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0o644)
        guard descriptor >= 0 else { throw LoggingError.cannotOpenFile(path, errno: errno) }
        return LogOutput(fileDescriptor: descriptor, closeOnDeinit: true)
    }

    /// Writes `line` whole; a write error is ignored, as logging never fails its caller.
    ///
    /// - Parameter line: The text to write, normally ending in a newline.
    public func write(_ line: String) {
        switch self.sink {
        case .closure(let write, _):
            write(line)
        case .descriptor(let descriptor, _):
            self.lock.withLock { _ in writeAll(descriptor, line) }
        }
    }

    private static func duplicating(_ descriptor: Int32) -> LogOutput {
        let copy = fcntl(descriptor, F_DUPFD_CLOEXEC, 0)
        guard copy >= 0 else { return LogOutput(fileDescriptor: descriptor) }
        return LogOutput(fileDescriptor: copy, closeOnDeinit: true)
    }
}

/// Writes all of `text` to `descriptor`, retrying short and interrupted writes; other errors are ignored
/// (there is nowhere left to report them). ModeWorker writes its banner and stderr messages with it too.
package func writeAll(_ descriptor: Int32, _ text: String) {
    var bytes = Array(text.utf8)
    bytes.withUnsafeMutableBytes { buffer in
        var offset = 0
        while offset < buffer.count {
            let written = writeBytes(descriptor, buffer.baseAddress! + offset, buffer.count - offset)
            if written < 0 {
                if errno == EINTR { continue }
                return
            }
            offset += written
        }
    }
}

/// `write(2)`, named apart from ``LogOutput/write(_:)``.
func writeBytes(_ descriptor: Int32, _ bytes: UnsafeRawPointer, _ count: Int) -> Int {
    write(descriptor, bytes, count)
}
