@_exported public import ModeErrors

/// An error thrown when a ModeCollections type is used in a way it cannot honour.
///
/// ```swift
/// do {
///     _ = try LRUCache<String, Int>(limit: 0)
/// } catch let error as CollectionsError where error.code == .invalidLimit {
///     print(error)  // says what went wrong and what to pass instead
/// }
/// ```
///
/// Equality and hashing use ``code`` only. `Sendable`: the error holds only values.
public struct CollectionsError: ModeError {
    /// The kind of misuse; new codes may appear in minor releases.
    public typealias Code = ModeErrorCode<CollectionsError>

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

    /// A cache was given a size limit below one.
    ///
    /// - Parameter limit: The limit that was passed.
    /// - Returns: An error with code `.invalidLimit`.
    public static func invalidLimit(_ limit: Int) -> Self {
        Self(
            code: .invalidLimit,
            message: "cache limit \(limit) is not allowed; pass a limit of 1 or more, "
                + "or make the cache without a limit for an unbounded one"
        )
    }

    /// An operation needed a key that is not there.
    ///
    /// - Parameter key: A description of the missing key.
    /// - Returns: An error with code `.keyNotFound`.
    public static func keyNotFound(_ key: String) -> Self {
        Self(
            code: .keyNotFound,
            message: "key \(key) is not in the cache; store a starting value before incrementing it"
        )
    }

    /// An increment would leave the range of `Int`.
    ///
    /// - Parameters:
    ///   - value: The stored value.
    ///   - delta: The amount that was to be added.
    /// - Returns: An error with code `.overflow`.
    public static func overflow(_ value: Int, adding delta: Int) -> Self {
        Self(
            code: .overflow,
            message: "adding \(delta) to \(value) overflows Int; the stored value was left unchanged"
        )
    }
}

extension ModeErrorCode where Domain == CollectionsError {
    /// A cache was given a size limit below one.
    public static var invalidLimit: Self { Self("invalidLimit") }
    /// An operation that needs an existing key (``LRUCache/incr(_:by:)``) did not find it.
    public static var keyNotFound: Self { Self("keyNotFound") }
    /// An arithmetic operation (``LRUCache/incr(_:by:)``) would leave the range of `Int`.
    public static var overflow: Self { Self("overflow") }
}
