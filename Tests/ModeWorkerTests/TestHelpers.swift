import InMemoryLogging
import Logging
import ModeCore
import ModeLogging
import ModeTesting
import ModeWorker

#if canImport(Glibc)
import Glibc
#endif

/// Options for an in-process Worker: no logging setup, no signal trapping, no banner, a memory logger.
func testOptions(
    logger: Logger,
    clock: any Clock<Duration> = ManualClock(),
    daemon: Bool = true,
    stopDeadline: Duration? = .seconds(5),
    environment: [String: String] = [:]
) -> WorkerOptions {
    WorkerOptions(
        daemon: daemon,
        stopDeadline: stopDeadline,
        quiet: true,
        setsUpLogging: false,
        handlesSignals: false,
        duplicateSignalWindow: .zero,
        logger: logger,
        environment: environment,
        clock: clock
    )
}

/// The memory log as `Label: message` lines (`message` alone for lines of no service).
func logLines(_ handler: InMemoryLogHandler) -> [String] {
    handler.entries.map { entry in
        if let service = entry.metadata[ModeMetadataKey.service] { return "\(service): \(entry.message)" }
        return "\(entry.message)"
    }
}

/// A unix datagram socket a test binds, to receive what a notifier sends (`NOTIFY_SOCKET`).
final class DatagramReceiver: Sendable {
    let path: String
    private let descriptor: Int32

    /// Binds a socket at `path`; a path starting with `@` is an abstract-namespace name.
    init(path: String) throws {
        self.path = path
        self.descriptor = socket(AF_UNIX, Int32(SOCK_DGRAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        guard self.descriptor >= 0 else { throw POSIXFailure(what: "socket", code: errno) }
        var address = sockaddr_un()
        address.sun_family = sa_family_t(AF_UNIX)
        var bytes = Array(path.utf8)
        let abstract = bytes.first == UInt8(ascii: "@")
        if abstract { bytes[0] = 0 } else { unlink(path) }
        withUnsafeMutableBytes(of: &address.sun_path) { $0.copyBytes(from: bytes) }
        let length = socklen_t(MemoryLayout<sockaddr_un>.offset(of: \.sun_path)! + bytes.count + (abstract ? 0 : 1))
        let bound = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(self.descriptor, $0, length) }
        }
        guard bound == 0 else { throw POSIXFailure(what: "bind", code: errno) }
        var timeout = timeval(tv_sec: 10, tv_usec: 0)  // a bound on every receive, so nothing hangs CI
        setsockopt(self.descriptor, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
    }

    deinit {
        close(self.descriptor)
        if !self.path.hasPrefix("@") { unlink(self.path) }
    }

    /// The next datagram, or `nil` after the 10-second bound.
    func receive() -> String? {
        var buffer = [UInt8](repeating: 0, count: 4096)
        let count = buffer.withUnsafeMutableBytes { recv(self.descriptor, $0.baseAddress, $0.count, 0) }
        guard count >= 0 else { return nil }
        return String(decoding: buffer[0..<count], as: UTF8.self)
    }

    /// Datagrams until one contains `marker` (included), at most `limit` of them.
    func receive(until marker: String, limit: Int = 200) -> [String] {
        var messages: [String] = []
        while messages.count < limit, let message = self.receive() {
            messages.append(message)
            if message.contains(marker) { break }
        }
        return messages
    }
}

struct POSIXFailure: Error {
    var what: String
    var code: Int32
}

/// A name no other test run uses.
func uniqueName(_ prefix: String) -> String {
    "\(prefix)-\(getpid())-\(UInt32.random(in: 0...UInt32.max))"
}

/// Runs blocking test code (a `recv`, a poll) on a thread of its own, never on the cooperative pool, whose
/// few threads the code under test needs.
func offPool<T: Sendable>(_ body: @escaping @Sendable () throws -> T) async throws -> T {
    let thread = ServiceThread(name: "test-blocking")
    defer { thread.shutdown() }
    return try await thread.run(body)
}
