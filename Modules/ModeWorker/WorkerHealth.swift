/// Whether a ``Worker`` is ready and live, for Kubernetes probes and load balancers.
///
/// - **Ready**: every service has started and no stop has begun. It turns false the moment a stop begins
///   (a signal, a crash, a `stop()`), before anything has stopped, so traffic drains first.
/// - **Live**: the executor monitor finds the cooperative executor healthy, and no stop has run past the
///   Worker's stop deadline. A blocked or stuck process is not live; restart it.
///
/// ```swift
/// // in an HTTP handler of the program's own server:
/// let health = worker.health
/// return health.isReady ? .ok : .serviceUnavailable
/// ```
///
/// A value type; `Sendable`.
public struct WorkerHealth: Hashable, Sendable, CustomStringConvertible {
    /// Every service started and no stop has begun.
    public let isReady: Bool
    /// The executor is not blocked and no stop is past its deadline.
    public let isLive: Bool

    /// Creates a reading.
    ///
    /// - Parameters:
    ///   - isReady: Whether the Worker is ready.
    ///   - isLive: Whether the Worker is live.
    public init(isReady: Bool, isLive: Bool) {
        self.isReady = isReady
        self.isLive = isLive
    }

    /// `ready, live`, `not ready, live`, and so on.
    public var description: String {
        (self.isReady ? "ready" : "not ready") + ", " + (self.isLive ? "live" : "not live")
    }
}
