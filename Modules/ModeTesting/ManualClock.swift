import ModeConcurrencyHelpers
import ModeCore
import ModeTime

/// A clock whose time moves only when a test moves it.
///
/// Every Mode API that waits takes a `clock:` (or a `ServiceConfiguration` holding one): timers, service
/// sleeps, wait timeouts, supervisor windows and backoff, the flight recorder, stop deadlines. Pass a
/// `ManualClock` in tests and drive time by hand:
///
/// - ``advance(by:)`` and ``advance(to:)`` move time at once and wake every sleeper now due, earliest first;
/// - ``advanceToNextDeadline()`` jumps to the earliest sleeper's deadline;
/// - ``run(for:sleepers:)`` lets time pass step by step, so a timer that re-arms fires once per period (Akka's
///   `timePasses`);
/// - ``runUntilIdle(quietYields:)`` returns once every woken sleeper has run on and the code under test has settled;
/// - ``sleeperCount``, ``deadlines``, ``waitForSleepers(count:)`` and ``waitForSleeper(until:)`` tell a test
///   that the code under test has reached its next sleep, so no test has to sleep on wall time.
///
/// ```swift
/// let clock = ManualClock()
/// let sleeper = Task { try await clock.sleep(for: .seconds(5)) }
/// await clock.waitForSleepers(count: 1)
/// clock.advance(by: .seconds(5))
/// try await sleeper.value
/// ```
///
/// Safe to use from any task: all state is behind a lock, and continuations are resumed after the lock is
/// released.
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
        ///
        /// Saturates at ±16 × `.seconds(Int64.max)` instead of overflowing `Duration`, so advancing a clock
        /// by `.seconds(Int64.max)` again and again never traps.
        public func advanced(by duration: Duration) -> Self { Self(offset: self.offset.saturatingSum(duration)) }

        /// Returns the duration from this instant to `other` (saturating, as ``advanced(by:)`` does).
        public func duration(to other: Self) -> Duration { other.offset.saturatingSum(.zero - self.offset) }

        /// Whether `lhs` comes before `rhs`.
        public static func < (lhs: Self, rhs: Self) -> Bool { lhs.offset < rhs.offset }

        /// The offset, for test failure messages.
        public var description: String { "ManualClock.Instant(\(self.offset))" }
    }

    private struct Sleeper {
        var deadline: Instant
        /// What the deadline wakes: a sleeping task, or a service runtime's alarm (see ``setAlarm(at:_:)``).
        var wake: Wake
        /// Whether the sleep counts in ``sleeperCount``: a stop deadline's timer does not.
        var counted = true
    }

    private enum Wake {
        /// A task in ``sleep(until:tolerance:)``, resumed with `true` when time reached the deadline.
        case task(CheckedContinuation<Bool, any Error>)
        /// An alarm, called when time reached the deadline.
        case alarm(@Sendable () -> Void)
    }

    private struct CountWaiter {
        /// At least this many sleepers...
        var count: Int
        /// ...or, when set, a sleeper with exactly this deadline.
        var deadline: Instant?
        var continuation: CheckedContinuation<Void, Never>
    }

    private struct State {
        var now: Instant
        var nextID: UInt64 = 0
        var sleepers: [UInt64: Sleeper] = [:]
        var countWaiters: [UInt64: CountWaiter] = [:]
        /// Sleepers resumed by an advance, and how many of them have returned from `sleep` since.
        var woken = 0
        var ran = 0
        var wokenRunWaiters: [CheckedContinuation<Void, Never>] = []
        /// Bumped by every sleep, wake and cancellation: `runUntilIdle` waits until it stops moving.
        var activity: UInt64 = 0

        /// Whether the sleepers now meet a waiter's condition.
        func satisfies(_ count: Int, _ deadline: Instant?) -> Bool {
            if let deadline { return self.sleepers.values.contains { $0.deadline == deadline } }
            return self.countedSleepers >= count
        }

        /// The sleepers that code under test made (stop-deadline timers left out).
        var countedSleepers: Int { self.sleepers.values.reduce(0) { $0 + ($1.counted ? 1 : 0) } }

        /// Removes and returns the count waiters that are now satisfied.
        mutating func satisfiedCountWaiters() -> [CheckedContinuation<Void, Never>] {
            let ready = self.countWaiters.filter { self.satisfies($0.value.count, $0.value.deadline) }
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
    /// The timers that bound a `stop()` (`ServiceConfiguration.stopTimeout`) are left out, so that a test
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
        let woken = try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<Bool, any Error>) in
                let (immediate, satisfied): (Result<Bool, any Error>?, [CheckedContinuation<Void, Never>]) =
                    self.state.withLock { state in
                        if Task.isCancelled { return (.failure(CancellationError()), []) }
                        if deadline <= state.now { return (.success(false), []) }
                        state.sleepers[id] = Sleeper(
                            deadline: deadline,
                            wake: .task(continuation),
                            counted: !ServiceRuntime.isDeadlineTimer
                        )
                        state.activity &+= 1
                        return (nil, state.satisfiedCountWaiters())
                    }
                if let immediate { continuation.resume(with: immediate) }
                for waiter in satisfied { waiter.resume() }
            }
        } onCancel: {
            let sleeper = self.state.withLock { state in
                state.activity &+= 1
                return state.sleepers.removeValue(forKey: id)
            }
            if case .task(let continuation) = sleeper?.wake { continuation.resume(throwing: CancellationError()) }
        }
        if woken {
            let waiters = self.state.withLock { state -> [CheckedContinuation<Void, Never>] in
                state.ran += 1
                state.activity &+= 1
                guard state.ran >= state.woken else { return [] }
                defer { state.wokenRunWaiters = [] }
                return state.wokenRunWaiters
            }
            for waiter in waiters { waiter.resume() }
        }
    }

    /// Moves time forward by `duration` and wakes every sleeper whose deadline has come, earliest first.
    ///
    /// Time moves in one jump: a sleeper that goes back to sleep after waking is not woken again by this call,
    /// even if its new deadline is within `duration`. Use ``run(for:sleepers:)`` to let a timer fire once per period.
    ///
    /// - Parameter duration: How far to move. Zero or a negative duration does nothing (time never moves
    ///   backwards).
    public func advance(by duration: Duration) {
        guard duration > .zero else { return }
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
            // An alarm has run on once it is called, below; only sleeping tasks are waited for.
            state.woken += due.values.reduce(0) { count, sleeper in
                if case .task = sleeper.wake { return count + 1 }
                return count
            }
            state.activity &+= 1
            return due.values.sorted { $0.deadline < $1.deadline }
        }
        for sleeper in due {
            switch sleeper.wake {
            case .task(let continuation): continuation.resume(returning: true)
            case .alarm(let wake): wake()
            }
        }
    }

    /// The deadlines of the current sleepers, earliest first (one entry per sleeper).
    public var deadlines: [Instant] { self.state.withLock { $0.sleepers.values.map(\.deadline) }.sorted() }

    /// Lets `duration` pass step by step: jumps to each sleeper's deadline in turn, lets the woken code run
    /// until it has settled, and goes on until `duration` has passed.
    ///
    /// A timer that fires every second therefore fires ten times in `run(for: .seconds(10))`, where
    /// ``advance(by:)`` would wake it once. This is Akka's `ManualTime.timePasses`.
    ///
    /// ```swift
    /// try await service.start()                          // one timer, ticking every second
    /// await clock.run(for: .seconds(10), sleepers: 1)
    /// #expect(await service.ticks == 10)
    /// ```
    ///
    /// - Parameters:
    ///   - duration: How much time passes; zero only lets due work settle, a negative duration does
    ///     nothing but that.
    ///   - sleepers: How many tasks sleep on this clock when the code under test is idle. When given, each
    ///     step waits (exactly) until that many are asleep again; use it whenever you know the number. When
    ///     `nil`, each step waits with ``runUntilIdle(quietYields:)``, which is a heuristic.
    /// - Important: With `sleepers`, a step waits until that many tasks sleep: if the code under test never
    ///   gets there (a count too high), the call waits until the test's time limit.
    public func run(for duration: Duration, sleepers: Int? = nil) async {
        let target = self.now.advanced(by: max(duration, .zero))
        await self.run(until: target, sleepers: sleepers)
    }

    /// Lets time pass step by step up to `instant`, as ``run(for:sleepers:)`` does.
    public func run(until instant: Instant, sleepers: Int? = nil) async {
        await self.settle(sleepers: sleepers)
        while let next = self.nextDeadline, next <= instant {
            self.advance(to: next)
            await self.settle(sleepers: sleepers)
        }
        self.advance(to: instant)
        await self.settle(sleepers: sleepers)
    }

    private func settle(sleepers: Int?) async {
        if let sleepers {
            await self.waitForWokenSleepersToRun()
            await self.waitForSleepers(count: sleepers)
        } else {
            await self.runUntilIdle()
        }
    }

    /// Suspends until every sleeper that an advance woke has returned from its sleep and the code under test
    /// has settled: for `quietYields` yields in a row, nobody started, ended or cancelled a sleep on this clock.
    ///
    /// The first half is exact. The second is a heuristic: the cooperative pool gives no way to know that
    /// every task has reached its next suspension point. It is right for code that goes from one sleep on
    /// this clock to the next without waiting on anything else; when a test needs certainty, it follows
    /// with ``waitForSleepers(count:)``, which is exact.
    ///
    /// - Parameter quietYields: How many yields in a row must see no activity; at least 1.
    public func runUntilIdle(quietYields: Int = 20) async {
        await self.waitForWokenSleepersToRun()
        var quiet = 0
        var last = self.state.withLock { $0.activity }
        while quiet < max(quietYields, 1) {
            await Task.yield()
            let current = self.state.withLock { $0.activity }
            if current == last {
                quiet += 1
            } else {
                quiet = 0
                last = current
                await self.waitForWokenSleepersToRun()
            }
        }
    }

    /// Suspends until every sleeper resumed by an advance has returned from `sleep`.
    private func waitForWokenSleepersToRun() async {
        await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
            let done = self.state.withLock { state -> Bool in
                if state.ran >= state.woken { return true }
                state.wokenRunWaiters.append(continuation)
                return false
            }
            if done { continuation.resume() }
        }
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
    /// early, without the count being reached, if the calling task is cancelled. A count of zero or less
    /// returns at once.
    public func waitForSleepers(count: Int = 1) async {
        await self.waitForSleepers(count: count, deadline: nil)
    }

    /// Suspends until a task sleeps on this clock until exactly `deadline`.
    ///
    /// More precise than ``waitForSleepers(count:)`` when other sleeps may come and go, such as the bounded
    /// waits of a stopping service: wait for the one sleep you mean.
    ///
    /// ```swift
    /// await clock.waitForSleeper(until: clock.now.advanced(by: .seconds(1)))  // the supervisor's backoff
    /// clock.advance(by: .seconds(1))
    /// ```
    ///
    /// It also sees the timers that bound a `stop()` (`ServiceConfiguration.stopTimeout`), which
    /// ``sleeperCount`` leaves out: `waitForSleeper(until: clock.now.advanced(by: .seconds(30)))` waits until a
    /// stop has started its 30-second deadline. Returns early if the calling task is cancelled.
    public func waitForSleeper(until deadline: Instant) async {
        await self.waitForSleepers(count: 1, deadline: deadline)
    }

    private func waitForSleepers(count: Int, deadline: Instant?) async {
        let id: UInt64 = self.state.withLock { state in
            defer { state.nextID += 1 }
            return state.nextID
        }
        await withTaskCancellationHandler {
            await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
                let ready = self.state.withLock { state -> Bool in
                    if state.satisfies(count, deadline) || Task.isCancelled { return true }
                    state.countWaiters[id] = CountWaiter(count: count, deadline: deadline, continuation: continuation)
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

extension ManualClock: AlarmClock {
    /// Registers `wake` as a sleeper with `deadline`: a service's timed wait (`sleep(for:)`, a wait with a
    /// timeout) counts in ``sleeperCount`` and ``deadlines`` and wakes on ``advance(by:)``, as a sleeping task
    /// does, without a task of its own.
    package func setAlarm(at deadline: Instant, _ wake: @escaping @Sendable () -> Void) -> UInt64? {
        let registered: (id: UInt64, satisfied: [CheckedContinuation<Void, Never>])? = self.state.withLock { state in
            guard deadline > state.now else { return nil }
            let id = state.nextID
            state.nextID += 1
            state.sleepers[id] = Sleeper(deadline: deadline, wake: .alarm(wake), counted: !ServiceRuntime.isDeadlineTimer)
            state.activity &+= 1
            return (id, state.satisfiedCountWaiters())
        }
        guard let registered else { return nil }
        for waiter in registered.satisfied { waiter.resume() }
        return registered.id
    }

    /// Removes the alarm `id` if it has not rung.
    package func cancelAlarm(_ id: UInt64) {
        self.state.withLock { state in
            if state.sleepers.removeValue(forKey: id) != nil { state.activity &+= 1 }
        }
    }
}

extension Duration {
    /// The largest offset a ``ManualClock`` reaches: 16 × `.seconds(Int64.max)`, well inside `Duration`'s
    /// range (about 18.4 × that).
    fileprivate static let manualClockLimit = Duration.seconds(Int64.max) * 16

    /// `self + other`, clamped to `-manualClockLimit ... manualClockLimit` instead of trapping on overflow.
    fileprivate func saturatingSum(_ other: Duration) -> Duration {
        let limit = Self.manualClockLimit
        let low = Duration.zero - limit
        let a = Swift.min(Swift.max(self, low), limit)
        let b = Swift.min(Swift.max(other, low), limit)
        if b > .zero { return a > limit - b ? limit : a + b }
        return a < low - b ? low : a + b
    }
}
