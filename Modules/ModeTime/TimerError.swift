// ModeTime's errors share ModeErrors' shape; re-exported so `import ModeTime` is enough to use them.
@_exported public import ModeErrors

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
public struct TimerError: ModeError {
    /// The kind of problem; new codes may appear in minor releases.
    public typealias Code = ModeErrorCode<TimerError>

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
}

extension ModeErrorCode where Domain == TimerError {
    /// An argument was out of range, such as a negative interval or tolerance.
    public static var invalidArgument: Self { Self("invalidArgument") }
}
