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
public struct WorkerError: Error, Hashable, Sendable, CustomStringConvertible {
    /// The kind of failure; new codes may appear in minor releases.
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        private enum Value: Hashable, Sendable {
            case invalidArgument
            case threadUnavailable
        }

        private let value: Value

        /// A duration, count or name given to the Worker is out of its range.
        public static let invalidArgument = Code(value: .invalidArgument)
        /// The system refused to create a thread (`pthread_create` failed).
        public static let threadUnavailable = Code(value: .threadUnavailable)

        /// The code's name.
        public var description: String {
            switch self.value {
            case .invalidArgument: "invalidArgument"
            case .threadUnavailable: "threadUnavailable"
            }
        }
    }

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

    /// The ``message``.
    public var description: String { self.message }

    /// Compares the codes.
    public static func == (lhs: Self, rhs: Self) -> Bool { lhs.code == rhs.code }

    /// Hashes the code.
    public func hash(into hasher: inout Hasher) { hasher.combine(self.code) }
}
