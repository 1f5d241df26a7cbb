import HeapModule
import ModeConcurrencyHelpers

/// A clock that can end a service's timed wait at a deadline by itself, without a task sleeping for it.
///
/// ModeTesting's `ManualClock` adopts it: each timed wait of a service (`sleep(for:)`, a wait with a timeout)
/// then stays one sleeper on the clock, which a test counts, lists and advances like any other. Clocks that do
/// not adopt it (`ContinuousClock`, custom clocks) get a ``SleepAlarms`` driver: one task per clock box that
/// sleeps until the earliest deadline.
package protocol AlarmClock: Clock where Duration == Swift.Duration {
    /// Calls `wake` once, when the clock reaches `deadline`, unless ``cancelAlarm(_:)`` comes first.
    ///
    /// - Returns: An id for ``cancelAlarm(_:)``, or `nil` (and `wake` is never called) when `deadline` is not
    ///   in the future.
    func setAlarm(at deadline: Instant, _ wake: @escaping @Sendable () -> Void) -> UInt64?

    /// Forgets the alarm `id`; nothing happens if it already rang.
    func cancelAlarm(_ id: UInt64)
}

/// What an alarm of ``SleepAlarms`` wakes: ModeCore's service runtime, which ends the timed wait `waiter`.
package protocol AlarmTarget: AnyObject, Sendable {
    /// The deadline of the wait `waiter` came.
    func alarmRang(_ waiter: Int)
}

/// Ends the timed waits of the runtimes on one service clock at their deadlines.
///
/// A timed wait used to park a helper task per wait (a task group racing a clock sleep against the runtime's
/// wake-up), so that a stop or crash could end it early: that task is most of what an idle service costs. Now
/// the waiter's continuation sits in its runtime's `waiters` slot, which a stop, crash, cancellation or this
/// alarm resumes, whichever comes first (the slot makes the resumption happen exactly once). The alarm is
/// either the clock's own (``AlarmClock``) or one entry in a heap that a single driver task per clock box
/// sleeps through.
package final class SleepAlarms: Sendable {
    private enum Backend: Sendable {
        case clock(set: @Sendable (Duration, @escaping @Sendable () -> Void) -> UInt64?, cancel: @Sendable (UInt64) -> Void)
        case driver(SleepDriver)
    }

    private let backend: Backend

    init<C: Clock<Duration>>(clock: C, origin: C.Instant, now: @escaping @Sendable () -> Duration) {
        if let alarmClock = clock as? any AlarmClock, let backend = Self.clockBackend(alarmClock, origin: origin) {
            self.backend = backend
        } else {
            self.backend = .driver(SleepDriver(clock: clock, origin: origin, now: now))
        }
    }

    private static func clockBackend<A: AlarmClock>(_ clock: A, origin: Any) -> Backend? {
        guard let origin = origin as? A.Instant else { return nil }
        return .clock(
            set: { offset, wake in clock.setAlarm(at: origin.advanced(by: offset), wake) },
            cancel: { id in clock.cancelAlarm(id) }
        )
    }

    /// Calls `runtime.alarmRang(waiter)` once the clock reaches `offset` (an offset of the service clock).
    ///
    /// - Returns: The alarm's id, or `nil` when `offset` is not in the future (nothing will ring).
    package func set(at offset: Duration, runtime: any AlarmTarget, waiter: Int) -> UInt64? {
        switch self.backend {
        case .clock(let set, _):
            return set(offset) { runtime.alarmRang(waiter) }
        case .driver(let driver):
            return driver.set(at: offset, runtime: runtime, waiter: waiter)
        }
    }

    /// Forgets the alarm `id` (it may have rung already).
    package func cancel(_ id: UInt64) {
        switch self.backend {
        case .clock(_, let cancel): cancel(id)
        case .driver(let driver): driver.cancel(id)
        }
    }
}

/// One task per clock box that sleeps until the earliest alarm, rings every alarm due by then, and sleeps on.
///
/// The task exists only while alarms are set. An alarm earlier than the one it sleeps for replaces it (the old
/// task is cancelled and ends); an alarm cancelled before it rings is dropped from the table at once and from
/// the heap when it reaches the top (or when stale entries outnumber live ones).
final class SleepDriver: Sendable {
    private struct Entry: Sendable {
        var offset: Duration
        var runtime: any AlarmTarget
        var waiter: Int
    }

    private struct HeapItem: Sendable, Comparable {
        var offset: Duration
        var id: UInt64

        static func < (lhs: HeapItem, rhs: HeapItem) -> Bool {
            lhs.offset < rhs.offset || (lhs.offset == rhs.offset && lhs.id < rhs.id)
        }
    }

    private struct State: Sendable {
        var entries: [UInt64: Entry] = [:]
        /// The alarms by offset; items whose id is no longer in `entries` are stale.
        var heap = Heap<HeapItem>()
        var nextID: UInt64 = 0
        /// The driving task, the generation it runs as, and the offset it sleeps until.
        var driver: (task: Task<Void, Never>, generation: UInt64, offset: Duration)?
        var generation: UInt64 = 0

        /// Drops stale items from the top; returns the earliest live offset.
        mutating func earliest() -> Duration? {
            while let top = self.heap.min {
                if self.entries[top.id] != nil { return top.offset }
                _ = self.heap.popMin()
            }
            return nil
        }

        /// Rebuilds the heap from the live entries when stale items outnumber them.
        mutating func compactIfStale() {
            guard self.heap.count > 64, self.heap.count > 2 * self.entries.count else { return }
            self.heap = Heap(self.entries.map { HeapItem(offset: $0.value.offset, id: $0.key) })
        }
    }

    private let state = Locked(State())
    private let now: @Sendable () -> Duration
    private let sleepUntil: @Sendable (Duration) async throws -> Void

    init<C: Clock<Duration>>(clock: C, origin: C.Instant, now: @escaping @Sendable () -> Duration) {
        self.now = now
        self.sleepUntil = { offset in try await clock.sleepBounded(until: origin.advanced(by: offset)) }
    }

    func set(at offset: Duration, runtime: any AlarmTarget, waiter: Int) -> UInt64? {
        guard offset > self.now() else { return nil }
        let (id, replaced): (UInt64, Task<Void, Never>?) = self.state.withLock { state in
            state.nextID &+= 1
            let id = state.nextID
            state.entries[id] = Entry(offset: offset, runtime: runtime, waiter: waiter)
            state.heap.insert(HeapItem(offset: offset, id: id))
            if let driver = state.driver, driver.offset <= offset { return (id, nil) }
            // No task, or one that sleeps past this alarm: a new task takes over. Creating it under the lock only
            // enqueues it; its first look at the state waits for the lock.
            let replaced = state.driver?.task
            state.generation &+= 1
            let generation = state.generation
            let task = Task(name: "ModeCore.sleepAlarms") { await self.drive(generation) }
            state.driver = (task, generation, offset)
            return (id, replaced)
        }
        replaced?.cancel()
        return id
    }

    func cancel(_ id: UInt64) {
        let idle: Task<Void, Never>? = self.state.withLock { state in
            guard state.entries.removeValue(forKey: id) != nil else { return nil }
            if state.entries.isEmpty {
                // Nothing left to ring: end the task now rather than let it sleep out the last deadline.
                state.heap = Heap()
                state.generation &+= 1
                defer { state.driver = nil }
                return state.driver?.task
            }
            state.compactIfStale()
            return nil
        }
        idle?.cancel()
    }

    private func drive(_ generation: UInt64) async {
        while true {
            let next: Duration? = self.state.withLock { state in
                guard state.generation == generation else { return nil }
                guard let earliest = state.earliest() else {
                    state.driver = nil
                    return nil
                }
                state.driver?.offset = earliest
                return earliest
            }
            guard let next else { return }
            do {
                try await self.sleepUntil(next)
            } catch {
                return  // cancelled: a newer task took over, or no alarm is left
            }
            let now = self.now()
            let due: [Entry] = self.state.withLock { state in
                guard state.generation == generation else { return [] }
                var due: [Entry] = []
                while let top = state.heap.min, top.offset <= now {
                    _ = state.heap.popMin()
                    if let entry = state.entries.removeValue(forKey: top.id) { due.append(entry) }
                }
                return due
            }
            for entry in due { entry.runtime.alarmRang(entry.waiter) }
        }
    }
}
