import Logging
import Synchronization

/// Work a service runs for as long as it runs, declared in `backgroundTasks()`.
///
/// Each one runs in its own named task, started after `onStart()` at every start. `stop()` cancels it and
/// waits for it. A task that throws crashes its service (a `CancellationError` thrown while the service stops
/// does not); a task that returns simply ends. Besides plain tasks there are timers (``timer(_:every:runFirst:scheduling:jitter:onError:monitor:tolerance:_:)``)
/// and crontab timers (`crontab(_:_:onError:now:_:)`).
///
/// ```swift
/// func backgroundTasks() -> [BackgroundTask] {
///     [
///         .task("consume") { try await self.consume() },
///         .timer("flush", every: .seconds(5)) { try await self.flush() },
///     ]
/// }
/// ```
///
/// The closures are `@concurrent`: they run on the global concurrent executor, as the task they run in does,
/// and call into the service with `await`. That is also what a closure written in a module without the
/// `NonisolatedNonsendingByDefault` feature is, so it is stored as written: a closure of another kind would be
/// wrapped in a conversion thunk, one more object and one more call on every run (on every tick, for a timer).
public struct BackgroundTask: Sendable {
    /// The task's name: in logs, in the task's own name, and in reports of tasks that ignore cancellation.
    public let name: String
    let operation: Operation
    /// A problem with the declaration itself (a negative interval, say); `start()` throws it.
    let invalid: ServiceError?

    /// The work. A plain task's closure is kept as given, so the task calls it directly: one wrapper closure
    /// fewer in the frames of every task, which is what lets an idle task's frames fit its first allocator slab.
    enum Operation: Sendable {
        case plain(@concurrent @Sendable () async throws -> Void)
        /// Mode's own kinds (timers, crontab timers), given the runtime and the service object.
        case withRuntime(@Sendable (ServiceRuntime, AnyObject) async throws -> Void)
    }

    init(
        name: String,
        invalid: ServiceError? = nil,
        operation: @escaping @Sendable (ServiceRuntime, AnyObject) async throws -> Void
    ) {
        self.name = name
        self.invalid = invalid
        self.operation = .withRuntime(operation)
    }

    /// Creates a background task.
    ///
    /// - Parameters:
    ///   - name: A name unique within the service.
    ///   - operation: The work; capture the service to call into it.
    public init(name: String, operation: @escaping @concurrent @Sendable () async throws -> Void) {
        self.name = name
        self.invalid = nil
        self.operation = .plain(operation)
    }

    /// A background task named `name` that runs `operation`.
    public static func task(_ name: String, _ operation: @escaping @concurrent @Sendable () async throws -> Void) -> Self {
        Self(name: name, operation: operation)
    }
}

/// What a service timer does when its body throws.
public struct TimerErrorPolicy: Hashable, Sendable, CustomStringConvertible {
    private enum Value: Hashable, Sendable { case crash, logAndContinue }
    private let value: Value

    /// The error crashes the service, as in the original; the timer ends.
    public static let crash = Self(value: .crash)
    /// The error is logged at error level and the timer keeps its schedule.
    public static let logAndContinue = Self(value: .logAndContinue)

    /// `crash` or `logAndContinue`.
    public var description: String { self.value == .crash ? "crash" : "logAndContinue" }

    /// Runs `body`, applying the policy to what it throws (`CancellationError` always passes through).
    ///
    /// The error handling is a separate synchronous step: this runs on every tick of every timer, and its
    /// async frame (one more stretch of task memory touched per tick) stays small that way.
    func run(_ name: String, runtime: ServiceRuntime, _ body: @concurrent @Sendable () async throws -> Void) async throws {
        do {
            try await body()
        } catch {
            try self.handle(error, name: name, runtime: runtime)
        }
    }

    /// Rethrows `error`, or logs it when the policy is to continue (never a `CancellationError`).
    private func handle(_ error: any Error, name: String, runtime: ServiceRuntime) throws {
        if error is CancellationError { throw error }
        guard self.value == .logAndContinue else { throw error }
        runtime.log(.error, "Timer \(name) raised \(error); it keeps running")
    }
}

extension BackgroundTask {
    /// A timer: runs `body` every `interval` while the service runs, in a task named `name`.
    ///
    /// The first run comes one interval (plus a small random jitter, so that many timers do not fire together)
    /// after the start, or at once with `runFirst`. Runs never overlap: a body that takes longer than the
    /// interval delays the next run, which is logged as an overlap. Late and early wake-ups are counted and
    /// logged as in the original (see `Docs/Timers.md`). The timer ends when the service stops (its task is
    /// cancelled) or, at its next tick, when the service has crashed.
    ///
    /// ```swift
    /// .timer("flush", every: .seconds(5)) { try await self.flush() }
    /// ```
    ///
    /// - Parameters:
    ///   - name: The task and timer name.
    ///   - interval: The time between runs; it must not be negative (`start()` throws
    ///     ``ServiceError`` `.invalidArgument`). Zero runs the body back to back (yielding
    ///     between runs); a huge value such as `.seconds(Int64.max)` means "never" (the timer waits until the
    ///     service stops).
    ///   - runFirst: Run once at start, before the first interval (the original's `exec_first`).
    ///   - scheduling: `TimerScheduling.fixedRate` (drift-free, the default) or
    ///     `TimerScheduling.driftCorrected` (the original's algorithm).
    ///   - jitter: The random delay added to the first deadline only.
    ///   - onError: ``TimerErrorPolicy/crash`` (the default) or ``TimerErrorPolicy/logAndContinue``.
    ///   - monitor: Receives the timer's counters (ticks, drift, overlaps, lateness), if given.
    ///   - tolerance: How late the clock may wake the timer, so it can batch the wake-ups of many timers.
    ///     Zero or `nil` asks for the deadline itself, give or take the shared scheduler's batching on a real
    ///     clock (up to 2% of the interval, at most 1 ms; see `Docs/Timers.md`); negative makes `start()`
    ///     throw `.invalidArgument`.
    ///   - body: The work of one tick.
    public static func timer(
        _ name: String,
        every interval: Duration,
        runFirst: Bool = false,
        scheduling: TimerScheduling = .fixedRate,
        jitter: TimerJitter = .default,
        onError: TimerErrorPolicy = .crash,
        monitor: TimerMonitor? = nil,
        tolerance: Duration? = nil,
        _ body: @escaping @concurrent @Sendable () async throws -> Void
    ) -> Self {
        var invalid: ServiceError?
        do {
            try reportingTimerErrorsAsServiceErrors {
                try IntervalTimer<ContinuousClock>.validate(interval: interval, name: name, tolerance: tolerance)
            }
        } catch {
            invalid = error as? ServiceError
        }
        let loop = ServiceTimerLoop(
            name: name,
            interval: interval,
            runFirst: runFirst,
            scheduling: scheduling,
            jitter: jitter,
            onError: onError,
            monitor: monitor,
            tolerance: tolerance,
            body: body
        )
        return Self(name: name, invalid: invalid) { runtime, service in try await loop.run(runtime, service: service) }
    }
}

extension Service {
    /// Ticks every `interval` on the service's clock until the service stops or crashes: Python's `itertimer`.
    ///
    /// Each element is the sleep the timer made before it. The sequence ends (returns `nil`) as soon as the
    /// service should stop, even when it is iterated outside the service's own tasks.
    ///
    /// ```swift
    /// for await _ in try itertimer(every: .seconds(1), name: "poll") { await poll() }
    /// ```
    ///
    /// - Throws: ``ServiceError`` `.invalidArgument` for a negative interval (zero ticks back to back, a huge
    ///   interval never ticks).
    public func itertimer(
        every interval: Duration,
        name: String = "",
        scheduling: TimerScheduling = .fixedRate,
        jitter: TimerJitter = .default
    ) throws -> some AsyncSequence<Duration, Never> & Sendable {
        try reportingTimerErrorsAsServiceErrors {
            try IntervalTimer<ContinuousClock>.validate(interval: interval, name: name)
        }
        let runtime = self.runtime
        runtime.bind(self)
        return ServiceTimerSequence(
            runtime: runtime,
            timer: try IntervalTimer(
                every: interval,
                name: name,
                scheduling: scheduling,
                jitter: jitter,
                logger: runtime.serviceLogger,
                clock: ServiceTimerClock(runtime: runtime, wakesOnStop: true)
            )
        )
    }
}

/// An interval timer that ends as soon as its service should stop.
///
/// It drives the timer's ``IntervalTimerCore`` on the concrete ``ServiceTimerClock`` itself rather than
/// through `IntervalTimer<ServiceTimerClock>.AsyncIterator`: a generic iterator of another module runs
/// unspecialized (type metadata looked up and witnesses called on every tick) and adds async frames, each one
/// more cold cache line per tick when thousands of services tick. One async call per tick remains: the sleep.
struct ServiceTimerSequence: AsyncSequence, Sendable {
    typealias Element = Duration
    typealias Failure = Never

    let runtime: ServiceRuntime
    let timer: IntervalTimer<ServiceTimerClock>

    func makeAsyncIterator() -> Iterator {
        let clock = self.timer.clock
        return Iterator(
            runtime: self.runtime,
            clock: clock,
            core: IntervalTimerCore(self.timer, origin: clock.now.offset),
            sleeper: nil
        )
    }

    struct Iterator: AsyncIteratorProtocol {
        let runtime: ServiceRuntime
        let clock: ServiceTimerClock
        var core: IntervalTimerCore
        /// The task's sleeper on the clock's shared scheduler, when the task holds one (see
        /// `TimerScheduler.withSleeper`); without it each sleep makes its own.
        var sleeper: TimerScheduler.Sleeper?

        /// The runtime's `shouldStop`, read without its lock (see `ServiceRuntime.stopFlag`): one cache line per
        /// check instead of three.
        private var shouldStop: Bool { self.runtime.stopFlag.load(ordering: .acquiring) }

        @inline(__always)
        mutating func next(isolation actor: isolated (any Actor)?) async -> Duration? {
            guard !self.shouldStop else { return nil }
            while true {
                if Task.isCancelled { self.core.finish() }
                switch self.core.nextWait(now: self.clock.now.offset) {
                case .finished:
                    return nil
                case .sleep(let deadline):
                    guard await self.sleep(until: deadline) else {
                        self.core.finish()
                        return nil
                    }
                case .yield:
                    await Task.yield()
                    if Task.isCancelled {
                        self.core.finish()
                        return nil
                    }
                }
                if let slept = self.core.wake(now: self.clock.now.offset) {
                    return self.shouldStop ? nil : slept
                }
            }
        }

        @inline(__always)
        mutating func next() async -> Duration? {
            await self.next(isolation: #isolation)
        }

        /// Sleeps until the offset `deadline`; `false` when the sleep was cancelled or the service should stop.
        ///
        /// On a real clock it goes straight to the shared scheduler (what ``ServiceTimerClock/sleep(until:tolerance:)``
        /// does, minus two async frames per tick); the scheduler's driver bounds its own sleeps.
        @inline(__always)
        private func sleep(until deadline: Duration) async -> Bool {
            do {
                if let (scheduler, shift) = self.clock.scheduler {
                    let tolerance = Swift.max(self.core.tolerance ?? .zero, self.clock.coalescing)
                    if let sleeper = self.sleeper {
                        try await scheduler.sleep(sleeper, until: deadline + shift, tolerance: tolerance)
                    } else {
                        try await scheduler.sleep(until: deadline + shift, tolerance: tolerance)
                    }
                } else {
                    try await self.clock.sleepBounded(until: deadline, tolerance: self.core.tolerance)
                }
            } catch {
                return false
            }
            return !self.shouldStop && !Task.isCancelled
        }
    }
}
