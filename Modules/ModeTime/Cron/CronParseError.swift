public import ModeErrors

/// One of the five fields of a cron expression.
///
/// A value type; safe to send between tasks.
public enum CronField: String, Hashable, Sendable, CaseIterable, CustomStringConvertible {
    /// The first field: minutes, 0–59.
    case minute
    /// The second field: hours, 0–23.
    case hour
    /// The third field: days of the month, 1–31.
    case dayOfMonth
    /// The fourth field: months, 1–12 or `JAN`–`DEC`.
    case month
    /// The fifth field: days of the week, 0–7 (0 and 7 are Sunday) or `SUN`–`SAT`.
    case dayOfWeek

    /// The field's name, such as `dayOfMonth`.
    public var description: String { self.rawValue }

    /// The smallest and largest values the field accepts.
    var bounds: ClosedRange<Int> {
        switch self {
        case .minute: 0...59
        case .hour: 0...23
        case .dayOfMonth: 1...31
        case .month: 1...12
        case .dayOfWeek: 0...7
        }
    }
}

/// An error thrown when a cron expression cannot be read, naming the field and the text at fault.
///
/// Equality compares ``code`` only.
///
/// ```swift
/// do {
///     _ = try CronSchedule(parsing: "0 25 * * *")
/// } catch let error as CronParseError {
///     print(error.field, error.text)   // Optional(hour) 25
/// }
/// ```
///
/// A value type; safe to send between tasks.
public struct CronParseError: ModeError {
    /// The kind of problem; new codes may appear in minor releases.
    public typealias Code = ModeErrorCode<CronParseError>

    /// What was wrong.
    public let code: Code
    /// The field at fault, or `nil` when the expression as a whole is wrong.
    public let field: CronField?
    /// The offending text: the field's text, or the whole expression.
    public let text: String
    /// The whole expression.
    public let expression: String
    /// A sentence saying what was wrong and how to fix it.
    public let message: String

    private init(code: Code, field: CronField?, text: String, expression: String, detail: String) {
        self.code = code
        self.field = field
        self.text = text
        self.expression = expression
        let place = field.map { "field \($0) (\"\(text)\")" } ?? "expression"
        self.message = "Bad cron expression \"\(expression)\": \(place): \(detail)."
    }

    /// The expression does not have five fields.
    public static func wrongFieldCount(_ expression: String, count: Int) -> Self {
        Self(
            code: .wrongFieldCount,
            field: nil,
            text: expression,
            expression: expression,
            detail: "expected 5 fields (minute hour day-of-month month day-of-week), found \(count)"
        )
    }

    /// The expression is an unknown `@` shorthand.
    public static func unknownMacro(_ expression: String) -> Self {
        Self(
            code: .unknownMacro,
            field: nil,
            text: expression,
            expression: expression,
            detail: "unknown shorthand (use @yearly, @annually, @monthly, @weekly, @daily, @midnight or @hourly)"
        )
    }

    /// A value the field does not accept.
    public static func invalidValue(_ text: String, field: CronField, expression: String) -> Self {
        Self(
            code: .invalidValue,
            field: field,
            text: text,
            expression: expression,
            detail: "not a number or name this field accepts"
        )
    }

    /// A value outside the field's bounds.
    public static func outOfRange(_ text: String, field: CronField, expression: String) -> Self {
        let bounds = field.bounds
        return Self(
            code: .outOfRange,
            field: field,
            text: text,
            expression: expression,
            detail: "values must be within \(bounds.lowerBound)-\(bounds.upperBound)"
        )
    }

    /// A backwards range.
    public static func invalidRange(_ text: String, field: CronField, expression: String) -> Self {
        Self(
            code: .invalidRange,
            field: field,
            text: text,
            expression: expression,
            detail: "a range must run from low to high"
        )
    }

    /// A zero or non-numeric step.
    public static func invalidStep(_ text: String, field: CronField, expression: String) -> Self {
        Self(
            code: .invalidStep,
            field: field,
            text: text,
            expression: expression,
            detail: "a step must be a whole number of at least 1"
        )
    }
}

extension ModeErrorCode where Domain == CronParseError {
    /// The expression does not have exactly five fields.
    public static var wrongFieldCount: Self { Self("wrongFieldCount") }
    /// The expression starts with `@` but is not a known shorthand such as `@daily`.
    public static var unknownMacro: Self { Self("unknownMacro") }
    /// A value is neither a number nor a name the field accepts (or is empty).
    public static var invalidValue: Self { Self("invalidValue") }
    /// A value is outside the field's bounds.
    public static var outOfRange: Self { Self("outOfRange") }
    /// A range runs backwards, like `17-9`.
    public static var invalidRange: Self { Self("invalidRange") }
    /// A step is zero or not a number.
    public static var invalidStep: Self { Self("invalidStep") }
}
