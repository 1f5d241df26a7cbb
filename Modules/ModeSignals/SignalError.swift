@_exported public import ModeErrors

/// An error thrown by a signal's `send`.
///
/// Errors thrown by receivers under ``ReceiverErrorPolicy/abortOnFirstError`` are rethrown as they are;
/// this type reports the signal's own failures and the aggregate of ``ReceiverErrorPolicy/callAllThenThrow``.
/// Equality compares the code only.
///
/// `SignalError` is `Sendable`.
public struct SignalError: ModeError {
    /// The kind of failure; new codes may be added in a minor release.
    public typealias Code = ModeErrorCode<SignalError>

    /// What went wrong.
    public let code: Code

    /// The label of the signal that threw (see `label` on the signal).
    public let signal: String

    /// The errors the receivers threw, in connection order.
    ///
    /// Filled for `.receiversFailed` only; empty otherwise.
    public let receiverErrors: [any Error]

    private init(code: Code, signal: String, receiverErrors: [any Error] = []) {
        self.code = code
        self.signal = signal
        self.receiverErrors = receiverErrors
    }

    /// A send without a sender on a signal with no default sender.
    ///
    /// - Parameter signal: The signal's label.
    /// - Returns: An error with code `.missingSender`.
    public static func missingSender(signal: String) -> Self {
        Self(code: .missingSender, signal: signal)
    }

    /// Receivers threw `errors` while every receiver was being called.
    ///
    /// - Parameters:
    ///   - signal: The signal's label.
    ///   - errors: The receivers' errors, in connection order.
    /// - Returns: An error with code `.receiversFailed`.
    public static func receiversFailed(signal: String, errors: [any Error]) -> Self {
        Self(code: .receiversFailed, signal: signal, receiverErrors: errors)
    }

    /// What went wrong and what to do about it; also the description.
    public var message: String {
        let name = self.signal.isEmpty ? "signal" : "signal '\(self.signal)'"
        switch self.code {
        case .missingSender:
            return "\(name) has no default sender: call send(_:from:) with a sender, "
                + "or send through a copy made by withDefaultSender(_:)"
        default:
            let list = self.receiverErrors.map { String(describing: $0) }.joined(separator: "; ")
            return "\(self.receiverErrors.count) receiver(s) of \(name) threw: \(list)"
        }
    }
}

extension ModeErrorCode where Domain == SignalError {
    /// `send(_:)` was called on a signal that has no default sender.
    public static var missingSender: Self { Self("missingSender") }
    /// One or more receivers threw under ``ReceiverErrorPolicy/callAllThenThrow``.
    public static var receiversFailed: Self { Self("receiversFailed") }
}
