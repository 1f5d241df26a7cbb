import ModeConcurrencyHelpers
import ModeCore

/// The queue through which failures reach a supervisor's loop; posting never waits and never loses a wake-up.
///
/// `post(_:)` is called synchronously from a child's `crash(_:)` (any task), and from the watcher tasks. The
/// loop calls `wait()`, which returns at once if events are queued, so an event posted while the loop was busy
/// is seen at the next turn. Safe to call from any task.
final class SupervisorInbox: Sendable {
    enum Event: Sendable {
        /// The service crashed with this reason.
        case crashed(any Service, any Error)
        /// The run `token` of the service ended without a crash (it stopped, or the supervisor stopped it).
        case exited(any Service, token: Int)
        /// A restart of the service, or its replacement, threw.
        case restartFailed(any Service, any Error, token: Int)
    }

    private struct State: Sendable {
        var events: [Event] = []
        var waiter: CheckedContinuation<Void, Never>?
    }

    private let state = Locked(State())

    /// Queues `event` and wakes the loop if it waits.
    func post(_ event: Event) {
        let waiter = self.state.withLock { state -> CheckedContinuation<Void, Never>? in
            state.events.append(event)
            defer { state.waiter = nil }
            return state.waiter
        }
        waiter?.resume()
    }

    /// Removes and returns the queued events, oldest first.
    func take() -> [Event] {
        self.state.withLock { state in
            defer { state.events = [] }
            return state.events
        }
    }

    /// Drops every queued event.
    func clear() {
        self.state.withLock { $0.events = [] }
    }

    /// Suspends until an event is queued or the calling task is cancelled.
    func wait() async {
        await withTaskCancellationHandler {
            await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
                let now = self.state.withLock { state -> Bool in
                    if !state.events.isEmpty || Task.isCancelled { return true }
                    state.waiter = continuation
                    return false
                }
                if now { continuation.resume() }
            }
        } onCancel: {
            let waiter = self.state.withLock { state -> CheckedContinuation<Void, Never>? in
                defer { state.waiter = nil }
                return state.waiter
            }
            waiter?.resume()
        }
    }
}
