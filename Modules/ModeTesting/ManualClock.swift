import ModeConcurrencyHelpers
import ModeCore

/// A clock whose time moves only when a test moves it.
///
/// Every ModeCore API that waits takes a `clock:`; pass a `ManualClock` in tests and drive time with
/// ``advance(by:)``. Sleepers wake in deadline order, and ``waitForSleepers(count:)`` lets a test wait until
/// the code under test has reached its next sleep, so no test has to sleep on wall time.
///
/// ```swift
/// let clock = ManualClock()
/// let sleeper = Task { try await clock.sleep(for: .seconds(5)) }
/// await clock.waitForSleepers(count: 1)
/// clock.advance(by: .seconds(5))
/// try await sleeper.value
/// ```
///
/// Safe to use from any task: all state is behind a `Mutex`, and continuations are resumed after the lock
/// is released.
public final class ManualClock: Clock, Sendable {
    /// A point in time on a ``ManualClock``: the duration since the clock was created.
    public struct Instant: InstantProtocol, Hashable, Sendable, CustomStringConvertible {
        /// How far this instant is from the clock's start.
        public var offset: Duration

        /// Creates an instant `offset` after the clock's start.
        public init(offset: Duration) {
            self.offset = offset
        }

        /// Returns the instant `duration` later than this one.
        public func advanced(by duration: Duration) -> Self { Self(offset: self.offset + duration) }

        /// Returns the duration from this instant to `other`.
        public func duration(to other: Self) -> Duration { other.offset - self.offset }

        /// Whether `lhs` comes before `rhs`.
        public static func < (lhs: Self, rhs: Self) -> Bool { lhs.offset < rhs.offset }

        /// The offset, for test failure messages.
        public var description: String { "ManualClock.Instant(\(self.offset))" }
    }

    private struct Sleeper {
        var deadline: Instant
        var continuation: CheckedContinuation<Void, any Error>
        /// Whether the sleep counts in ``sleeperCount``: a stop deadline's timer does not.
        var counted = true
    }

    private struct CountWaiter {
        var count: Int
        var continuation: CheckedContinuation<Void, Never>
    }

    private struct State {
        var now: Instant
        var nextID: UInt64 = 0
        var sleepers: [UInt64: Sleeper] = [:]
        var countWaiters: [UInt64: CountWaiter] = [:]

        /// The sleepers that code under test made (stop-deadline timers left out).
        var countedSleepers: Int { self.sleepers.values.reduce(0) { $0 + ($1.counted ? 1 : 0) } }

        /// Removes and returns the count waiters that are now satisfied.
        mutating func satisfiedCountWaiters() -> [CheckedContinuation<Void, Never>] {
            let counted = self.countedSleepers
            let ready = self.countWaiters.filter { $0.value.count <= counted }
            for id in ready.keys { self.countWaiters[id] = nil }
            return ready.map(\.value.continuation)
        }
    }

    private let state: Locked<State>

    /// Creates a clock that reads `now` until a test advances it.
    ///
    /// - Parameter now: The starting instant; zero by default.
    public init(now: Instant = Instant(offset: .zero)) {
        self.state = Locked(State(now: now))
    }

    /// The current instant; it changes only through ``advance(by:)`` or ``advance(to:)``.
    public var now: Instant { self.state.withLock { $0.now } }

    /// Zero: a manual clock can be advanced by any amount.
    public var minimumResolution: Duration { .zero }

    /// The number of tasks sleeping on this clock right now.
    ///
    /// The timers that bound a `stop()` (``ServiceConfiguration/stopTimeout``) are left out, so that a test
    /// counts only the sleeps of the code it tests; they still wake when time passes their deadline.
    public var sleeperCount: Int { self.state.withLock { $0.countedSleepers } }

    /// The earliest deadline among the current sleepers, if any.
    public var nextDeadline: Instant? { self.state.withLock { $0.sleepers.values.map(\.deadline).min() } }

    /// Suspends until `deadline`, as the test moves time forward.
    ///
    /// Returns at once when `deadline` is not in the future.
    ///
    /// - Throws: `CancellationError` if the calling task is cancelled before the deadline.
    public func sleep(until deadline: Instant, tolerance: Duration? = nil) async throws {
        try Task.checkCancellation()
        let id: UInt64? = self.state.withLock { state in
            guard deadline > state.now else { return nil }
            defer { state.nextID += 1 }
            return state.nextID
        }
        guard let id else { return }
        try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<Void, any Error>) in
                let (immediate, satisfied): (Result<Void, any Error>?, [CheckedContinuation<Void, Never>]) =
                    self.state.withLock { state in
                        if Task.isCancelled { return (.failure(CancellationError()), []) }
                        if deadline <= state.now { return (.success(()), []) }
                        state.sleepers[id] = Sleeper(
                            deadline: deadline,
                            continuation: continuation,
                            counted: !ServiceRuntime.isDeadlineTimer
                        )
                        return (nil, state.satisfiedCountWaiters())
                    }
                if let immediate { continuation.resume(with: immediate) }
                for waiter in satisfied { waiter.resume() }
            }
        } onCancel: {
            let sleeper = self.state.withLock { $0.sleepers.removeValue(forKey: id) }
            sleeper?.continuation.resume(throwing: CancellationError())
        }
    }

    /// Moves time forward by `duration` and wakes every sleeper whose deadline has come, earliest first.
    ///
    /// - Parameter duration: How far to move; must not be negative.
    public func advance(by duration: Duration) {
        precondition(duration >= .zero, "ManualClock cannot move backwards (advance(by: \(duration)))")
        let target = self.now.advanced(by: duration)
        self.advance(to: target)
    }

    /// Moves time forward to `instant` and wakes every sleeper whose deadline has come, earliest first.
    ///
    /// Moving to an instant in the past does nothing.
    public func advance(to instant: Instant) {
        let due: [Sleeper] = self.state.withLock { state in
            guard instant > state.now else { return [] }
            state.now = instant
            let due = state.sleepers.filter { $0.value.deadline <= instant }
            for id in due.keys { state.sleepers[id] = nil }
            return due.values.sorted { $0.deadline < $1.deadline }
        }
        for sleeper in due { sleeper.continuation.resume() }
    }

    /// Moves time to the earliest sleeper's deadline and wakes it (and any sleeper due at the same instant).
    ///
    /// - Returns: `false` when nobody is sleeping.
    @discardableResult
    public func advanceToNextDeadline() -> Bool {
        guard let next = self.nextDeadline else { return false }
        self.advance(to: next)
        return true
    }

    /// Suspends until at least `count` tasks are sleeping on this clock.
    ///
    /// Use it to know that the code under test has reached its next sleep before advancing time. Returns
    /// early, without the count being reached, if the calling task is cancelled.
    public func waitForSleepers(count: Int = 1) async {
        let id: UInt64 = self.state.withLock { state in
            defer { state.nextID += 1 }
            return state.nextID
        }
        await withTaskCancellationHandler {
            await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
                let ready = self.state.withLock { state -> Bool in
                    if state.countedSleepers >= count || Task.isCancelled { return true }
                    state.countWaiters[id] = CountWaiter(count: count, continuation: continuation)
                    return false
                }
                if ready { continuation.resume() }
            }
        } onCancel: {
            let waiter = self.state.withLock { $0.countWaiters.removeValue(forKey: id) }
            waiter?.continuation.resume()
        }
    }
}
