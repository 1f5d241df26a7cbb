public import ModeErrors

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
public struct ServiceError: ModeError {
    /// The kind of error; new codes may appear in minor releases.
    public typealias Code = ModeErrorCode<ServiceError>

    /// What went wrong.
    public let code: Code
    /// A sentence that says what went wrong and what to do about it.
    public let message: String
    /// The error behind this one, if any (the crash reason for `.crashed`).
    public let underlying: (any Error)?

    /// Creates an error; prefer the static factories.
    public init(code: Code, message: String, underlying: (any Error)? = nil) {
        self.code = code
        self.message = message
        self.underlying = underlying
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

extension ModeErrorCode where Domain == ServiceError {
    /// `start()` was called on a service that is starting or running.
    public static var alreadyStarted: Self { Self("alreadyStarted") }
    /// `start()` was called on a service that is stopping.
    public static var stopping: Self { Self("stopping") }
    /// `start()` was called on a stopped service; call `restart()` to run it again.
    public static var stopped: Self { Self("stopped") }
    /// `start()` was called on a service whose last start failed; call `restart()` to try again.
    public static var failed: Self { Self("failed") }
    /// Adding the dependency would make a service its own ancestor.
    public static var dependencyCycle: Self { Self("dependencyCycle") }
    /// The service to remove is not a child of this one.
    public static var notAChild: Self { Self("notAChild") }
    /// Work was added to a service that has begun to stop.
    public static var notRunning: Self { Self("notRunning") }
    /// An argument was out of range, such as a negative timeout.
    public static var invalidArgument: Self { Self("invalidArgument") }
    /// The service crashed; ``ServiceError/underlying`` holds the reason.
    public static var crashed: Self { Self("crashed") }
}
