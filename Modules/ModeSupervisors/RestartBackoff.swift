/// How long a ``Supervisor`` waits before a restart: nothing, or an exponential backoff with random jitter.
///
/// Attempt `n` (counted from 0 since the service last ran stably) waits
/// `base = min(maximum, minimum × multiplierⁿ)` plus a random extra of up to `jitter × base`. When a service
/// has not needed a restart for ``resetAfter``, its attempt count goes back to 0.
///
/// ```swift
/// let backoff = try RestartBackoff.exponential(
///     minimum: .milliseconds(100), maximum: .seconds(10), multiplier: 2, jitter: 0.2, resetAfter: .seconds(60))
/// ```
///
/// A value type; `Sendable`.
public struct RestartBackoff: Hashable, Sendable, CustomStringConvertible {
    /// The delay of the first attempt.
    public let minimum: Duration
    /// The largest delay before jitter.
    public let maximum: Duration
    /// The factor between two attempts' delays.
    public let multiplier: Double
    /// The largest random extra, as a fraction of the delay (0.2 adds up to 20 %).
    public let jitter: Double
    /// How long a service must go without a restart before its attempt count resets.
    public let resetAfter: Duration

    /// No delay: restart at once (the default, as in the original).
    public static let none = Self(minimum: .zero, maximum: .zero, multiplier: 1, jitter: 0, resetAfter: .zero)

    private init(minimum: Duration, maximum: Duration, multiplier: Double, jitter: Double, resetAfter: Duration) {
        self.minimum = minimum
        self.maximum = maximum
        self.multiplier = multiplier
        self.jitter = jitter
        self.resetAfter = resetAfter
    }

    /// An exponential backoff.
    ///
    /// - Parameters:
    ///   - minimum: The first delay; positive (zero or negative throws; use ``none`` for no delay).
    ///   - maximum: The cap on the delay before jitter; at least `minimum`. A huge value such as
    ///     `.seconds(Int64.max)` is allowed: a delay that long means "no restart until the supervisor stops"
    ///     (the backoff sleep ends when it stops).
    ///   - multiplier: The growth factor; at least 1 and finite. 1 keeps every delay at `minimum`.
    ///   - jitter: The random extra as a fraction of the delay, from 0 to 1.
    ///   - resetAfter: The stable period after which the attempt count resets; positive. A huge value means
    ///     the count never resets.
    /// - Returns: The backoff.
    /// - Throws: ``SupervisorError`` `.invalidArgument` for a value out of range.
    public static func exponential(
        minimum: Duration,
        maximum: Duration,
        multiplier: Double = 2,
        jitter: Double = 0.2,
        resetAfter: Duration = .seconds(60)
    ) throws -> Self {
        guard minimum > .zero, maximum >= minimum else {
            throw SupervisorError.invalidArgument(
                "a backoff needs 0 < minimum <= maximum (got minimum \(minimum), maximum \(maximum))"
            )
        }
        guard multiplier >= 1, multiplier.isFinite else {
            throw SupervisorError.invalidArgument("the backoff multiplier must be at least 1 (got \(multiplier))")
        }
        guard jitter >= 0, jitter <= 1 else {
            throw SupervisorError.invalidArgument("the backoff jitter must be between 0 and 1 (got \(jitter))")
        }
        guard resetAfter > .zero else {
            throw SupervisorError.invalidArgument("resetAfter must be positive (got \(resetAfter))")
        }
        return Self(minimum: minimum, maximum: maximum, multiplier: multiplier, jitter: jitter, resetAfter: resetAfter)
    }

    /// The delay before jitter of attempt `attempt` (0-based): `min(maximum, minimum × multiplier^attempt)`.
    ///
    /// Takes constant time for any attempt, `Int.max` included; a zero or negative attempt gives `minimum`.
    public func baseDelay(forAttempt attempt: Int) -> Duration {
        guard self.minimum > .zero else { return .zero }
        guard attempt > 0, self.multiplier > 1, self.minimum < self.maximum else { return self.minimum }
        // multiplier^attempt by squaring: at most 2 × 63 multiplications whatever the attempt (a loop of
        // `attempt` steps would run for ages at Int.max with a multiplier close to 1). The factor only grows,
        // so it can stop as soon as it reaches maximum / minimum; Double saturates at infinity, never traps.
        let ratio = self.maximum / self.minimum
        var factor = 1.0
        var power = self.multiplier
        var remaining = attempt
        while remaining > 0 {
            if remaining & 1 == 1 {
                factor *= power
                if factor >= ratio { return self.maximum }
            }
            remaining >>= 1
            if remaining > 0 { power *= power }
        }
        return min(self.minimum * factor, self.maximum)
    }

    /// The delay of attempt `attempt` (0-based), with a random jitter drawn from `generator`.
    ///
    /// - Returns: A delay in `baseDelay ... baseDelay × (1 + jitter)`.
    public func delay(forAttempt attempt: Int, using generator: inout some RandomNumberGenerator) -> Duration {
        let base = self.baseDelay(forAttempt: attempt)
        guard self.jitter > 0, base > .zero else { return base }
        return base + base * Double.random(in: 0...self.jitter, using: &generator)
    }

    /// The delay of attempt `attempt` (0-based), with a random jitter from the system generator.
    public func delay(forAttempt attempt: Int) -> Duration {
        var generator = SystemRandomNumberGenerator()
        return self.delay(forAttempt: attempt, using: &generator)
    }

    /// For example `exponential(100.0 milliseconds...10.0 seconds ×2.0, jitter 0.2, reset after 60.0 seconds)`.
    public var description: String {
        if self.minimum == .zero { return "none" }
        return "exponential(\(self.minimum)...\(self.maximum) ×\(self.multiplier), jitter \(self.jitter), "
            + "reset after \(self.resetAfter))"
    }
}
