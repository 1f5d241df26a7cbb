/// Where a service is in its lifecycle.
///
/// A service moves `initial → starting → running → stopping → stopped`; `restart()` brings it back to
/// `initial` and starts it again. A start that throws leaves it in `failed`. ``crashed`` wins over every other
/// state: a crash does not stop anything by itself, it marks the service so that its supervisor (or its
/// owner waiting in `waitUntilStopped()`) acts.
///
/// The Python original reports `"init"`, `"running"`, `"stopping"`, `"shutdown"` and `"crashed"`, and a
/// stopped service there reads `"stopping"` forever; here a stopped service reads ``stopped``.
public struct ServiceState: Hashable, Sendable, CustomStringConvertible {
    private enum Value: UInt8, Hashable, Sendable {
        case initial, starting, running, failed, stopping, stopped, crashed
    }
    private let value: Value

    /// Created and not yet started (or reset by `restart()`).
    public static let initial = Self(value: .initial)
    /// `start()` is running: hooks, tasks and children are being started.
    public static let starting = Self(value: .starting)
    /// Started: `onStarted` has run.
    public static let running = Self(value: .running)
    /// The last `start()` threw; what it had started was stopped again.
    public static let failed = Self(value: .failed)
    /// `stop()` is running.
    public static let stopping = Self(value: .stopping)
    /// `stop()` has finished: hooks ran, children stopped, tasks are gone.
    public static let stopped = Self(value: .stopped)
    /// The service, a task of it, or a relative crashed; see `crashReason`.
    public static let crashed = Self(value: .crashed)

    /// The name, as the original prints it where it has one (`init` for ``initial``).
    public var description: String {
        switch self.value {
        case .initial: "init"
        case .starting: "starting"
        case .running: "running"
        case .failed: "failed"
        case .stopping: "stopping"
        case .stopped: "stopped"
        case .crashed: "crashed"
        }
    }
}
