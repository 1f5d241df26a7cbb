import ModeConcurrencyHelpers
/// Shares one run of an operation among all the callers that ask for it while it is in flight.
///
/// The first caller of ``run(_:)`` starts the operation in a task the stampede owns; callers that arrive
/// before it finishes join that run instead of starting their own, and every one of them gets its result
/// or its error. Once it has finished, the next call starts a fresh run: nothing is cached.
///
/// Cancellation is per caller. A cancelled caller stops waiting at once (with `CancellationError`) and
/// the others keep waiting; the shared run is cancelled only when every caller waiting on it is gone.
///
/// ```swift
/// actor Config {
///     private let reload = Stampede<Settings>()
///     func settings() async throws -> Settings {
///         try await reload.run { try await fetchSettingsFromServer() }  // one fetch however many callers
///     }
/// }
/// ```
///
/// Safe to call from any task: the state is behind a lock; continuations are resumed and the
/// operation is started outside it.
public final class Stampede<Value: Sendable>: Sendable {
    private typealias Waiter = CheckedContinuation<Value, any Error>

    private struct Flight {
        var id: UInt64
        var waiters: [UInt64: Waiter] = [:]
        var task: Task<Void, Never>?
    }

    private struct State {
        var nextID: UInt64 = 0
        var flight: Flight?
        var runs = 0

        mutating func makeID() -> UInt64 {
            defer { self.nextID += 1 }
            return self.nextID
        }
    }

    private enum Arrival {
        case cancelled
        case joined
        case started(UInt64)
    }

    private let state = Locked(State())

    /// Creates a stampede with nothing in flight.
    public init() {}

    /// Whether a shared run is in flight now.
    public var isRunning: Bool { self.state.withLock { $0.flight != nil } }

    /// How many callers wait on the run in flight (zero when none is).
    public var waiterCount: Int { self.state.withLock { $0.flight?.waiters.count ?? 0 } }

    /// How many runs have been started so far.
    public var runCount: Int { self.state.withLock { $0.runs } }

    /// Runs `operation`, or joins the run already in flight, and returns its result.
    ///
    /// When a run is in flight this caller's `operation` is not called: the caller gets the result of the
    /// run it joined. Pass the same operation from every call site.
    ///
    /// - Parameter operation: The work to share; it runs in a task owned by the stampede.
    /// - Returns: The shared run's value.
    /// - Throws: The shared run's error (every waiting caller gets it), or `CancellationError` if this caller
    ///   is cancelled while waiting.
    public func run(_ operation: @escaping @Sendable () async throws -> Value) async throws -> Value {
        let callerID = self.state.withLock { $0.makeID() }
        return try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation { (continuation: Waiter) in
                let arrival: Arrival = self.state.withLock { state in
                    if Task.isCancelled { return .cancelled }
                    if state.flight != nil {
                        state.flight?.waiters[callerID] = continuation
                        return .joined
                    }
                    let flightID = state.makeID()
                    state.flight = Flight(id: flightID, waiters: [callerID: continuation])
                    state.runs += 1
                    return .started(flightID)
                }
                let flightID: UInt64
                switch arrival {
                case .cancelled:
                    // Cancelled before registering: the cancellation handler found nothing to remove.
                    return continuation.resume(throwing: CancellationError())
                case .joined:
                    return
                case .started(let id):
                    flightID = id
                }
                let task = Task(name: "Stampede run") {
                    let result: Result<Value, any Error>
                    do {
                        result = .success(try await operation())
                    } catch {
                        result = .failure(error)
                    }
                    self.finish(flightID, with: result)
                }
                let orphaned = self.state.withLock { state -> Bool in
                    guard state.flight?.id == flightID else { return true }
                    state.flight?.task = task
                    return false
                }
                // Every caller left (or the run ended) before the handle was stored: cancelling is harmless
                // for a finished task and required for an abandoned one.
                if orphaned { task.cancel() }
            }
        } onCancel: {
            self.leave(callerID)
        }
    }

    /// Removes a cancelled caller; cancels the run when it was the last one.
    private func leave(_ callerID: UInt64) {
        let (waiter, abandoned): (Waiter?, Task<Void, Never>?) = self.state.withLock { state in
            guard let waiter = state.flight?.waiters.removeValue(forKey: callerID) else { return (nil, nil) }
            guard state.flight?.waiters.isEmpty == true else { return (waiter, nil) }
            let task = state.flight?.task
            state.flight = nil
            return (waiter, task)
        }
        waiter?.resume(throwing: CancellationError())
        abandoned?.cancel()
    }

    /// Hands the result of run `flightID` to every caller still waiting on it.
    private func finish(_ flightID: UInt64, with result: Result<Value, any Error>) {
        let waiters: [Waiter] = self.state.withLock { state in
            guard let flight = state.flight, flight.id == flightID else { return [] }
            state.flight = nil
            return Array(flight.waiters.values)
        }
        for waiter in waiters { waiter.resume(with: result) }
    }
}
