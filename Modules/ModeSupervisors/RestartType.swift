/// When a supervised service is restarted: OTP's per-child restart types.
///
/// ```swift
/// try await supervisor.add(migrations, restart: .transient)
/// ```
///
/// A value type; `Sendable`.
public struct RestartType: Hashable, Sendable, CustomStringConvertible {
    enum Value: Hashable, Sendable { case permanent, transient, temporary }
    let value: Value

    /// Always restarted: after a crash, and also when it stops on its own (the default).
    public static let permanent = Self(value: .permanent)
    /// Restarted after a crash only; stopping on its own is a normal finish and it stays stopped.
    public static let transient = Self(value: .transient)
    /// Never restarted: a crash is given up on (the service is stopped), a finish is left alone.
    public static let temporary = Self(value: .temporary)

    /// The type's name, such as `permanent`.
    public var description: String { String(describing: self.value) }
}
