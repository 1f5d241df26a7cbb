#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// Sends systemd's service notifications (`sd_notify`) over the datagram socket named by `NOTIFY_SOCKET`.
///
/// With `Type=notify` in the unit file, systemd sets `NOTIFY_SOCKET` and waits for `READY=1` before it counts
/// the service as started; with `WatchdogSec=` it also sets `WATCHDOG_USEC` and restarts the service when the
/// `WATCHDOG=1` pings stop. The ``Worker`` sends `READY=1` once every service has started, `STOPPING=1` when a
/// stop begins, `RELOADING=1` around a reload, `STATUS=` lines, and the watchdog pings (only while its executor
/// monitor is healthy). When `NOTIFY_SOCKET` is unset, nothing is sent and nothing is logged.
///
/// Paths starting with `@` are Linux abstract-namespace sockets, as systemd writes them.
///
/// ```swift
/// let notifier = SystemdNotifier()
/// notifier.notify("READY=1", "STATUS=Serving on port 8000")
/// ```
///
/// A value type; `Sendable`. Each message opens and closes its own socket, so it is safe from any task.
public struct SystemdNotifier: Sendable {
    /// The socket path from `NOTIFY_SOCKET`, or `nil` when it is unset or empty.
    public let socketPath: String?

    /// How often systemd expects a `WATCHDOG=1` (from `WATCHDOG_USEC`); ping at half of it.
    ///
    /// `nil` when there is no watchdog for this process: unset, zero, malformed, or `WATCHDOG_PID` names another
    /// process.
    public let watchdogTimeout: Duration?

    /// Reads the settings from `environment`.
    ///
    /// - Parameter environment: The variables to read; the process's environment by default.
    public init(environment: [String: String]? = nil) {
        let value: (String) -> String? = { name in
            if let environment { return environment[name] }
            guard let raw = getenv(name) else { return nil }
            return String(cString: raw)
        }
        let path = value("NOTIFY_SOCKET")
        self.socketPath = (path?.isEmpty ?? true) ? nil : path
        var watchdog: Duration?
        if let usec = value("WATCHDOG_USEC").flatMap({ Int64($0) }), usec > 0 {
            let pid = value("WATCHDOG_PID").flatMap { Int32($0) }
            if pid == nil || pid == getpid() { watchdog = .microseconds(usec) }
        }
        self.watchdogTimeout = watchdog
    }

    /// Whether `NOTIFY_SOCKET` was set.
    public var isEnabled: Bool { self.socketPath != nil }

    /// Sends the assignments (`"READY=1"`, `"STATUS=..."`) as one datagram, joined by newlines.
    ///
    /// - Parameter assignments: `KEY=value` lines.
    /// - Returns: Whether the datagram was sent; `false` when `NOTIFY_SOCKET` is unset or the send failed.
    @discardableResult
    public func notify(_ assignments: String...) -> Bool {
        self.notify(assignments)
    }

    /// Sends the assignments as one datagram, joined by newlines.
    ///
    /// - Parameter assignments: `KEY=value` lines.
    /// - Returns: Whether the datagram was sent.
    @discardableResult
    public func notify(_ assignments: [String]) -> Bool {
        guard let socketPath, !assignments.isEmpty else { return false }
        return Self.send(assignments.joined(separator: "\n"), to: socketPath)
    }

    private static func send(_ message: String, to path: String) -> Bool {
        var address = sockaddr_un()
        address.sun_family = sa_family_t(AF_UNIX)
        var pathBytes = Array(path.utf8)
        let abstract = pathBytes.first == UInt8(ascii: "@")
        if abstract { pathBytes[0] = 0 }
        let capacity = MemoryLayout.size(ofValue: address.sun_path)
        guard pathBytes.count < capacity || (abstract && pathBytes.count <= capacity) else { return false }
        withUnsafeMutableBytes(of: &address.sun_path) { buffer in
            buffer.copyBytes(from: pathBytes)
        }
        let pathOffset = MemoryLayout<sockaddr_un>.offset(of: \.sun_path) ?? 2
        // An abstract name is exactly its bytes; a file path gets its terminating zero.
        let length = socklen_t(pathOffset + pathBytes.count + (abstract ? 0 : 1))
        #if canImport(Darwin)
        let descriptor = socket(AF_UNIX, SOCK_DGRAM, 0)
        #else
        let descriptor = socket(AF_UNIX, Int32(SOCK_DGRAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        #endif
        guard descriptor >= 0 else { return false }
        defer { close(descriptor) }
        let bytes = Array(message.utf8)
        let sent = withUnsafePointer(to: &address) { pointer in
            pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) { socketAddress in
                bytes.withUnsafeBytes { buffer in
                    sendto(descriptor, buffer.baseAddress, buffer.count, 0, socketAddress, length)
                }
            }
        }
        return sent == bytes.count
    }
}
