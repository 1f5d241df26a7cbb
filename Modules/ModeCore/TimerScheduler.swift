import HeapModule
import ModeConcurrencyHelpers

/// One wake-up per due instant for every service timer on one clock.
///
/// A service timer that slept on the clock itself cost one OS timer and one thread wake-up per tick: 1,000
/// timers of 10 ms meant 100,000 wake-ups a second. The scheduler keeps the sleepers of one clock in a heap
/// of `(deadline, continuation)` and has one task, the driver, sleep until the earliest deadline; when it
/// wakes it resumes every sleeper due by then (each in its own task, which runs the timer's body), then
/// sleeps again until the next deadline. The random jitter of each timer's first deadline keeps the timers'
/// bodies apart; the wake-ups are shared.
///
/// - A sleeper is resumed at or after its deadline, never before, in deadline order (first come first for
///   equal deadlines); a sleeper whose task is cancelled is removed and resumed at once with
///   `CancellationError` (that is how `stop()` wakes its timers: it cancels their tasks).
/// - The continuations are resumed after the lock is released, never under it.
/// - The driver starts with the first sleeper and ends as soon as none is left (the last one's cancellation
///   cancels it). While it runs it only resumes continuations: no code of any service runs in it, so a
///   service whose `stop()` returned has nothing left in it even while other services' timers keep the
///   driver alive. A sleeper due earlier than the driver's current target replaces the driver with one
///   that sleeps until the new deadline (the old one is cancelled and ends).
/// - Tolerance: when every sleeper allows some (`tolerance > 0`), the driver wakes the smallest tolerance
///   after the earliest deadline and so takes in every sleeper that falls due meanwhile: one wake-up for
///   a whole batch, each sleeper still within its own tolerance. One sleeper that asks for none makes the
///   driver wake at the earliest deadline. Service timers ask for at least
///   ``ServiceTimerClock/coalescing(for:)`` (2% of the interval, at most 1 ms), so that timers spread by
///   their jitter are still woken in batches.
///
/// - A timer holds one sleeper for its whole life (``withSleeper(_:)``): one cancellation handler for all its
///   sleeps, one lock acquisition per sleep. ``sleep(until:tolerance:)`` makes a sleeper for one sleep.
///
/// Only real clocks use it (``ServiceTimerClock`` picks ``continuous`` or ``suspending``); timers on other
/// clocks, such as ModeTesting's `ManualClock`, sleep on their clock directly, so tests still see one
/// sleeper per timer. Tests of the scheduler itself make one on a manual clock.
package final class TimerScheduler: Sendable {
    /// The scheduler of every runtime on `ContinuousClock` (its offsets count from its own creation).
    static let continuous = TimerScheduler(clock: ServiceClock(ContinuousClock()))

    /// The scheduler of every runtime on `SuspendingClock` (its offsets count from its own creation).
    static let suspending = TimerScheduler(clock: ServiceClock(SuspendingClock()))

    /// The clock the driver sleeps on; deadlines are offsets on it.
    package let clock: ServiceClock
    private let state = Locked(State())

    /// Creates a scheduler whose driver sleeps on `clock` (tests pass a box of a manual clock).
    package init(clock: ServiceClock) {
        self.clock = clock
    }

    /// How many sleepers wait (cancelled ones are not counted).
    package var sleeperCount: Int { self.state.withLock { $0.live } }

    /// Whether a driver task is running (or about to).
    package var hasDriver: Bool { self.state.withLock { $0.driver != nil } }

    /// Sleeps until the clock reaches `deadline` (an offset on ``clock``).
    ///
    /// - Throws: `CancellationError` when the task is cancelled, before or during the sleep.
    package func sleep(until deadline: Duration, tolerance: Duration? = nil) async throws {
        try Task.checkCancellation()
        try await self.withSleeper { sleeper in
            try await self.sleep(sleeper, until: deadline, tolerance: tolerance)
        }
    }

    /// Runs `body` with a sleeper of its own, for as many sleeps (one at a time) as it makes.
    ///
    /// A timer sleeps once per tick: holding one sleeper for its whole life, it installs its cancellation
    /// handler once rather than at every sleep (each install and removal touches the task's status, and the
    /// handler's frame is one more piece of task memory per tick) and takes the lock once per sleep, not twice.
    /// When the task is cancelled, a sleep in progress ends at once with `CancellationError`, and so does
    /// every later one (a task cancelled already gets a sleeper whose first sleep throws).
    ///
    /// - Throws: Whatever `body` throws.
    package func withSleeper(_ body: (Sleeper) async throws -> Void) async throws {
        let sleeper = self.state.withLock { $0.reserve() }
        defer {
            let change = self.state.withLock { $0.release(sleeper) }
            self.apply(change)
        }
        try await withTaskCancellationHandler {
            try await body(sleeper)
        } onCancel: {
            let (continuation, change) = self.state.withLock { $0.cancel(sleeper) }
            continuation?.resume(throwing: CancellationError())
            self.apply(change)
        }
    }

    /// Sleeps until the clock reaches `deadline` (an offset on ``clock``), as `sleeper`, which belongs to the
    /// calling task (see ``withSleeper(_:)``).
    ///
    /// - Throws: `CancellationError` when the task was cancelled, before or during the sleep.
    package func sleep(_ sleeper: Sleeper, until deadline: Duration, tolerance: Duration? = nil) async throws {
        try await withUnsafeThrowingContinuation { (continuation: UnsafeContinuation<Void, any Error>) in
            let outcome = self.state.withLock { state in
                state.arm(sleeper, deadline: deadline, tolerance: tolerance, continuation: continuation)
            }
            switch outcome {
            case .cancelled:
                continuation.resume(throwing: CancellationError())
            case .armed(let change):
                self.apply(change)
            }
        }
    }

    /// Starts or cancels driver tasks as a change of the state asks, outside the lock.
    private func apply(_ change: DriverChange) {
        change.retired?.cancel()
        guard let id = change.started else { return }
        let task = Task(name: "mode.timer-scheduler") { await self.drive(id) }
        let superseded = self.state.withLock { $0.adopt(task, id: id) }
        if superseded { task.cancel() }
    }

    /// The driver's loop: resume what is due, sleep until the next deadline, end when nothing waits or a
    /// newer driver took over.
    private func drive(_ id: UInt64) async {
        var due: [UnsafeContinuation<Void, any Error>] = []
        while true {
            let now = self.clock.now
            let target = self.state.withLock { $0.takeDue(now: now, driver: id, into: &due) }
            for continuation in due { continuation.resume() }
            let resumed = !due.isEmpty
            due.removeAll(keepingCapacity: true)
            guard let target else { return }
            // Resuming took time: when the next target has passed meanwhile, go round again without a sleep
            // (each sleep costs an OS timer); the clock is read once more at the top of the loop.
            if resumed, target <= self.clock.now { continue }
            do {
                try await self.clock.sleep(until: target)
            } catch {
                // Cancelled: a newer driver replaced this one, or nothing waits any more. `takeDue` ends the
                // loop in both cases (the state no longer names this driver).
            }
        }
    }
}

extension TimerScheduler {
    /// A claim on one slot of the scheduler, held by one task for a sequence of sleeps (see ``withSleeper(_:)``).
    package struct Sleeper: Sendable {
        let slot: Int
        /// Tells this claim from earlier and later ones on the same slot.
        let owner: UInt64
    }

    /// What the driver should be after a change: a task to cancel, a new driver to start.
    struct DriverChange: Sendable {
        var retired: Task<Void, Never>?
        var started: UInt64?
    }

    enum ArmOutcome: Sendable {
        case cancelled
        case armed(DriverChange)
    }

    /// One heap element; slots make cancellation O(1) (the element then stays in the heap, stale, until it
    /// reaches the top or the heap is rebuilt).
    struct Entry: Sendable, Comparable {
        var deadline: Duration
        var generation: UInt64
        var slot: Int

        /// Deadline order; equal deadlines in arrival order.
        static func < (lhs: Entry, rhs: Entry) -> Bool {
            lhs.deadline < rhs.deadline || (lhs.deadline == rhs.deadline && lhs.generation < rhs.generation)
        }
    }

    struct Slot: Sendable {
        enum Phase: Sendable {
            case free
            /// Held by a sleeper that does not sleep now.
            case idle
            /// Held by a sleeper whose task was cancelled: every sleep of it throws at once.
            case cancelled
            case waiting(UnsafeContinuation<Void, any Error>)
        }
        /// The claim holding the slot (see ``Sleeper``).
        var owner: UInt64 = 0
        /// The generation of the heap element of the current sleep; earlier elements of the slot are stale.
        var armed: UInt64 = 0
        var phase = Phase.free
        var tolerance: Duration?
    }

    struct Driver: Sendable {
        var id: UInt64
        var task: Task<Void, Never>?
        /// The deadline it sleeps until (or will once it runs); `nil` while it has not computed one yet.
        var target: Duration?
    }

    struct State: Sendable {
        var slots: [Slot] = []
        var freeSlots: [Int] = []
        var heap = Heap<Entry>()
        /// Sleepers waiting (armed, not resumed nor cancelled).
        var live = 0
        /// Waiting sleepers that asked for no tolerance.
        var strict = 0
        /// How many waiting sleepers asked for each tolerance: few distinct values in practice, so a short list
        /// searched in order costs less than hashing.
        var tolerances: [(tolerance: Duration, count: Int)] = []
        var stale = 0
        var nextGeneration: UInt64 = 1
        var nextDriver: UInt64 = 1
        var driver: Driver?

        mutating func reserve() -> Sleeper {
            let owner = self.nextGeneration
            self.nextGeneration += 1
            let slot: Int
            if let free = self.freeSlots.popLast() {
                slot = free
            } else {
                slot = self.slots.count
                self.slots.append(Slot())
            }
            self.slots[slot].owner = owner
            self.slots[slot].phase = .idle
            return Sleeper(slot: slot, owner: owner)
        }

        mutating func arm(
            _ sleeper: Sleeper,
            deadline: Duration,
            tolerance: Duration?,
            continuation: UnsafeContinuation<Void, any Error>
        ) -> ArmOutcome {
            guard self.slots[sleeper.slot].owner == sleeper.owner, case .idle = self.slots[sleeper.slot].phase else {
                return .cancelled
            }
            let tolerance = tolerance.flatMap { $0 > .zero ? $0 : nil }
            let generation = self.nextGeneration
            self.nextGeneration += 1
            self.slots[sleeper.slot].armed = generation
            self.slots[sleeper.slot].phase = .waiting(continuation)
            self.slots[sleeper.slot].tolerance = tolerance
            self.live += 1
            if let tolerance {
                if let index = self.tolerances.firstIndex(where: { $0.tolerance == tolerance }) {
                    self.tolerances[index].count += 1
                } else {
                    self.tolerances.append((tolerance, 1))
                }
            } else {
                self.strict += 1
            }
            self.heap.insert(Entry(deadline: deadline, generation: generation, slot: sleeper.slot))
            var change = DriverChange()
            if let driver = self.driver {
                // A driver that has no target yet computes it from the heap when it first runs.
                if let target = driver.target, deadline + (tolerance ?? .zero) < target {
                    change.retired = driver.task
                    change.started = self.startDriver()
                }
            } else {
                change.started = self.startDriver()
            }
            return .armed(change)
        }

        /// Marks `sleeper` cancelled and takes it out of the heap if it waits; its continuation (if it waited)
        /// is for the caller to resume.
        mutating func cancel(_ sleeper: Sleeper) -> (UnsafeContinuation<Void, any Error>?, DriverChange) {
            guard self.slots[sleeper.slot].owner == sleeper.owner else { return (nil, DriverChange()) }
            switch self.slots[sleeper.slot].phase {
            case .idle:
                self.slots[sleeper.slot].phase = .cancelled
                return (nil, DriverChange())
            case .waiting(let continuation):
                self.slots[sleeper.slot].phase = .cancelled
                return (continuation, self.abandon(sleeper.slot))
            case .free, .cancelled:
                return (nil, DriverChange())
            }
        }

        /// Gives the slot of `sleeper` back (its task no longer sleeps on it).
        mutating func release(_ sleeper: Sleeper) -> DriverChange {
            guard self.slots[sleeper.slot].owner == sleeper.owner else { return DriverChange() }
            var change = DriverChange()
            if case .waiting = self.slots[sleeper.slot].phase { change = self.abandon(sleeper.slot) }
            self.slots[sleeper.slot] = Slot()
            self.freeSlots.append(sleeper.slot)
            return change
        }

        /// Stops counting the waiting sleeper of `slot`, whose heap element becomes stale.
        private mutating func abandon(_ slot: Int) -> DriverChange {
            self.unwait(slot)
            self.stale += 1
            var change = DriverChange()
            if self.live == 0 {
                change.retired = self.driver?.task
                self.driver = nil
                self.heap = Heap()  // the last timer stopped: give the memory back
                self.stale = 0
            } else if self.stale > 64 && self.stale > self.heap.count / 2 {
                self.compact()
            }
            return change
        }

        /// Records the task of driver `id`; `true` if that driver was replaced meanwhile (cancel the task).
        mutating func adopt(_ task: Task<Void, Never>, id: UInt64) -> Bool {
            guard self.driver?.id == id else { return true }
            self.driver?.task = task
            return false
        }

        /// Moves every sleeper due at `now` into `due` and returns the next deadline to sleep until, or `nil`
        /// when driver `id` should end (nothing waits, or another driver took over).
        mutating func takeDue(
            now: Duration,
            driver id: UInt64,
            into due: inout [UnsafeContinuation<Void, any Error>]
        ) -> Duration? {
            guard self.driver?.id == id else { return nil }
            while let top = self.heap.min {
                let slot = self.slots[top.slot]
                guard slot.armed == top.generation, case .waiting(let continuation) = slot.phase else {
                    _ = self.heap.popMin()
                    self.stale -= 1
                    continue
                }
                guard top.deadline <= now else {
                    // Every sleeper's deadline is at or after the top's, and its tolerance at least the
                    // smallest: waking that much later than the top's deadline keeps every sleeper within
                    // its tolerance, and takes in all that fall due meanwhile.
                    let target = top.deadline + (self.strict > 0 ? .zero : self.smallestTolerance)
                    self.driver?.target = target
                    return target
                }
                _ = self.heap.popMin()
                self.unwait(top.slot)
                self.slots[top.slot].phase = .idle
                due.append(continuation)
            }
            self.driver = nil
            self.stale = 0
            return nil
        }

        private mutating func startDriver() -> UInt64 {
            let id = self.nextDriver
            self.nextDriver += 1
            self.driver = Driver(id: id, task: nil, target: nil)
            return id
        }

        private mutating func unwait(_ slot: Int) {
            self.live -= 1
            let tolerance = self.slots[slot].tolerance
            self.slots[slot].tolerance = nil
            guard let tolerance else {
                self.strict -= 1
                return
            }
            guard let index = self.tolerances.firstIndex(where: { $0.tolerance == tolerance }) else { return }
            self.tolerances[index].count -= 1
            if self.tolerances[index].count == 0 { self.tolerances.remove(at: index) }
        }

        /// The smallest tolerance a waiting sleeper asked for (zero if none did).
        private var smallestTolerance: Duration {
            var smallest: Duration?
            for entry in self.tolerances where smallest.map({ entry.tolerance < $0 }) ?? true {
                smallest = entry.tolerance
            }
            return smallest ?? .zero
        }

        /// Drops the stale elements and rebuilds the heap.
        private mutating func compact() {
            let slots = self.slots
            self.heap = Heap(
                self.heap.unordered.filter { entry in
                    guard slots[entry.slot].armed == entry.generation, case .waiting = slots[entry.slot].phase
                    else { return false }
                    return true
                }
            )
            self.stale = 0
        }
    }
}
