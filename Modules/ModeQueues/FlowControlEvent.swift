import ModeConcurrencyHelpers
import DequeModule
// Public import: the @inlinable `isActive` (read on every put) loads an `Atomic`, and inlinable code may only
// use publicly imported modules.
public import Synchronization

/// A switch that suspends and resumes production into one or many queues at once.
///
/// Every ``FlowControlQueue`` and ``ThrowableQueue`` is created with a flow-control event. While the event is
/// suspended, ``FlowControlQueue/put(_:)`` waits; ``resume()`` lets the waiting producers in. An event starts
/// **suspended** unless you pass `initiallySuspended: false`, as in Python Mode, so nothing flows until you
/// call ``resume()``.
///
/// Queues created with `clearOnResume: true` (or passed to `manage(_:)`) are cleared by every
/// ``resume()``: a consumer that resumes after a rebalance sees only what was produced after it.
///
/// ```swift
/// let flowControl = FlowControlEvent()                      // suspended
/// let queue = FlowControlQueue<Int>(maxsize: 100, flowControl: flowControl)
/// let producer = Task { try await queue.put(1) }          // waits: flow is suspended
/// flowControl.resume()                                    // the put goes through
/// try await producer.value
/// ```
///
/// Safe to call from any task: the state is behind a lock, and waiters are resumed after it is released.
public final class FlowControlEvent: Sendable {
    private typealias Waiter = (id: UInt64, continuation: UnsafeContinuation<Void, any Error>)

    private struct WeakQueue {
        weak var queue: (any ManagedQueue)?
    }

    private struct State {
        var waiters = Deque<Waiter>()
        var queues: [WeakQueue] = []
        var nextID: UInt64 = 0
    }

    /// Whether production is suspended.
    ///
    /// Written only under `state`'s lock, read anywhere (the fast path of every `put` reads it without taking
    /// the lock).
    @usableFromInline let suspended: Atomic<Bool>
    private let state = Locked(State())

    /// Creates a flow-control event.
    ///
    /// - Parameter initiallySuspended: Whether the event starts suspended, so that every `put` waits until
    ///   ``resume()``. The default is `true`, as in Python Mode.
    public init(initiallySuspended: Bool = true) {
        self.suspended = Atomic(initiallySuspended)
    }

    /// Whether production is allowed: `true` after ``resume()``, `false` after ``suspend()``.
    @inlinable
    public var isActive: Bool { !self.suspended.load(ordering: .acquiring) }

    /// For tests in this package: the number of tasks waiting in ``waitUntilResumed()``.
    package var waiterCount: Int { self.state.withLock { $0.waiters.count } }

    /// Suspends production: every later `put` into the managed queues waits until ``resume()``.
    ///
    /// A `put` that already passed flow control (it is waiting for room, or it is running) is not recalled.
    /// Non-blocking puts (`tryPut`, `forcePut`) ignore flow control, as in Python Mode.
    public func suspend() {
        self.state.withLock { _ in
            self.suspended.store(true, ordering: .releasing)
        }
    }

    /// Resumes production: clears the managed queues, then lets every waiting producer in, oldest first.
    ///
    /// The queues are cleared *before* the event turns active, so an element put after `resume()` is never
    /// discarded by it. Calling `resume()` on an active event still clears the managed queues, as in
    /// Python Mode.
    public func resume() {
        self.clear()
        let waiters = self.state.withLock { state -> Deque<Waiter> in
            self.suspended.store(false, ordering: .releasing)
            defer { state.waiters.removeAll() }
            return state.waiters
        }
        for waiter in waiters {
            waiter.continuation.resume()
        }
    }

    /// Clears every queue managed by this event (see ``FlowControlQueue/clear()``).
    ///
    /// ``resume()`` calls this for you; it is public for parity with Python Mode's `FlowControlEvent.clear()`.
    public func clear() {
        let queues = self.state.withLock { state -> [any ManagedQueue] in
            state.queues.removeAll { $0.queue == nil }
            return state.queues.compactMap(\.queue)
        }
        for queue in queues {
            queue.clear()
        }
    }

    /// Registers `queue` to be cleared on every ``resume()``.
    ///
    /// The event holds the queue weakly: a queue that is no longer used elsewhere is forgotten.
    /// Creating the queue with `clearOnResume: true` does the same.
    ///
    /// - Parameter queue: The queue to clear on resume.
    public func manage<Element>(_ queue: FlowControlQueue<Element>) {
        self.register(queue.storage)
    }

    /// Registers `queue` to be cleared on every ``resume()``.
    ///
    /// The event holds the queue weakly: a queue that is no longer used elsewhere is forgotten.
    /// Creating the queue with `clearOnResume: true` does the same.
    ///
    /// - Parameter queue: The queue to clear on resume.
    public func manage<Element>(_ queue: ThrowableQueue<Element>) {
        self.register(queue.storage)
    }

    func register(_ queue: any ManagedQueue) {
        self.state.withLock { state in
            state.queues.removeAll { $0.queue == nil }
            if !state.queues.contains(where: { $0.queue === queue }) {
                state.queues.append(WeakQueue(queue: queue))
            }
        }
    }

    private enum WaitAction {
        case proceed
        case cancelled
        case waiting
    }

    /// Waits until the event is active; returns at once if it already is.
    ///
    /// Waiters are released in the order they started waiting. This is Python Mode's `acquire()`.
    ///
    /// - Throws: `CancellationError` if the task is cancelled while waiting.
    public func waitUntilResumed() async throws {
        guard !self.isActive else { return }
        let id = self.state.withLock { state in
            state.nextID &+= 1
            return state.nextID
        }
        try await withTaskCancellationHandler {
            try await withUnsafeThrowingContinuation { (continuation: UnsafeContinuation<Void, any Error>) in
                let action = self.state.withLock { state -> WaitAction in
                    if Task.isCancelled { return .cancelled }
                    if !self.suspended.load(ordering: .relaxed) { return .proceed }
                    state.waiters.append((id, continuation))
                    return .waiting
                }
                switch action {
                case .proceed: continuation.resume()
                case .cancelled: continuation.resume(throwing: CancellationError())
                case .waiting: break
                }
            }
        } onCancel: {
            let waiter = self.state.withLock { state -> Waiter? in
                guard let index = state.waiters.firstIndex(where: { $0.id == id }) else { return nil }
                return state.waiters.remove(at: index)
            }
            waiter?.continuation.resume(throwing: CancellationError())
        }
    }
}
