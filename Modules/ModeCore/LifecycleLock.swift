import ModeConcurrencyHelpers

/// A first-in first-out async mutex that serialises `start()`, `stop()` and `restart()` of one service.
///
/// It remembers the task that holds it, so a hook that stops its own service from inside `start()` does not
/// wait for itself: ``isHeldByCurrentTask`` tells the caller it already holds the lock. The steps a stop runs
/// in a task of their own (so that it can give up on them at its deadline) carry the identity of the task
/// that runs the stop, through ``inheritedIdentity``, so they count as that task here.
///
/// It is a view of its runtime: its ``State`` sits in the runtime's state, under the runtime's mutex, so that a
/// service pays for no lock object of its own.
struct LifecycleLock: Sendable {
    struct Waiter {
        var id: Int
        var holder: Int
        var continuation: UnsafeContinuation<Bool, Never>
    }

    struct State {
        /// What only a contended lock uses, out of line: an empty array (one pointer, no allocation) until a
        /// task first waits for the lock.
        private var contention: [Contention] = []
        /// Last, so that the runtime's flags can use the bytes after it.
        var holder: Int?

        struct Contention {
            var waiters: [Waiter] = []
            var nextID = 0
            /// Waits that are registered but not parked yet: `true` once given up on.
            var pending: [Int: Bool] = [:]
        }

        private mutating func setContention<Value>(
            _ field: WritableKeyPath<Contention, Value>,
            _ value: Value,
            isDefault: Bool
        ) {
            if self.contention.isEmpty {
                if isDefault { return }
                self.contention.append(Contention())
            }
            self.contention[0][keyPath: field] = value
        }

        var waiters: [Waiter] {
            get { self.contention.first?.waiters ?? [] }
            set { self.setContention(\.waiters, newValue, isDefault: newValue.isEmpty) }
        }
        var nextID: Int {
            get { self.contention.first?.nextID ?? 0 }
            set { self.setContention(\.nextID, newValue, isDefault: newValue == 0) }
        }
        var pending: [Int: Bool] {
            get { self.contention.first?.pending ?? [:] }
            set { self.setContention(\.pending, newValue, isDefault: newValue.isEmpty) }
        }

        /// Takes the lock for the task `me` if it is free, and otherwise says who holds it; called under the
        /// runtime's mutex, so a caller can combine it with its own step on the state.
        mutating func tryAcquire(for me: Int) -> TryLock {
            switch self.holder {
            case nil:
                self.holder = me
                return .acquired
            case me: return .heldByCurrentTask
            default: return .heldByOther
            }
        }

        /// Gives back a lock that ``tryAcquire(for:)`` just took, in the same step: nobody can be waiting.
        mutating func release() {
            self.holder = nil
        }
    }

    /// The runtime whose state holds this lock's.
    let runtime: ServiceRuntime

    private var state: StateAccess { StateAccess(runtime: self.runtime) }

    /// `withLock` on the lock's part of the runtime's state.
    private struct StateAccess {
        let runtime: ServiceRuntime

        func withLock<Result>(_ body: (inout State) -> Result) -> Result {
            self.runtime.state.withLock { body(&$0.lifecycleLock) }
        }
    }

    /// The identity of the task whose stop runs the current step, set around the step's own task.
    @TaskLocal static var inheritedIdentity: Int?

    /// The identity of the calling task: the one it inherited from a stop, or its own.
    static func currentTaskID() -> Int {
        if let inherited = Self.inheritedIdentity { return inherited }
        return withUnsafeCurrentTask { $0?.hashValue ?? 0 }
    }

    /// Whether the calling task holds the lock now.
    var isHeldByCurrentTask: Bool {
        let me = Self.currentTaskID()
        return self.state.withLock { $0.holder == me }
    }

    /// Waits for the lock; not cancellable, because every holder releases it in bounded steps.
    func lock() async {
        _ = await self.lock(whenHeld: { _ in })
    }

    /// Waits for the lock, or until the wait is given up on; returns whether it got the lock.
    ///
    /// - Parameter whenHeld: Called at once, before waiting, only when the lock is held by someone else; it
    ///   receives a function that ends the wait unsatisfied (call it from a timer).
    func lock(whenHeld: (_ giveUp: @escaping @Sendable () -> Void) -> Void) async -> Bool {
        let me = Self.currentTaskID()
        let id: Int? = self.state.withLock { state in
            guard state.holder != nil else {
                state.holder = me
                return nil
            }
            state.nextID &+= 1
            state.pending[state.nextID] = false
            return state.nextID
        }
        guard let id else { return true }
        whenHeld({ self.expire(id) })
        return await withUnsafeContinuation { (continuation: UnsafeContinuation<Bool, Never>) in
            let immediate: Bool? = self.state.withLock { state in
                if state.pending.removeValue(forKey: id) == true { return false }
                if state.holder == nil {
                    state.holder = me
                    return true
                }
                state.waiters.append(Waiter(id: id, holder: me, continuation: continuation))
                return nil
            }
            if let immediate { continuation.resume(returning: immediate) }
        }
    }

    /// Ends the wait `id` unsatisfied if it has not been granted the lock yet.
    private func expire(_ id: Int) {
        let continuation: UnsafeContinuation<Bool, Never>? = self.state.withLock { state in
            if let index = state.waiters.firstIndex(where: { $0.id == id }) {
                return state.waiters.remove(at: index).continuation
            }
            // Not parked yet: remember, so the park gives up at once. Already granted: nothing to do.
            if state.pending[id] != nil { state.pending[id] = true }
            return nil
        }
        continuation?.resume(returning: false)
    }

    /// What ``State/tryAcquire(for:)`` found.
    enum TryLock {
        /// The lock was free and the calling task now holds it.
        case acquired
        /// The calling task holds it already (a start called from inside its own start).
        case heldByCurrentTask
        /// Another task holds it: ``lock()`` waits for it.
        case heldByOther
    }

    /// Takes the lock if it is free; returns whether it did.
    func tryLock() -> Bool {
        let me = Self.currentTaskID()
        return self.state.withLock { state in
            guard state.holder == nil else { return false }
            state.holder = me
            return true
        }
    }

    /// Releases the lock, handing it to the longest waiter.
    func unlock() {
        let next = self.state.withLock { state -> UnsafeContinuation<Bool, Never>? in
            guard !state.waiters.isEmpty else {
                state.holder = nil
                return nil
            }
            let waiter = state.waiters.removeFirst()
            state.holder = waiter.holder
            return waiter.continuation
        }
        next?.resume(returning: true)
    }
}
