@_exported public import ModeErrors

/// An error thrown by ModeWorker: a setting out of range, or a thread the system would not create.
///
/// Equality compares ``code`` only; ``message`` says what went wrong and what to do.
///
/// ```swift
/// do {
///     try WorkerOptions(stopDeadline: .seconds(-1)).validate()
/// } catch let error as WorkerError where error.code == .invalidArgument {
///     print(error)  // stopDeadline cannot be negative (got -1.0 seconds); pass nil for no deadline
/// }
/// ```
///
/// A value type; `Sendable`.
public struct WorkerError: ModeError {
    /// The kind of failure; new codes may appear in minor releases.
    public typealias Code = ModeErrorCode<WorkerError>

    /// What went wrong.
    public let code: Code
    /// What went wrong and what to do about it.
    public let message: String

    /// Creates an error.
    ///
    /// - Parameters:
    ///   - code: The kind of failure.
    ///   - message: What went wrong and what to do.
    public init(code: Code, message: String) {
        self.code = code
        self.message = message
    }

    /// A setting out of range; `message` names it, the value, and the allowed range.
    public static func invalidArgument(_ message: String) -> Self { Self(code: .invalidArgument, message: message) }
}

extension ModeErrorCode where Domain == WorkerError {
    /// A duration, count or name given to the Worker is out of its range.
    public static var invalidArgument: Self { Self("invalidArgument") }
    /// The system refused to create a thread (`pthread_create` failed).
    public static var threadUnavailable: Self { Self("threadUnavailable") }
}
