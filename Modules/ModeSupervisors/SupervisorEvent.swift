public import ModeCore

/// Something a ``Supervisor`` did about a failure: a restart, a give-up or an escalation.
///
/// Pass a handler as the supervisor's `onEvent` to count restarts in metrics or to test a supervisor:
///
/// ```swift
/// let supervisor = Supervisor([worker], onEvent: { event in
///     if event.kind == .restarted { restarts.increment() }
/// })
/// ```
///
/// A value type; `Sendable`.
public struct SupervisorEvent: Sendable, CustomStringConvertible {
    /// The kind of event.
    public struct Kind: Hashable, Sendable, CustomStringConvertible {
        private enum Value: Hashable, Sendable { case restarted, gaveUp, escalated }
        private let value: Value

        /// Services were restarted (after the backoff delay, if any); sent once they have started again.
        public static let restarted = Kind(value: .restarted)
        /// Services were given up on: stopped and left stopped.
        public static let gaveUp = Kind(value: .gaveUp)
        /// The supervisor stopped its services and crashed itself, so its own supervisor or the root sees it.
        public static let escalated = Kind(value: .escalated)

        /// The kind's name, such as `restarted`.
        public var description: String { String(describing: self.value) }
    }

    /// What the supervisor did.
    public let kind: Kind
    /// The service whose crash (or unexpected finish) caused the action.
    public let failed: any Service
    /// The services acted on, in order: restarted, given up on, or stopped before escalating. After a
    /// replacement, the new services.
    public let services: [any Service]
    /// Why `failed` failed: its crash reason, or ``SupervisorError`` `.childExited` when a
    /// permanent service stopped on its own.
    public let reason: any Error
    /// The backoff delay waited before a restart; zero otherwise.
    public let delay: Duration

    /// For example `restarted [Reader, Writer] after Reader failed: Boom()`.
    public var description: String {
        "\(self.kind) \(self.services.map(\.label)) after \(self.failed.label) failed: \(self.reason)"
    }
}
