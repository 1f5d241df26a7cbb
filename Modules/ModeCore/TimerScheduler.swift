import CModePrefetch
import ModeConcurrencyHelpers

/// One wake-up per due instant for every service timer on one clock.
///
/// A service timer that slept on the clock itself cost one OS timer and one thread wake-up per tick: 1,000
/// timers of 10 ms meant 100,000 wake-ups a second. The scheduler keeps the sleepers of one clock in a queue
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
/// - With thousands of timers, the memory a timer's task reads when it wakes (the task itself, its frames, the
///   timer's state and counters, the service) was last touched one interval ago and has left the processor's
///   caches: each tick would wait for one memory load after another. The driver asks the processor to start
///   loading that memory a few sleepers ahead of the one it resumes (``Prefetch``, ``Due/prefetch()``), so the
///   loads overlap instead. These are hints: they change no result, only how long the loads take.
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

    /// Records what `sleeper`'s task reads as soon as it wakes, for the driver to prefetch (see ``Prefetch``).
    package func setPrefetch(_ prefetch: Prefetch, for sleeper: Sleeper) {
        self.state.withLock { state in
            guard state.slots[sleeper.slot].owner == sleeper.owner else { return }
            state.slots[sleeper.slot].prefetch = prefetch
        }
    }

    /// Sleeps until the clock reaches `deadline` (an offset on ``clock``), as `sleeper`, which belongs to the
    /// calling task (see ``withSleeper(_:)``).
    ///
    /// - Throws: `CancellationError` when the task was cancelled, before or during the sleep.
    package func sleep(_ sleeper: Sleeper, until deadline: Duration, tolerance: Duration? = nil) async throws {
        // A byte of this function's async frame, which also holds the continuation's context: where the driver
        // prefetches around (see `Due.prefetch()`). Only its address is used, as a hint; the byte lives in the
        // frame because it is used after the suspension.
        var marker: UInt8 = 0
        let frame = withUnsafeMutablePointer(to: &marker) { UInt(bitPattern: $0) }
        try await withUnsafeThrowingContinuation { (continuation: UnsafeContinuation<Void, any Error>) in
            let outcome = self.state.withLock { state in
                state.arm(sleeper, deadline: deadline, tolerance: tolerance, continuation: continuation, frame: frame)
            }
            switch outcome {
            case .cancelled:
                continuation.resume(throwing: CancellationError())
            case .armed(let change):
                self.apply(change)
            }
        }
        withExtendedLifetime(marker) {}
    }

    /// Resumes `due` in order, each after a prefetch of what the sleeper a few places later reads when it wakes.
    ///
    /// Resuming a continuation is a chain of dependent loads from its task, ending in an atomic operation, and
    /// the woken task then reads its timer's state: with cold memory each is a full miss, and one resume cannot
    /// overlap the next. Four sleepers ahead is enough to keep several loads in flight without asking for more
    /// than the processor tracks at once.
    private static func resume(_ due: [Due]) {
        let ahead = 4
        for index in 0..<Swift.min(ahead, due.count) { due[index].prefetch() }
        for index in due.indices {
            if index + ahead < due.count { due[index + ahead].prefetch() }
            due[index].continuation.resume()
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
        var due: [Due] = []
        while true {
            let now = self.clock.now
            let target = self.state.withLock { $0.takeDue(now: now, driver: id, into: &due) }
            Self.resume(due)
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

    /// Up to four stretches of memory that a sleeper's task reads as soon as it wakes, for the driver to
    /// prefetch (see ``resume(_:)``).
    ///
    /// A hint, nothing more: the addresses are kept as integers and never read through, and a prefetch reads
    /// nothing the program sees and cannot fault, so an address that is stale or wrong only wastes the load.
    /// Whoever sets one keeps the memory alive while it holds the sleeper (see ``setPrefetch(_:for:)``).
    package struct Prefetch: Sendable {
        private var first: (address: UInt, lines: Int32) = (0, 0)
        private var second: (address: UInt, lines: Int32) = (0, 0)
        private var third: (address: UInt, lines: Int32) = (0, 0)
        private var fourth: (address: UInt, lines: Int32) = (0, 0)
        private var count = 0

        /// No memory.
        package init() {}

        /// The most lines one stretch asks for (4 KB): a hint larger than that would only keep the driver busy.
        static let maximumLines = 64

        /// Adds the `bytes` from `address` (at most four stretches, more are ignored; negative counts as zero, at
        /// most ``maximumLines`` lines).
        package mutating func add(_ address: UnsafeRawPointer, bytes: Int) {
            let lines = bytes <= 0 ? 0 : Swift.min(bytes / 64 + (bytes % 64 == 0 ? 0 : 1), Self.maximumLines)
            let entry = (UInt(bitPattern: address), Int32(lines))
            switch self.count {
            case 0: self.first = entry
            case 1: self.second = entry
            case 2: self.third = entry
            case 3: self.fourth = entry
            default: return
            }
            self.count += 1
        }

        /// Adds the first `bytes` of `object`'s storage (its header included).
        package mutating func add(_ object: AnyObject, bytes: Int) {
            self.add(UnsafeRawPointer(Unmanaged.passUnretained(object).toOpaque()), bytes: bytes)
        }

        /// How many cache lines the stretches cover in all.
        package var lineCount: Int {
            Int(self.first.lines) + Int(self.second.lines) + Int(self.third.lines) + Int(self.fourth.lines)
        }

        func issue() {
            mode_prefetch_lines(self.first.address, self.first.lines)
            mode_prefetch_lines(self.second.address, self.second.lines)
            mode_prefetch_lines(self.third.address, self.third.lines)
            mode_prefetch_lines(self.fourth.address, self.fourth.lines)
        }
    }

    /// A sleeper due now: its continuation, and what to prefetch before it is resumed.
    struct Due {
        let continuation: UnsafeContinuation<Void, any Error>
        let memory: Prefetch
        /// An address in the frame of the sleep (see ``Slot/frame``).
        let frame: UInt

        /// Starts loading the sleeper's task (the first lines the resume and the task's first steps read), the
        /// frames around its sleep, and the memory its timer named.
        func prefetch() {
            // An `UnsafeContinuation` is one pointer (the type is frozen, so that cannot change): to its task, in
            // today's runtime. Were it to point elsewhere, the prefetch would load other lines, nothing more.
            mode_prefetch_lines(unsafeBitCast(self.continuation, to: UInt.self), 5)
            self.memory.issue()
            // The sleep's own frame holds the continuation's context, which the resume writes; the frames of
            // its callers (the timer's loop) lie just before it in the task's allocator.
            if self.frame != 0 { mode_prefetch_lines(self.frame &- 512, 16) }
        }
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

    /// One queue element; slots make cancellation O(1) (the element then stays in the queue, stale, until it
    /// comes first or the queue is compacted).
    package struct Entry: Sendable, Comparable {
        package var deadline: Duration
        package var generation: UInt64
        package var slot: Int

        package init(deadline: Duration, generation: UInt64, slot: Int) {
            self.deadline = deadline
            self.generation = generation
            self.slot = slot
        }

        /// Deadline order; equal deadlines in arrival order. (Compares the attoseconds: `Duration`'s own `<` is
        /// not inlinable, a call per comparison.)
        package static func < (lhs: Entry, rhs: Entry) -> Bool {
            let left = lhs.deadline.attoseconds
            let right = rhs.deadline.attoseconds
            return left < right || (left == right && lhs.generation < rhs.generation)
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
        /// The generation of the queue element of the current sleep; earlier elements of the slot are stale.
        var armed: UInt64 = 0
        var phase = Phase.free
        var tolerance: Duration?
        /// What the sleeper's task reads when it wakes.
        var prefetch = Prefetch()
        /// An address in the frame of the sleep in progress (see ``sleep(_:until:tolerance:)``); 0 if none.
        var frame: UInt = 0

        /// The continuation waiting in this slot if `entry` is its current sleep; `nil` if the entry is stale
        /// (a later sleep, a resumed or cancelled one, or another claim of the slot).
        func waiting(for entry: Entry) -> UnsafeContinuation<Void, any Error>? {
            guard self.armed == entry.generation, case .waiting(let continuation) = self.phase else { return nil }
            return continuation
        }
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
        var queue = TimerQueue()
        /// The elements `takeDue` took out of the queue, before it reads their slots (kept for its capacity).
        var taking: [Entry] = []
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
            continuation: UnsafeContinuation<Void, any Error>,
            frame: UInt = 0
        ) -> ArmOutcome {
            guard self.slots[sleeper.slot].owner == sleeper.owner, case .idle = self.slots[sleeper.slot].phase else {
                return .cancelled
            }
            let tolerance = tolerance.flatMap { $0 > .zero ? $0 : nil }
            let generation = self.nextGeneration
            self.nextGeneration += 1
            self.slots[sleeper.slot].armed = generation
            self.slots[sleeper.slot].phase = .waiting(continuation)
            self.slots[sleeper.slot].frame = frame
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
            self.queue.insert(Entry(deadline: deadline, generation: generation, slot: sleeper.slot))
            var change = DriverChange()
            if let driver = self.driver {
                // A driver that has no target yet computes it from the queue when it first runs.
                if let target = driver.target, deadline + (tolerance ?? .zero) < target {
                    change.retired = driver.task
                    change.started = self.startDriver()
                }
            } else {
                change.started = self.startDriver()
            }
            return .armed(change)
        }

        /// Marks `sleeper` cancelled and takes it out of the queue if it waits; its continuation (if it waited)
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

        /// Stops counting the waiting sleeper of `slot`, whose queue element becomes stale.
        private mutating func abandon(_ slot: Int) -> DriverChange {
            self.unwait(slot)
            self.stale += 1
            var change = DriverChange()
            if self.live == 0 {
                change.retired = self.driver?.task
                self.driver = nil
                self.queue = TimerQueue()  // the last timer stopped: give the memory back
                self.stale = 0
            } else if self.stale > 64 && self.stale > self.queue.count / 2 {
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
            into due: inout [Due]
        ) -> Duration? {
            guard self.driver?.id == id else { return nil }
            // First the elements due by now, then their slots: a slot was last touched one interval ago, and
            // asking for every due slot's memory before reading any lets those cache misses overlap.
            while let top = self.queue.first(), top.deadline <= now {
                self.queue.removeFirst()
                self.taking.append(top)
            }
            self.slots.withUnsafeBufferPointer { slots in
                guard let base = slots.baseAddress else { return }
                let lines = Int32((MemoryLayout<Slot>.stride + 63) / 64 + 1)
                for entry in self.taking { mode_prefetch_lines(UInt(bitPattern: base + entry.slot), lines) }
            }
            for entry in self.taking {
                let slot = self.slots[entry.slot]
                guard let continuation = slot.waiting(for: entry) else {
                    self.stale -= 1
                    continue
                }
                self.unwait(entry.slot)
                self.slots[entry.slot].phase = .idle
                due.append(Due(continuation: continuation, memory: slot.prefetch, frame: slot.frame))
            }
            self.taking.removeAll(keepingCapacity: true)
            // The first element still waiting (stale ones before it are dropped) sets the next wake-up.
            while let top = self.queue.first() {
                guard self.slots[top.slot].waiting(for: top) != nil else {
                    self.queue.removeFirst()
                    self.stale -= 1
                    continue
                }
                // Every sleeper's deadline is at or after the top's, and its tolerance at least the smallest:
                // waking that much later than the top's deadline keeps every sleeper within its tolerance, and
                // takes in all that fall due meanwhile.
                let target = top.deadline + (self.strict > 0 ? .zero : self.smallestTolerance)
                self.driver?.target = target
                return target
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

        /// Drops the stale elements.
        private mutating func compact() {
            let slots = self.slots
            self.queue.filter { slots[$0.slot].waiting(for: $0) != nil }
            self.stale = 0
        }
    }
}
