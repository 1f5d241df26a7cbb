/// What a signal does when one of its receivers throws.
///
/// ```swift
/// let signal = Signal<Consumer, Int>(name: "onRebalance", errorPolicy: .callAllThenThrow)
/// ```
///
/// In both policies a `CancellationError` stops the dispatch at once and is rethrown untouched.
///
/// `ReceiverErrorPolicy` is a `Sendable` value; new policies may be added in a minor release.
public struct ReceiverErrorPolicy: Hashable, Sendable, CustomStringConvertible {
    private enum Value: Hashable, Sendable {
        case abortOnFirstError
        case callAllThenThrow
    }

    private let value: Value

    private init(_ value: Value) {
        self.value = value
    }

    /// The first error a receiver throws skips the remaining receivers and is rethrown by `send` as is.
    ///
    /// This is Python Mode's behaviour, and the default.
    public static let abortOnFirstError = Self(.abortOnFirstError)

    /// Every receiver is called; afterwards, if any threw, `send` throws a ``SignalError`` with code
    /// ``SignalError`` `.receiversFailed` that lists every error in connection order.
    public static let callAllThenThrow = Self(.callAllThenThrow)

    /// The policy's name.
    public var description: String {
        switch self.value {
        case .abortOnFirstError: "abortOnFirstError"
        case .callAllThenThrow: "callAllThenThrow"
        }
    }
}
