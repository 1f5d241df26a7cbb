/// An error thrown by a ModeQueues queue.
///
/// Compare errors by ``code``:
///
/// ```swift
/// do {
///     try await queue.put(event)
/// } catch let error as QueueError where error.code == .cleared {
///     // The queue was cleared while this put waited for room; `event` was discarded.
/// }
/// ```
///
/// Task cancellation is never wrapped: a cancelled `put` or `get` throws `CancellationError` itself.
/// `QueueError` is a value type and is `Sendable`.
public struct QueueError: Error, Hashable, Sendable, CustomStringConvertible {
    /// The kind of queue error; new codes may appear in minor releases.
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        private enum Value: Hashable, Sendable {
            case cleared
        }

        private let value: Value

        private init(_ value: Value) {
            self.value = value
        }

        /// A `put` was waiting for room when the queue was cleared, so its element was discarded.
        public static let cleared = Code(.cleared)

        /// The code's name, for logs.
        public var description: String {
            switch self.value {
            case .cleared: "cleared"
            }
        }
    }

    /// What went wrong.
    public let code: Code

    /// A sentence that says what went wrong and what to do about it.
    public let message: String

    private init(code: Code, message: String) {
        self.code = code
        self.message = message
    }

    /// A blocked `put` was rejected because the queue was cleared while it waited for room.
    ///
    /// - Returns: An error with code ``Code/cleared``.
    public static func cleared() -> Self {
        Self(
            code: .cleared,
            message: "The queue was cleared while this put was waiting for room, so the element was discarded. "
                + "Put it again if it is still wanted after the clear."
        )
    }

    /// Errors are equal when their codes are equal; the message is not compared.
    public static func == (lhs: Self, rhs: Self) -> Bool { lhs.code == rhs.code }

    /// Hashes the code only, to agree with `==`.
    public func hash(into hasher: inout Hasher) { hasher.combine(self.code) }

    /// The code and the message.
    public var description: String { "QueueError.\(self.code): \(self.message)" }
}
