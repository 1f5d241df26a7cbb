@_exported public import ModeErrors

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
public struct QueueError: ModeError {
    /// The kind of queue error; new codes may appear in minor releases.
    public typealias Code = ModeErrorCode<QueueError>

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
    /// - Returns: An error with code `.cleared`.
    public static func cleared() -> Self {
        Self(
            code: .cleared,
            message: "The queue was cleared while this put was waiting for room, so the element was discarded. "
                + "Put it again if it is still wanted after the clear."
        )
    }

    /// The code and the message.
    public var description: String { self.qualifiedDescription }
}

extension ModeErrorCode where Domain == QueueError {
    /// A `put` was waiting for room when the queue was cleared, so its element was discarded.
    public static var cleared: Self { Self("cleared") }
}
