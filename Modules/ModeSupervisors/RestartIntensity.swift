import DequeModule

/// The most restarts a ``Supervisor`` may make within a sliding window of time before it gives up and
/// escalates: OTP's intensity and period.
///
/// Every restart action counts once (restarting a whole group under ``SupervisorStrategy/oneForAll`` is one
/// restart). Before each restart the supervisor counts the restarts of the last ``window`` on its clock; if
/// there are already ``maxRestarts`` of them, it stops its services and crashes itself with
/// ``SupervisorError`` `.maxRestartsExceeded`.
///
/// ```swift
/// let intensity = try RestartIntensity(maxRestarts: 10, within: .seconds(60))
/// ```
///
/// A value type; `Sendable`.
public struct RestartIntensity: Hashable, Sendable, CustomStringConvertible {
    /// How many restarts are allowed within ``window``; `0` escalates at the first crash.
    public let maxRestarts: Int
    /// The length of the sliding window.
    public let window: Duration

    /// At most 3 restarts within any 5 seconds.
    public static let `default` = Self(uncheckedMaxRestarts: 3, within: .seconds(5))

    /// Creates an intensity of at most `maxRestarts` restarts within any `window`.
    ///
    /// - Throws: ``SupervisorError`` `.invalidArgument` if `maxRestarts` is negative or `window`
    ///   is not positive.
    public init(maxRestarts: Int, within window: Duration) throws {
        guard maxRestarts >= 0 else {
            throw SupervisorError.invalidArgument("maxRestarts cannot be negative (got \(maxRestarts))")
        }
        guard window > .zero else {
            throw SupervisorError.invalidArgument("the restart window must be positive (got \(window))")
        }
        self.init(uncheckedMaxRestarts: maxRestarts, within: window)
    }

    private init(uncheckedMaxRestarts: Int, within window: Duration) {
        self.maxRestarts = uncheckedMaxRestarts
        self.window = window
    }

    /// For example `3 restarts within 5.0 seconds`.
    public var description: String { "\(self.maxRestarts) restarts within \(self.window)" }
}

/// The restart times of the current window, on the supervisor's clock.
///
/// The times arrive in order (the clock only moves forward), so the ones that left the window are always at the
/// front: a restart costs O(1), however many restarts the window allows.
struct RestartWindow: Sendable {
    private(set) var times: Deque<Duration> = []

    /// Records a restart at `now` and returns `true`, or returns `false` if the window is full.
    mutating func admit(at now: Duration, _ intensity: RestartIntensity) -> Bool {
        while let oldest = self.times.first, now - oldest >= intensity.window { self.times.removeFirst() }
        guard self.times.count < intensity.maxRestarts else { return false }
        self.times.append(now)
        return true
    }
}
