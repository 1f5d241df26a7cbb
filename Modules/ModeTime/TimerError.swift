/// An error thrown when a timer of ModeTime is given an argument it cannot use, such as a negative interval.
///
/// ``IntervalTimer`` throws it. Service timers built on it (ModeCore's `BackgroundTask.timer` and
/// `itertimer`) report the same problem as ModeCore's `ServiceError` `.invalidArgument`, with the same message.
/// Equality compares ``code`` only.
///
/// ```swift
/// do {
///     _ = try IntervalTimer(every: .seconds(-1))
/// } catch let error as TimerError where error.code == .invalidArgument {
///     print(error)  // a timer has a negative interval (-1.0 seconds); give it zero or more
/// }
/// ```
///
/// A value type; safe to send between tasks.
public struct TimerError: Error, Hashable, Sendable, CustomStringConvertible {
    /// The kind of problem; new codes may appear in minor releases.
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        private enum Value: Hashable, Sendable {
            case invalidArgument
        }

        private let value: Value

        private init(_ value: Value) {
            self.value = value
        }

        /// An argument was out of range, such as a negative interval or tolerance.
        public static let invalidArgument = Code(.invalidArgument)

        /// The code's name, for messages.
        public var description: String {
            switch self.value {
            case .invalidArgument: "invalidArgument"
            }
        }
    }

    /// What went wrong.
    public let code: Code
    /// A sentence saying what went wrong and what to do.
    public let message: String

    private init(code: Code, message: String) {
        self.code = code
        self.message = message
    }

    /// An argument is out of range; `message` says which and what to give instead.
    public static func invalidArgument(_ message: String) -> Self {
        Self(code: .invalidArgument, message: message)
    }

    /// The message.
    public var description: String { self.message }

    /// Whether two errors have the same ``code``.
    public static func == (lhs: Self, rhs: Self) -> Bool { lhs.code == rhs.code }

    /// Hashes the ``code`` only, to agree with `==`.
    public func hash(into hasher: inout Hasher) { hasher.combine(self.code) }
}
