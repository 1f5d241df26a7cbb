@_exported public import ModeErrors

/// An error a ``Supervisor`` throws or crashes with.
///
/// Compare errors by ``code``; the message and the underlying error are context, not part of equality.
///
/// ```swift
/// if let error = supervisor.crashReason as? SupervisorError, error.code == .maxRestartsExceeded {
///     // the group crash-looped; the supervisor stopped its children and crashed itself
/// }
/// ```
public struct SupervisorError: ModeError {
    /// The kind of error; new codes may appear in minor releases.
    public typealias Code = ModeErrorCode<SupervisorError>

    /// What went wrong.
    public let code: Code
    /// A sentence that says what went wrong and what to do about it.
    public let message: String
    /// The error behind this one: for `.maxRestartsExceeded`, the crash that needed one restart too many.
    public let underlying: (any Error)?

    /// Creates an error; prefer the static factories.
    public init(code: Code, message: String, underlying: (any Error)? = nil) {
        self.code = code
        self.message = message
        self.underlying = underlying
    }

    static func maxRestartsExceeded(_ supervisor: String, _ intensity: RestartIntensity, reason: any Error) -> Self {
        Self(
            code: .maxRestartsExceeded,
            message: "\(supervisor) needed more than \(intensity.maxRestarts) restarts within \(intensity.window); "
                + "it stopped its services and crashed (fix the crash loop, or raise the restart intensity)",
            underlying: reason
        )
    }

    static func notSupervised(_ service: String, _ supervisor: String) -> Self {
        Self(code: .notSupervised, message: "\(service) is not supervised by \(supervisor); nothing was changed")
    }

    static func alreadySupervised(_ service: String) -> Self {
        Self(
            code: .alreadySupervised,
            message: "\(service) already has a supervisor; discard it from that supervisor before adding it here"
        )
    }

    static func indexOutOfRange(_ index: Int, count: Int) -> Self {
        Self(
            code: .indexOutOfRange,
            message: "index \(index) is outside the supervisor's \(count) services; use 0..<\(count) to replace "
                + "one or \(count) to append"
        )
    }

    static func invalidArgument(_ message: String) -> Self {
        Self(code: .invalidArgument, message: message)
    }

    static func childExited(_ service: String) -> Self {
        Self(
            code: .childExited,
            message: "\(service) is permanent but stopped on its own; make it transient if it may finish"
        )
    }
}

extension ModeErrorCode where Domain == SupervisorError {
    /// More restarts were needed than ``RestartIntensity`` allows; the supervisor stopped its children and
    /// crashed itself with this error.
    public static var maxRestartsExceeded: Self { Self("maxRestartsExceeded") }
    /// The service is not supervised by this supervisor.
    public static var notSupervised: Self { Self("notSupervised") }
    /// The service is already supervised (by this supervisor or another one).
    public static var alreadySupervised: Self { Self("alreadySupervised") }
    /// An index was outside the supervisor's list of services.
    public static var indexOutOfRange: Self { Self("indexOutOfRange") }
    /// A setting was out of range, such as a negative restart count.
    public static var invalidArgument: Self { Self("invalidArgument") }
    /// A permanent service stopped on its own, and the strategy escalates instead of restarting.
    public static var childExited: Self { Self("childExited") }
}
