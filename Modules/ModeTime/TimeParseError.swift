public import ModeErrors

/// An error thrown when a string cannot be read as a duration or a rate.
///
/// It carries the offending ``text`` and a ``code`` saying what was wrong with it. Equality compares the
/// code only, so tests can write `#expect(throws: TimeParseError.unknownUnit(…))` without caring about
/// the exact message.
///
/// ```swift
/// do {
///     _ = try Rate(parsing: "10/w")
/// } catch let error as TimeParseError {
///     print(error)  // Cannot read "10/w" as a rate: unknown unit "w" (use s, m, h or d).
/// }
/// ```
///
/// A value type; safe to send between tasks.
public struct TimeParseError: ModeError {
    /// The kind of problem; new codes may appear in minor releases.
    public typealias Code = ModeErrorCode<TimeParseError>

    /// What was wrong.
    public let code: Code
    /// The text that could not be parsed, exactly as given.
    public let text: String
    /// What the text was read as: `"duration"` or `"rate"`.
    public let kind: String
    /// A sentence saying what was wrong and how to fix it.
    public let message: String

    private init(code: Code, text: String, kind: String, detail: String) {
        self.code = code
        self.text = text
        self.kind = kind
        self.message = "Cannot read \"\(text)\" as a \(kind): \(detail)."
    }

    /// The text was empty.
    public static func empty(_ text: String, kind: String = "duration") -> Self {
        Self(code: .empty, text: text, kind: kind, detail: "the text is empty (write a number such as \"1.5\")")
    }

    /// The number was negative.
    public static func negative(_ text: String, kind: String = "duration") -> Self {
        Self(code: .negative, text: text, kind: kind, detail: "a \(kind) cannot be negative")
    }

    /// The text is not a number.
    public static func invalidNumber(_ text: String, kind: String = "duration") -> Self {
        let example = kind == "rate" ? "\"10/s\"" : "\"1.5\" or \"500ms\""
        return Self(
            code: .invalidNumber,
            text: text,
            kind: kind,
            detail: "it is not a decimal number (write e.g. \(example))"
        )
    }

    /// The number was NaN or infinite.
    public static func notFinite(_ text: String, kind: String = "duration") -> Self {
        Self(code: .notFinite, text: text, kind: kind, detail: "the number must be finite")
    }

    /// The unit is unknown.
    public static func unknownUnit(_ text: String, unit: String, kind: String = "duration") -> Self {
        let known = kind == "rate" ? "s, m, h or d" : "ns, us, ms, s, m, h or d"
        var detail = "unknown unit \"\(unit)\" (use \(known))"
        if kind == "duration" && unit.hasPrefix("/") {
            detail = "\"\(text)\" is a rate, not a duration (use Rate(parsing:), then its interval)"
        }
        return Self(code: .unknownUnit, text: text, kind: kind, detail: detail)
    }

    /// The number does not fit in a `Duration`.
    public static func outOfRange(_ text: String, kind: String = "duration") -> Self {
        Self(code: .outOfRange, text: text, kind: kind, detail: "the value is too large for a Duration")
    }

    /// A rate of zero.
    public static func notPositive(_ text: String, kind: String = "rate") -> Self {
        Self(code: .notPositive, text: text, kind: kind, detail: "a \(kind) must be greater than zero")
    }
}

extension ModeErrorCode where Domain == TimeParseError {
    /// The text was empty or only whitespace.
    public static var empty: Self { Self("empty") }
    /// The number was negative; durations and rates cannot be.
    public static var negative: Self { Self("negative") }
    /// The text is not a decimal number (with an optional unit).
    public static var invalidNumber: Self { Self("invalidNumber") }
    /// The number was NaN or infinite.
    public static var notFinite: Self { Self("notFinite") }
    /// The unit after the number (or after `/` in a rate) is not one this parser knows.
    public static var unknownUnit: Self { Self("unknownUnit") }
    /// The number is too large to be represented as a `Duration`.
    public static var outOfRange: Self { Self("outOfRange") }
    /// A rate of zero was given; a rate must be greater than zero.
    public static var notPositive: Self { Self("notPositive") }
}
