import ModeConcurrencyHelpers
import Synchronization

/// One change of a service's ``ServiceState``: which service, from what, to what, and when.
///
/// Delivered to the handlers registered with ``ServiceTransitions/observe(_:)``; ModeTesting's
/// `LifecycleRecorder` turns them into an `AsyncSequence` for tests.
///
/// ```swift
/// let observation = ServiceTransitions.observe { transition in
///     print(transition)  // "B: starting -> running at 0.0 seconds"
/// }
/// defer { observation.cancel() }
/// ```
public struct ServiceTransition: Sendable, CustomStringConvertible {
    /// The service that changed state.
    public let service: any Service
    /// The service's short label when it changed state.
    public let label: String
    /// The state before the change.
    public let from: ServiceState
    /// The state after the change.
    public let to: ServiceState
    /// When it changed, as the offset on the service's clock since its configuration was made.
    ///
    /// With a `ManualClock` that started at zero when the configuration was made, this is the clock's own
    /// reading.
    public let time: Duration

    /// Creates a transition record.
    public init(service: any Service, label: String, from: ServiceState, to: ServiceState, time: Duration) {
        self.service = service
        self.label = label
        self.from = from
        self.to = to
        self.time = time
    }

    /// `label: from -> to at time`.
    public var description: String { "\(self.label): \(self.from) -> \(self.to) at \(self.time)" }
}

/// The process-wide observation point for service state changes.
///
/// Every runtime reports each change of its ``ServiceState`` (`initial`, `starting`, `running`, `failed`,
/// `stopping`, `stopped`, and `crashed`, which wins over the others) to the handlers registered here. A
/// handler runs synchronously on the task that made the change, after the runtime released its lock; keep it
/// short and never block in it. Each `from` is the state before that change, so the changes of one service
/// chain up (`from` is the previous `to`). Changes of different services may interleave in any order, and
/// when two tasks change one service at the same moment (a crash during a stop), their two reports may reach
/// a handler in either order.
///
/// The states are those of `service.state`, where `crashed` wins: the stop of a crashed service shows no
/// change (it reads `crashed` throughout), and the reset of a restart then shows `crashed -> initial`.
///
/// When no handler is registered a change costs one relaxed atomic load, so production code pays nothing for
/// the hook.
///
/// ```swift
/// let observation = ServiceTransitions.observe { transition in
///     if transition.to == .crashed { alert(transition.label) }
/// }
/// // ...
/// observation.cancel()
/// ```
///
/// - Important: Handlers see every service of the process. Filter by tree (`transition.service.beacon`) when
///   you care about one tree; ModeTesting's `LifecycleRecorder` does this for you.
public enum ServiceTransitions: Sendable {
    /// Called with every service state change.
    public typealias Handler = @Sendable (ServiceTransition) -> Void

    private static let observerCount = Atomic<Int>(0)
    private static let handlers = Locked<(nextID: Int, handlers: [Int: Handler])>((0, [:]))

    /// Whether any handler is registered; the runtime's fast path.
    static var isObserved: Bool { observerCount.load(ordering: .relaxed) > 0 }

    /// Registers `handler` for every service state change in the process, until the observation is cancelled.
    ///
    /// - Parameter handler: Called on the task that changed the state, outside every lock.
    /// - Returns: The observation; cancel it to unregister.
    public static func observe(_ handler: @escaping Handler) -> ServiceTransitionObservation {
        let id = handlers.withLock { state -> Int in
            state.nextID += 1
            state.handlers[state.nextID] = handler
            return state.nextID
        }
        observerCount.add(1, ordering: .relaxed)
        return ServiceTransitionObservation(id: id)
    }

    static func remove(_ id: Int) {
        let removed = handlers.withLock { $0.handlers.removeValue(forKey: id) != nil }
        if removed { observerCount.subtract(1, ordering: .relaxed) }
    }

    static func notify(_ transitions: [ServiceTransition]) {
        guard !transitions.isEmpty else { return }
        let snapshot = handlers.withLock { Array($0.handlers.values) }  // decide under the lock, call outside
        for transition in transitions {
            for handler in snapshot { handler(transition) }
        }
    }
}

/// A registration made by ``ServiceTransitions/observe(_:)``; ``cancel()`` ends it.
public struct ServiceTransitionObservation: Sendable, Hashable {
    let id: Int

    /// Unregisters the handler; later changes are not delivered to it.
    ///
    /// Calling it again does nothing.
    ///
    /// A change already being delivered on another task may still reach the handler once.
    public func cancel() {
        ServiceTransitions.remove(self.id)
    }
}

extension ServiceRuntime {
    /// Delivers the state changes recorded since the last call to the transition observers, if any.
    ///
    /// Called after each place that changes the phase or the crash flag, outside the lock.
    func reportTransitions(_ service: some Service) {
        guard ServiceTransitions.isObserved else { return }
        let (pending, label) = self.state.withLock { state in
            defer { state.pendingTransitions = [] }
            return (state.pendingTransitions, state.label)
        }
        guard !pending.isEmpty else { return }
        let time = self.clock.now
        ServiceTransitions.notify(
            pending.map { ServiceTransition(service: service, label: label, from: $0.from, to: $0.to, time: time) }
        )
    }
}

extension ServiceRuntime.State {
    /// Called under the lock when the phase or the crash flag changed; queues the state change for
    /// `reportTransitions(_:)` when someone observes.
    mutating func noteTransition(from: ServiceState) {
        guard ServiceTransitions.isObserved else { return }
        let to = self.serviceState
        guard to != from else { return }
        self.pendingTransitions.append((from, to))
    }
}

extension ServiceRuntime.Phase {
    /// The public state of this phase, without the crash flag.
    var state: ServiceState {
        switch self {
        case .initial: .initial
        case .starting: .starting
        case .running: .running
        case .failed: .failed
        case .stopping: .stopping
        case .stopped: .stopped
        }
    }
}
