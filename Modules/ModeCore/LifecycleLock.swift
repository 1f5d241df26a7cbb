import ModeConcurrencyHelpers

/// A first-in first-out async mutex that serialises `start()`, `stop()` and `restart()` of one service.
///
/// It remembers the task that holds it, so a hook that stops its own service from inside `start()` does not
/// wait for itself: ``tryReenter()`` tells the caller it already holds the lock.
final class LifecycleLock: Sendable {
    private struct State {
        var holder: Int?
        var waiters: [(holder: Int, continuation: UnsafeContinuation<Void, Never>)] = []
        var head = 0
    }

    private let state = Locked(State())

    private static func currentTaskID() -> Int {
        withUnsafeCurrentTask { $0?.hashValue ?? 0 }
    }

    /// Whether the calling task holds the lock now.
    var isHeldByCurrentTask: Bool {
        let me = Self.currentTaskID()
        return self.state.withLock { $0.holder == me }
    }

    /// Waits for the lock; not cancellable, because every holder releases it in bounded steps.
    func lock() async {
        let me = Self.currentTaskID()
        let acquired = self.state.withLock { state -> Bool in
            guard state.holder == nil else { return false }
            state.holder = me
            return true
        }
        if acquired { return }
        await withUnsafeContinuation { (continuation: UnsafeContinuation<Void, Never>) in
            let acquiredNow = self.state.withLock { state -> Bool in
                if state.holder == nil {
                    state.holder = me
                    return true
                }
                state.waiters.append((me, continuation))
                return false
            }
            if acquiredNow { continuation.resume() }
        }
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
        let next = self.state.withLock { state -> UnsafeContinuation<Void, Never>? in
            guard state.head < state.waiters.count else {
                state.holder = nil
                state.waiters.removeAll(keepingCapacity: false)
                state.head = 0
                return nil
            }
            let waiter = state.waiters[state.head]
            state.head += 1
            state.holder = waiter.holder
            return waiter.continuation
        }
        next?.resume()
    }
}
