#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// The status a Worker process exits with: what a terminal, systemd or Kubernetes learns about the run.
///
/// | code | value | meaning |
/// |---|---|---|
/// | ``success`` | 0 | every service stopped cleanly after a signal, a `stop()`, or (non-daemon) the end of their work |
/// | ``failure`` | 1 | a service crashed, a start failed, a supervisor gave up past its restart limit, a hook threw, or the options or logging setup were invalid |
/// | ``forced`` | 3 | the Worker gave up on an orderly stop: a second SIGINT/SIGTERM arrived while stopping, or the whole-process stop deadline passed |
///
/// In every case but ``forced`` the whole tree was stopped, in reverse order, before the exit. Command-line
/// errors never reach the Worker: swift-argument-parser exits with 64 (`EX_USAGE`) for those.
///
/// ```swift
/// let code = await worker.execute()
/// if code != .success { print("worker failed: \(code)") }
/// code.exit()
/// ```
///
/// A value type; `Sendable`.
public struct WorkerExitCode: RawRepresentable, Hashable, Sendable, CustomStringConvertible {
    /// The process exit status.
    public let rawValue: Int32

    /// Wraps a status.
    ///
    /// - Parameter rawValue: The process exit status.
    public init(rawValue: Int32) {
        self.rawValue = rawValue
    }

    /// 0: the tree stopped cleanly.
    public static let success = Self(rawValue: 0)
    /// 1: a crash, a failed start, a supervisor past its limit, a hook error, or invalid settings.
    public static let failure = Self(rawValue: 1)
    /// 3: the stop was abandoned (second signal, or the whole-process stop deadline passed).
    public static let forced = Self(rawValue: 3)

    /// `success (0)`, `failure (1)`, `forced (3)` or the number.
    public var description: String {
        switch self.rawValue {
        case 0: "success (0)"
        case 1: "failure (1)"
        case 3: "forced (3)"
        default: "\(self.rawValue)"
        }
    }

    /// Exits the process with this status (running `atexit` handlers, as `exit(3)` does).
    public func exit() -> Never {
        #if canImport(Glibc)
        Glibc.exit(self.rawValue)
        #elseif canImport(Musl)
        Musl.exit(self.rawValue)
        #else
        Darwin.exit(self.rawValue)
        #endif
    }
}
