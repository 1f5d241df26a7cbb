@_exported public import ModeErrors

/// An error thrown when an async-sequence helper is built with arguments it cannot honour.
///
/// The helpers of ModeAsyncSeq check their arguments when the sequence is *built* (``arange(_:_:step:)``,
/// `slice(from:to:by:)`, `chunks(of:)`), so a bad argument fails at the call site, before any element is
/// produced, instead of trapping later inside an iterator. Arguments that merely describe an empty range
/// (for example a `stop` below `start` with a positive step) are not errors: they produce an empty sequence,
/// as Python's `range` does.
///
/// ```swift
/// do {
///     _ = try arange(0, 10, step: 0)
/// } catch let error as AsyncSeqError where error.code == .zeroStep {
///     print(error)  // says what went wrong and what to pass instead
/// }
/// ```
///
/// Equality and hashing use ``code`` only. `Sendable`: the error holds only values.
public struct AsyncSeqError: ModeError {
    /// The kind of bad argument; new codes may appear in minor releases.
    public typealias Code = ModeErrorCode<AsyncSeqError>

    /// What went wrong.
    public let code: Code

    /// A sentence saying what went wrong and what to do about it.
    public let message: String

    private init(code: Code, message: String) {
        self.code = code
        self.message = message
    }

    /// The error's code followed by its message.
    public var description: String { self.qualifiedDescription }

    /// A range was asked to step by zero.
    ///
    /// - Parameters:
    ///   - start: The range's first value.
    ///   - stop: The range's (excluded) end.
    /// - Returns: An error with code `.zeroStep`.
    public static func zeroStep(start: Int, stop: Int) -> Self {
        Self(
            code: .zeroStep,
            message: "arange(\(start), \(stop), step: 0) would never reach its end; "
                + "pass a positive step to count up or a negative step to count down"
        )
    }

    /// A slice was asked to step by less than one.
    ///
    /// - Parameter step: The step that was passed.
    /// - Returns: An error with code `.nonPositiveStep`.
    public static func nonPositiveStep(_ step: Int) -> Self {
        Self(
            code: .nonPositiveStep,
            message: "slice step \(step) is not allowed; a slice of an async sequence only walks forward, "
                + "so pass a step of 1 or more"
        )
    }

    /// A slice was given a negative start or stop.
    ///
    /// - Parameters:
    ///   - name: `"start"` or `"stop"`.
    ///   - value: The negative value that was passed.
    /// - Returns: An error with code `.negativeIndex`.
    public static func negativeIndex(_ name: String, _ value: Int) -> Self {
        Self(
            code: .negativeIndex,
            message: "slice \(name) \(value) is negative; an async sequence has no known end to count back "
                + "from, so pass an offset of 0 or more (or nil for an open end)"
        )
    }

    /// Chunks were asked for with a size below one.
    ///
    /// - Parameter count: The chunk size that was passed.
    /// - Returns: An error with code `.nonPositiveChunkSize`.
    public static func nonPositiveChunkSize(_ count: Int) -> Self {
        Self(
            code: .nonPositiveChunkSize,
            message: "chunk size \(count) is not allowed; pass a size of 1 or more"
        )
    }
}

extension ModeErrorCode where Domain == AsyncSeqError {
    /// A range was given a step of zero, which would never reach its end.
    public static var zeroStep: Self { Self("zeroStep") }
    /// A slice was given a step below one; slices only walk forward.
    public static var nonPositiveStep: Self { Self("nonPositiveStep") }
    /// A slice was given a negative start or stop; an async sequence has no end to count back from.
    public static var negativeIndex: Self { Self("negativeIndex") }
    /// Chunks were asked for with a size below one.
    public static var nonPositiveChunkSize: Self { Self("nonPositiveChunkSize") }
}
