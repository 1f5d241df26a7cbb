/// An error thrown when a service is used in a way its lifecycle does not allow, or given bad input.
///
/// Compare errors by ``code``; the message and the underlying error are context, not part of equality.
///
/// ```swift
/// do {
///     try await service.start()
/// } catch let error as ServiceError where error.code == .alreadyStarted {
///     // started elsewhere already
/// }
/// ```
public struct ServiceError: Error, Hashable, Sendable, CustomStringConvertible {
    /// The kind of error; new codes may appear in minor releases.
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        private enum Value: Hashable, Sendable {
            case alreadyStarted, stopping, stopped, failed, dependencyCycle, notAChild, notRunning
            case invalidArgument, crashed
        }
        private let value: Value

        /// `start()` was called on a service that is starting or running.
        public static let alreadyStarted = Code(value: .alreadyStarted)
        /// `start()` was called on a service that is stopping.
        public static let stopping = Code(value: .stopping)
        /// `start()` was called on a stopped service; call `restart()` to run it again.
        public static let stopped = Code(value: .stopped)
        /// `start()` was called on a service whose last start failed; call `restart()` to try again.
        public static let failed = Code(value: .failed)
        /// Adding the dependency would make a service its own ancestor.
        public static let dependencyCycle = Code(value: .dependencyCycle)
        /// The service to remove is not a child of this one.
        public static let notAChild = Code(value: .notAChild)
        /// Work was added to a service that has begun to stop.
        public static let notRunning = Code(value: .notRunning)
        /// An argument was out of range, such as a negative timeout.
        public static let invalidArgument = Code(value: .invalidArgument)
        /// The service crashed; ``ServiceError/underlying`` holds the reason.
        public static let crashed = Code(value: .crashed)

        /// The code's name, such as `alreadyStarted`.
        public var description: String { String(describing: self.value) }
    }

    /// What went wrong.
    public let code: Code
    /// A sentence that says what went wrong and what to do about it.
    public let message: String
    /// The error behind this one, if any (the crash reason for ``Code/crashed``).
    public let underlying: (any Error)?

    /// Creates an error; prefer the static factories.
    public init(code: Code, message: String, underlying: (any Error)? = nil) {
        self.code = code
        self.message = message
        self.underlying = underlying
    }

    /// Errors are equal when their codes are.
    public static func == (lhs: Self, rhs: Self) -> Bool { lhs.code == rhs.code }

    /// Hashes the code only.
    public func hash(into hasher: inout Hasher) { hasher.combine(self.code) }

    /// The message, with the underlying error when there is one.
    public var description: String {
        if let underlying { return "\(self.message) (underlying error: \(underlying))" }
        return self.message
    }

    static func alreadyStarted(_ label: String) -> Self {
        Self(code: .alreadyStarted, message: "\(label) is already started; a service can only be started once per run")
    }

    static func stopping(_ label: String) -> Self {
        Self(code: .stopping, message: "\(label) is stopping; wait for stop() to return, then call restart()")
    }

    static func stopped(_ label: String) -> Self {
        Self(code: .stopped, message: "\(label) has stopped; call restart() to run it again")
    }

    static func failed(_ label: String) -> Self {
        Self(code: .failed, message: "\(label) failed to start; call restart() to try again")
    }

    static func dependencyCycle(_ child: String, _ parent: String) -> Self {
        if child == parent {
            return Self(code: .dependencyCycle, message: "\(child) cannot be added as a dependency of itself")
        }
        return Self(
            code: .dependencyCycle,
            message: "adding \(child) to \(parent) would create a dependency cycle: \(child) is already an ancestor "
                + "of \(parent)"
        )
    }

    static func notAChild(_ child: String, _ parent: String) -> Self {
        Self(code: .notAChild, message: "\(child) is not a dependency of \(parent); nothing was removed")
    }

    static func notRunning(_ label: String, adding what: String) -> Self {
        Self(code: .notRunning, message: "\(label) has begun to stop, so \(what) was not started")
    }

    static func invalidArgument(_ message: String) -> Self {
        Self(code: .invalidArgument, message: message)
    }
}
