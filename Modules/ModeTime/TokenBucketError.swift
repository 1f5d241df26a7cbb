public import ModeErrors

/// An error thrown by ``TokenBucket`` for bad arguments, or when it is empty and told not to wait.
///
/// Equality compares ``code`` only.
///
/// ```swift
/// do {
///     try await bucket.acquire()
/// } catch let error as TokenBucketError where error.code == .empty {
///     // shed the request
/// }
/// ```
///
/// A value type; safe to send between tasks.
public struct TokenBucketError: ModeError {
    /// The kind of problem; new codes may appear in minor releases.
    public typealias Code = ModeErrorCode<TokenBucketError>

    /// What went wrong.
    public let code: Code
    /// A sentence saying what went wrong and what to do.
    public let message: String

    private init(code: Code, message: String) {
        self.code = code
        self.message = message
    }

    /// The rate is not finite and positive.
    public static func invalidRate(_ rate: Rate) -> Self {
        Self(code: .invalidRate, message: "A token bucket needs a finite rate above zero, not \(rate).")
    }

    /// The capacity is below one token.
    public static func invalidCapacity(_ capacity: Int) -> Self {
        Self(code: .invalidCapacity, message: "A token bucket needs a capacity of at least 1 token, not \(capacity).")
    }

    /// The count asked for cannot ever be served.
    public static func invalidCount(_ count: Int, capacity: Int) -> Self {
        Self(
            code: .invalidCount,
            message:
                "Cannot take \(count) tokens from a bucket of capacity \(capacity): ask for 1 to \(capacity) tokens."
        )
    }

    /// The bucket is empty and its policy is to fail.
    public static func empty(needed: Int, wait: Duration) -> Self {
        Self(
            code: .empty,
            message: "The token bucket is empty: \(needed) token(s) would be available in \(wait); "
                + "retry later or create the bucket with `whenEmpty: .wait`."
        )
    }
}

extension ModeErrorCode where Domain == TokenBucketError {
    /// The refill rate was zero, negative, NaN or infinite.
    public static var invalidRate: Self { Self("invalidRate") }
    /// The capacity was less than one token.
    public static var invalidCapacity: Self { Self("invalidCapacity") }
    /// The number of tokens asked for was less than one or more than the capacity.
    public static var invalidCount: Self { Self("invalidCount") }
    /// The bucket had too few tokens and was told to fail rather than wait.
    public static var empty: Self { Self("empty") }
}
