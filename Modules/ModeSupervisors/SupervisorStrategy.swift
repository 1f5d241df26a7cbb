/// What a ``Supervisor`` does when one of its services crashes.
///
/// The first five are the Python original's supervisor classes; ``restForOne`` comes from Erlang/OTP.
///
/// ```swift
/// let supervisor = Supervisor([reader, parser, writer], strategy: .restForOne)
/// ```
///
/// A value type; `Sendable`.
public struct SupervisorStrategy: Hashable, Sendable, CustomStringConvertible {
    enum Value: Hashable, Sendable {
        case oneForOne, oneForAll, restForOne, forfeitOneForOne, forfeitOneForAll, escalate
    }
    let value: Value

    /// Restart the crashed service alone; its siblings keep running (Python's `OneForOneSupervisor`).
    public static let oneForOne = Self(value: .oneForOne)
    /// Stop every service (last first), then restart them all in order (Python's `OneForAllSupervisor`).
    public static let oneForAll = Self(value: .oneForAll)
    /// Stop the crashed service and every service added after it (last first), then restart them in order
    /// (OTP's `rest_for_one`): for pipelines where later services depend on earlier ones.
    public static let restForOne = Self(value: .restForOne)
    /// Give up on the crashed service: stop it and leave it stopped (Python's `ForfeitOneForOneSupervisor`).
    public static let forfeitOneForOne = Self(value: .forfeitOneForOne)
    /// Give up on the whole group: stop every service (Python's `ForfeitOneForAllSupervisor`).
    public static let forfeitOneForAll = Self(value: .forfeitOneForAll)
    /// Do not supervise: a crash climbs the tree as if there were no supervisor, crashing the supervisor and
    /// reaching its own supervisor or the root (Python's `CrashingSupervisor`).
    public static let escalate = Self(value: .escalate)

    /// The strategy's name, such as `oneForOne`.
    public var description: String { String(describing: self.value) }
}
