/// The shape every Mode error shares: a typed ``code`` to switch on, a ``message`` that says what went
/// wrong and what to do, and an optional ``underlying`` error.
///
/// Each module keeps its own error type (`ServiceError`, `SupervisorError`, `TokenBucketError`, …), so a
/// `catch let error as SupervisorError` still catches exactly that module's errors. The protocol only
/// supplies what they all did alike: equality and hashing on the code alone, and the description.
///
/// ```swift
/// do {
///     try await bucket.acquire()
/// } catch let error as TokenBucketError where error.code == .empty {
///     print(error)  // the message
/// } catch let error as any ModeError {
///     print("a Mode error: \(error.message)")
/// }
/// ```
///
/// Conforming types are values and `Sendable`.
public protocol ModeError: Error, Hashable, Sendable, CustomStringConvertible {
    /// The type of ``code``; usually `ModeErrorCode<Self>`.
    associatedtype Code: Hashable, Sendable, CustomStringConvertible

    /// What went wrong; the only part of the error that equality looks at.
    var code: Code { get }
    /// A sentence that says what went wrong and what to do about it.
    var message: String { get }
    /// The error behind this one, if any; `nil` by default.
    var underlying: (any Error)? { get }
}

extension ModeError {
    /// No underlying error.
    public var underlying: (any Error)? { nil }

    /// Errors are equal when their codes are; messages and other details are context.
    public static func == (lhs: Self, rhs: Self) -> Bool { lhs.code == rhs.code }

    /// Hashes the code only, to agree with `==`.
    public func hash(into hasher: inout Hasher) { hasher.combine(self.code) }

    /// The message, followed by the underlying error when there is one.
    public var description: String {
        guard let underlying = self.underlying else { return self.message }
        return "\(self.message) (underlying error: \(underlying))"
    }

    /// The type's name, the code and the message, such as `QueueError.cleared: The queue was cleared…`; for
    /// the error types whose description names them.
    public var qualifiedDescription: String { "\(Self.self).\(self.code): \(self.message)" }
}

/// The code of a Mode error: a name, compared and hashed as such, typed by the error it belongs to.
///
/// `Domain` is the error type (`ServiceError.Code` is `ModeErrorCode<ServiceError>`), so the codes of two
/// modules never compare with each other. Each error declares its codes in an extension:
///
/// ```swift
/// extension ModeErrorCode where Domain == QueueError {
///     /// A waiting `put` was rejected because the queue was cleared.
///     public static var cleared: Self { Self("cleared") }
/// }
/// ```
///
/// A struct, not an enum, so new codes can appear in minor releases without breaking a `switch`
/// (write a `default:` case).
public struct ModeErrorCode<Domain>: Hashable, Sendable, CustomStringConvertible {
    /// The code's name, such as `invalidArgument`.
    public let name: String

    /// Creates the code named `name`; only Mode's modules declare codes.
    package init(_ name: String) {
        self.name = name
    }

    /// The code's name, such as `invalidArgument`.
    public var description: String { self.name }
}
