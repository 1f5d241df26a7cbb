import ModeConcurrencyHelpers
/// A token bucket: a rate limiter that allows bursts up to a capacity and refills at a steady rate.
///
/// The bucket starts full with ``capacity`` tokens and gains tokens at ``rate`` (never beyond the
/// capacity). Each operation takes one or more tokens:
///
/// - ``pour(_:)`` takes them if they are there and says whether it did; it never waits.
/// - ``acquire(_:)`` takes them, waiting on the clock until they are there (or throwing
///   ``TokenBucketError/empty(needed:wait:)`` when the bucket was made with `whenEmpty: .fail`).
/// - ``withToken(_:_:)`` acquires, then runs a closure.
///
/// Waiting callers are served in the order they called ``acquire(_:)``: a caller reserves its tokens at
/// once (the balance may go below zero) and sleeps until the refill has paid that debt, so a large request
/// is not starved by a stream of small ones. A caller cancelled while waiting gives its tokens back.
///
/// ```swift
/// // At most 10 requests a second, in bursts of up to 5.
/// let bucket = try TokenBucket(rate: .perSecond(10), capacity: 5)
/// for request in requests {
///     try await bucket.withToken { try await send(request) }
/// }
/// ```
///
/// Safe to call from any task: the state is behind a lock, and waiting happens outside it.
public final class TokenBucket: Sendable {
    /// What ``acquire(_:)`` does when there are too few tokens.
    public struct WhenEmpty: Hashable, Sendable {
        private enum Value: Hashable, Sendable {
            case wait
            case fail
        }

        private let value: Value

        private init(_ value: Value) {
            self.value = value
        }

        /// Sleep on the clock until the tokens are there (the default).
        public static let wait = WhenEmpty(.wait)
        /// Throw ``TokenBucketError/empty(needed:wait:)`` at once (Python Mode's `raises=`).
        public static let fail = WhenEmpty(.fail)

        var shouldWait: Bool { self.value == .wait }
    }

    private struct State {
        var tokens: Double
        var lastRefill: Duration

        mutating func refill(now: Duration, rate: Double, capacity: Double) {
            let elapsed = (now - self.lastRefill).secondsAsDouble
            if elapsed > 0 { self.tokens = min(capacity, self.tokens + elapsed * rate) }
            self.lastRefill = now
        }
    }

    private enum Decision {
        case taken
        case fail(Duration)
        case sleep(until: Duration)
    }

    /// How fast tokens come back.
    public let rate: Rate
    /// The most tokens the bucket holds, and so the largest burst.
    public let capacity: Int
    /// What ``acquire(_:)`` does when there are too few tokens.
    public let whenEmpty: WhenEmpty

    private let clock: ServiceClock
    private let state: Locked<State>

    /// Creates a full bucket.
    ///
    /// - Parameters:
    ///   - rate: How fast tokens come back; must be finite and above zero.
    ///   - capacity: How many tokens the bucket holds when full; at least 1.
    ///   - whenEmpty: Whether ``acquire(_:)`` waits for tokens (the default) or throws.
    ///   - clock: The clock that measures the refill and the waits. Tests pass a manual clock.
    /// - Throws: ``TokenBucketError/invalidRate(_:)`` or ``TokenBucketError/invalidCapacity(_:)``.
    public init(
        rate: Rate,
        capacity: Int,
        whenEmpty: WhenEmpty = .wait,
        clock: some Clock<Duration> = ContinuousClock()
    ) throws {
        guard rate.perSecond.isFinite, rate.perSecond > 0 else { throw TokenBucketError.invalidRate(rate) }
        guard capacity >= 1 else { throw TokenBucketError.invalidCapacity(capacity) }
        self.rate = rate
        self.capacity = capacity
        self.whenEmpty = whenEmpty
        self.clock = ServiceClock(clock)
        self.state = Locked(State(tokens: Double(capacity), lastRefill: .zero))
    }

    /// The tokens in the bucket now, refill included; below zero while callers wait for reserved tokens.
    public var tokens: Double {
        let now = self.clock.now
        return self.state.withLock { state in
            state.refill(now: now, rate: self.rate.perSecond, capacity: Double(self.capacity))
            return state.tokens
        }
    }

    /// Takes `count` tokens if the bucket has them; never waits.
    ///
    /// - Parameter count: How many tokens to take.
    /// - Returns: `true` if the tokens were taken; `false` if there were too few, or `count` is not within
    ///   `1...capacity`.
    public func pour(_ count: Int = 1) -> Bool {
        guard count >= 1, count <= self.capacity else { return false }
        let now = self.clock.now
        return self.state.withLock { state in
            state.refill(now: now, rate: self.rate.perSecond, capacity: Double(self.capacity))
            guard state.tokens + Self.slack >= Double(count) else { return false }
            state.tokens -= Double(count)
            return true
        }
    }

    /// How long until `count` tokens are there, counting tokens already reserved by waiting callers.
    ///
    /// - Parameter count: How many tokens.
    /// - Returns: Zero if ``pour(_:)`` would succeed now. For a very slow rate the wait saturates at
    ///   `Int64.max` nanoseconds (about 292 years) instead of overflowing.
    /// - Throws: ``TokenBucketError/invalidCount(_:capacity:)`` if `count` is not within `1...capacity`.
    public func expectedWait(for count: Int = 1) throws -> Duration {
        try self.checkCount(count)
        let now = self.clock.now
        let tokens = self.state.withLock { state in
            state.refill(now: now, rate: self.rate.perSecond, capacity: Double(self.capacity))
            return state.tokens
        }
        return self.wait(forDeficit: Double(count) - tokens)
    }

    /// Takes `count` tokens, waiting on the clock until they are there.
    ///
    /// Callers are served in call order. With `whenEmpty: .fail` it throws instead of waiting. On a bucket
    /// whose rate is practically zero (say `Rate.events(1, per: .seconds(Int64.max))`) the wait lasts until
    /// the task is cancelled.
    ///
    /// - Parameter count: How many tokens to take.
    /// - Throws: ``TokenBucketError/invalidCount(_:capacity:)`` if `count` is not within `1...capacity`;
    ///   ``TokenBucketError/empty(needed:wait:)`` if the bucket fails when empty; `CancellationError` if the
    ///   task is cancelled while waiting (the tokens are then given back).
    public func acquire(_ count: Int = 1) async throws {
        try self.checkCount(count)
        try Task.checkCancellation()
        let now = self.clock.now
        let decision: Decision = self.state.withLock { state in
            state.refill(now: now, rate: self.rate.perSecond, capacity: Double(self.capacity))
            let needed = Double(count)
            if state.tokens + Self.slack >= needed {
                state.tokens -= needed
                return .taken
            }
            guard self.whenEmpty.shouldWait else { return .fail(self.wait(forDeficit: needed - state.tokens)) }
            state.tokens -= needed
            return .sleep(until: now + self.wait(forDeficit: -state.tokens))
        }
        switch decision {
        case .taken:
            return
        case .fail(let wait):
            throw TokenBucketError.empty(needed: count, wait: wait)
        case .sleep(let deadline):
            do {
                try await self.clock.sleep(until: deadline)
            } catch {
                self.state.withLock { state in
                    state.tokens = min(Double(self.capacity), state.tokens + Double(count))
                }
                throw error
            }
        }
    }

    /// Acquires `count` tokens, then runs `body`.
    ///
    /// The same as Python Mode's `async with bucket:`, except that the token is really taken.
    ///
    /// - Parameters:
    ///   - count: How many tokens to take.
    ///   - body: The work to run once the tokens are taken.
    /// - Returns: What `body` returns.
    /// - Throws: What ``acquire(_:)`` throws, or what `body` throws.
    public func withToken<Result>(_ count: Int = 1, _ body: () async throws -> Result) async throws -> Result {
        try await self.acquire(count)
        return try await body()
    }

    /// Floating-point slack: a balance within a billionth of a token of the amount counts as enough.
    private static let slack = 1e-9

    private func checkCount(_ count: Int) throws {
        guard count >= 1, count <= self.capacity else {
            throw TokenBucketError.invalidCount(count, capacity: self.capacity)
        }
    }

    /// The time the refill takes to produce `deficit` tokens, rounded to the nanosecond.
    private func wait(forDeficit deficit: Double) -> Duration {
        guard deficit > Self.slack else { return .zero }
        let nanoseconds = (deficit / self.rate.perSecond * 1e9).rounded()
        guard nanoseconds < 9e18 else { return .nanoseconds(Int64(9e18)) }
        return .nanoseconds(Int64(nanoseconds))
    }
}

/// Makes a token bucket that lets `rate` events through, in bursts of at most `burst`.
///
/// Python Mode's `rate_limit(rate, over)` builds a bucket whose capacity is `over` and whose refill is
/// `rate` per second; `rate_limit(10, 1.0)` therefore lets 10 events a second through one at a time. Here
/// the same bucket is `rateLimit(.perSecond(10))`, and the burst is named for what it is.
///
/// ```swift
/// let limiter = try rateLimit(.perSecond(10))
/// for _ in 0 ..< 20 { try await limiter.acquire() }   // about 1.9 s on a real clock
/// ```
///
/// - Parameters:
///   - rate: How many events per unit of time to let through.
///   - burst: How many events may pass back to back after a quiet period; the bucket's capacity.
///   - whenEmpty: Whether callers wait for a token (the default) or get an error.
///   - clock: The clock that measures the rate.
/// - Returns: A full ``TokenBucket``.
/// - Throws: ``TokenBucketError`` if the rate is not finite and positive or the burst is below 1.
public func rateLimit(
    _ rate: Rate,
    burst: Int = 1,
    whenEmpty: TokenBucket.WhenEmpty = .wait,
    clock: some Clock<Duration> = ContinuousClock()
) throws -> TokenBucket {
    try TokenBucket(rate: rate, capacity: burst, whenEmpty: whenEmpty, clock: clock)
}
