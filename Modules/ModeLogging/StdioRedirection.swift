public import Logging
import ModeConcurrencyHelpers

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Sends everything the process writes to standard output and standard error into a logger, one log line
/// per text line, until ``restore()``: Python Mode's `redirect_stdouts`, which the Worker turns on.
///
/// Starting replaces descriptors 1 and 2 (or the ``Stream``s given) with the write end of a pipe, using
/// `dup2`, so `print`, C's `printf`, and child libraries' writes are all caught. A reader thread splits
/// what arrives into lines, trims them, skips blank ones, and logs each at the chosen level. ``restore()``
/// puts back the descriptors that were there before and waits until every captured line has been logged.
///
/// ```swift
/// let redirection = try StdioRedirection.start(logger: Logger(label: "mode.redirect"), level: .warning)
/// print("hello from print")  // [2026-11-21 15:47:12,159: WARNING]: hello from print
/// redirection.restore()
/// ```
///
/// - Important: The logger's handlers must not write to the redirected descriptors themselves, or each
///   line would come back through the pipe forever. ``ModeLogHandler`` on ``LogOutput/standardError`` or
///   ``LogOutput/standardOutput`` is safe: those write to copies of the descriptors taken before the
///   redirect. swift-log's own `StreamLogHandler` is not.
/// - Important: ``restore()`` waits for the pipe's end of file, so a child process that inherited the
///   redirected descriptors and still runs keeps it waiting.
///
/// Safe to use from any task; ``restore()`` may be called more than once, and only the first call acts.
public final class StdioRedirection: Sendable {
    /// A descriptor to redirect.
    public struct Stream: Hashable, Sendable {
        /// The descriptor number.
        public let fileDescriptor: Int32

        /// Any open descriptor; tests use one of their own to stay clear of the test runner's output.
        ///
        /// - Parameter fileDescriptor: The descriptor number.
        public init(fileDescriptor: Int32) {
            self.fileDescriptor = fileDescriptor
        }

        /// Descriptor 1.
        public static let standardOutput = Stream(fileDescriptor: STDOUT_FILENO)
        /// Descriptor 2.
        public static let standardError = Stream(fileDescriptor: STDERR_FILENO)
    }

    private struct Saved: Sendable {
        var stream: Int32
        var copy: Int32
    }

    private struct State: Sendable {
        var saved: [Saved]
        var reader: pthread_t?
    }

    private let state: Locked<State?>

    private init(saved: [Saved], reader: pthread_t) {
        self.state = Locked(State(saved: saved, reader: reader))
    }

    /// Redirects `streams` into `logger`.
    ///
    /// - Parameters:
    ///   - logger: Where captured lines go; Python's default is a logger labelled `mode.redirect`.
    ///   - level: The level captured lines are logged at; `.warning` by default, as the Worker's.
    ///   - streams: The descriptors to redirect; standard output and standard error by default.
    /// - Returns: The running redirection; call ``restore()`` to end it.
    /// - Throws: ``LoggingError`` with code `.redirectFailed` when `pipe`, `dup` or
    ///   `dup2` fails; every descriptor is then as it was.
    public static func start(
        logger: Logger,
        level: Logger.Level = .warning,
        streams: [Stream] = [.standardOutput, .standardError]
    ) throws(LoggingError) -> StdioRedirection {
        // Take the handlers' copies of the real descriptors before they are replaced.
        _ = LogOutput.standardError
        _ = LogOutput.standardOutput
        fflush(nil)
        var ends: [Int32] = [0, 0]
        guard pipe(&ends) == 0 else { throw LoggingError.redirectFailed("pipe", errno: errno) }
        let (readEnd, writeEnd) = (ends[0], ends[1])
        _ = fcntl(readEnd, F_SETFD, FD_CLOEXEC)
        _ = fcntl(writeEnd, F_SETFD, FD_CLOEXEC)
        var saved: [Saved] = []
        for stream in Self.unique(streams) {
            let copy = fcntl(stream.fileDescriptor, F_DUPFD_CLOEXEC, 0)
            guard copy >= 0 else {
                let failure = errno
                Self.putBack(saved)
                close(readEnd)
                close(writeEnd)
                throw LoggingError.redirectFailed("dup", errno: failure)
            }
            guard dup2(writeEnd, stream.fileDescriptor) >= 0 else {
                let failure = errno
                close(copy)
                Self.putBack(saved)
                close(readEnd)
                close(writeEnd)
                throw LoggingError.redirectFailed("dup2", errno: failure)
            }
            saved.append(Saved(stream: stream.fileDescriptor, copy: copy))
        }
        close(writeEnd)
        let context = Unmanaged.passRetained(LineReader(descriptor: readEnd, logger: logger, level: level))
        #if canImport(Darwin)
        var handle: pthread_t? = nil
        let status = pthread_create(&handle, nil, runLineReader, context.toOpaque())
        let reader = handle
        #else
        var handle = pthread_t()
        let status = pthread_create(&handle, nil, runLineReader, context.toOpaque())
        let reader: pthread_t? = handle
        #endif
        guard status == 0, let reader else {
            context.release()
            Self.putBack(saved)
            close(readEnd)
            throw LoggingError.redirectFailed("pthread_create", errno: status)
        }
        return StdioRedirection(saved: saved, reader: reader)
    }

    /// Puts the original descriptors back and returns once every captured line has been logged.
    ///
    /// Unlike Python, which restores `sys.__stdout__`, this restores what the descriptors were when the
    /// redirection started, so redirections nest. Calling it again does nothing.
    public func restore() {
        guard
            let taken = self.state.withLock({ state -> State? in
                defer { state = nil }
                return state
            })
        else { return }
        fflush(nil)
        Self.putBack(taken.saved)
        if let reader = taken.reader {
            pthread_join(reader, nil)
        }
    }

    private static func putBack(_ saved: [Saved]) {
        for entry in saved.reversed() {
            _ = dup2(entry.copy, entry.stream)
            close(entry.copy)
        }
    }

    private static func unique(_ streams: [Stream]) -> [Stream] {
        var seen: Set<Stream> = []
        return streams.filter { seen.insert($0).inserted }
    }
}

/// Runs `body` with `streams` redirected into `logger`, and restores them when it returns or throws.
///
/// ```swift
/// try await withRedirectedStdio(to: Logger(label: "mode.redirect")) {
///     print("hello from print")  // logged at WARNING
/// }
/// ```
///
/// - Parameters:
///   - logger: Where captured lines go.
///   - level: The level captured lines are logged at; `.warning` by default.
///   - streams: The descriptors to redirect; standard output and standard error by default.
///   - body: The work to run while redirected.
/// - Returns: What `body` returns.
/// - Throws: ``LoggingError`` when the redirect cannot start (then `body` does not run), or what `body`
///   throws.
public func withRedirectedStdio<Value>(
    to logger: Logger,
    level: Logger.Level = .warning,
    streams: [StdioRedirection.Stream] = [.standardOutput, .standardError],
    _ body: () async throws -> Value
) async throws -> Value {
    let redirection = try StdioRedirection.start(logger: logger, level: level, streams: streams)
    defer { redirection.restore() }
    return try await body()
}

/// The reader thread's state: it owns the pipe's read end and closes it at end of file.
private final class LineReader: Sendable {
    let descriptor: Int32
    let logger: Logger
    let level: Logger.Level

    init(descriptor: Int32, logger: Logger, level: Logger.Level) {
        self.descriptor = descriptor
        self.logger = logger
        self.level = level
    }

    func run() {
        var pending: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 4096)
        while true {
            let count = buffer.withUnsafeMutableBytes { read(self.descriptor, $0.baseAddress, $0.count) }
            if count < 0 && errno == EINTR { continue }
            if count <= 0 { break }
            pending.append(contentsOf: buffer[0..<count])
            while let newline = pending.firstIndex(of: UInt8(ascii: "\n")) {
                self.emit(pending[..<newline])
                pending.removeSubrange(...newline)
            }
        }
        self.emit(pending[...])
        close(self.descriptor)
    }

    private func emit(_ bytes: ArraySlice<UInt8>) {
        let line = String(decoding: bytes, as: UTF8.self).trimmingSpaces()
        guard !line.isEmpty else { return }
        self.logger.log(level: self.level, "\(line)")
    }
}

#if canImport(Darwin)
private func runLineReader(_ context: UnsafeMutableRawPointer) -> UnsafeMutableRawPointer? {
    Unmanaged<LineReader>.fromOpaque(context).takeRetainedValue().run()
    return nil
}
#else
private func runLineReader(_ context: UnsafeMutableRawPointer?) -> UnsafeMutableRawPointer? {
    guard let context else { return nil }
    Unmanaged<LineReader>.fromOpaque(context).takeRetainedValue().run()
    return nil
}
#endif
