import ModeConcurrencyHelpers
public import ModeCore

/// Records every state change of a service tree, so a test awaits "B started" instead of polling.
///
/// Create it before you start the tree. It sees every service that is in the tree at the moment of a
/// change: the root, its children, and services added later (`addRuntimeDependency`, a supervisor's
/// replacement) from the moment they are attached. A service removed from the tree is no longer recorded;
/// its changes while it was attached stay in the record.
///
/// The recorder is an `AsyncSequence` of `ServiceTransition`: each iteration starts at the first
/// recorded change and ends when the recorder is finished (``finish()``, or when the recorder is released),
/// so several consumers can each read the whole record, and a consumer that starts late misses nothing.
///
/// ```swift
/// let recorder = LifecycleRecorder(of: app)
/// try await app.start()
/// b.crash(Boom())
/// await recorder.wait(for: b, toReach: .running, after: .crashed)  // the supervisor restarted it
/// #expect(recorder.changes(of: b) == [.starting, .running, .crashed, .initial, .starting, .running])
/// ```
///
/// The states are those of `service.state`, where `crashed` wins: a crashed service that is stopped reads
/// `crashed` until a restart resets it, so its stop shows no change of its own.
///
/// Safe to use from any task. Recording happens on the task that changed the state, under a lock of its own.
public final class LifecycleRecorder: Sendable {
    private let storage: Storage
    private let observation: ServiceTransitionObservation

    /// Starts recording the changes of `root` and of every service in its tree.
    public init(of root: some Service) {
        let storage = Storage(root: root.beacon)
        self.storage = storage
        self.observation = ServiceTransitions.observe { transition in storage.receive(transition) }
    }

    deinit {
        self.observation.cancel()
        self.storage.finish()
    }

    /// Every change recorded so far, in the order they were recorded.
    public var transitions: [ServiceTransition] { self.storage.state.withLock { $0.events } }

    /// The states `service` went through, in order (the `to` of each of its changes).
    public func changes(of service: some Service) -> [ServiceState] {
        self.transitions.filter { $0.service === service }.map(\.to)
    }

    /// Every change as `"label: state"`, in order: short enough to compare with `#expect`.
    public var summary: [String] { self.transitions.map { "\($0.label): \($0.to)" } }

    /// Stops recording; iterations end once they have read what was recorded.
    ///
    /// Calling it again does nothing.
    public func finish() {
        self.observation.cancel()
        self.storage.finish()
    }

    /// Suspends until `service` has reached `state` (now or earlier), and returns that change.
    ///
    /// With `after`, waits for the first time `service` reaches `state` after it reached `after`: to wait for
    /// the start that follows a crash, pass `toReach: .running, after: .crashed`.
    ///
    /// - Returns: The change, or `nil` if the recorder finished (or the task was cancelled) first.
    @discardableResult
    public func wait(
        for service: some Service,
        toReach state: ServiceState,
        after earlier: ServiceState? = nil
    ) async -> ServiceTransition? {
        var seenEarlier = earlier == nil
        for await transition in self where transition.service === service {
            if seenEarlier, transition.to == state { return transition }
            if transition.to == earlier { seenEarlier = true }
        }
        return nil
    }

    final class Storage: Sendable {
        enum Slot {
            case reserved(index: Int)
            case waiting(index: Int, continuation: UnsafeContinuation<ServiceTransition?, Never>)
            case cancelled
        }

        struct State {
            var events: [ServiceTransition] = []
            var finished = false
            var slots: [Int: Slot] = [:]
            var nextID = 0
        }

        let root: Node<ServiceNode>
        let state = Locked(State())

        init(root: Node<ServiceNode>) {
            self.root = root
        }

        func receive(_ transition: ServiceTransition) {
            guard transition.service.beacon.walk().contains(where: { $0 === self.root }) else { return }
            let ready = self.state.withLock { state -> [UnsafeContinuation<ServiceTransition?, Never>] in
                guard !state.finished else { return [] }
                state.events.append(transition)
                let index = state.events.count - 1
                var ready: [UnsafeContinuation<ServiceTransition?, Never>] = []
                for (id, slot) in state.slots {
                    if case .waiting(index, let continuation) = slot {
                        ready.append(continuation)
                        state.slots[id] = nil
                    }
                }
                return ready
            }
            for continuation in ready { continuation.resume(returning: transition) }
        }

        func finish() {
            let waiters = self.state.withLock { state -> [UnsafeContinuation<ServiceTransition?, Never>] in
                state.finished = true
                var waiters: [UnsafeContinuation<ServiceTransition?, Never>] = []
                for (id, slot) in state.slots {
                    if case .waiting(_, let continuation) = slot {
                        waiters.append(continuation)
                        state.slots[id] = nil
                    }
                }
                return waiters
            }
            for waiter in waiters { waiter.resume(returning: nil) }
        }

        /// The change at `index`, waiting for it if it has not happened yet.
        func event(at index: Int) async -> ServiceTransition? {
            enum Reservation {
                case ready(ServiceTransition?)
                case reserved(Int)
            }
            let reservation = self.state.withLock { state -> Reservation in
                if index < state.events.count { return .ready(state.events[index]) }
                if state.finished { return .ready(nil) }
                state.nextID += 1
                state.slots[state.nextID] = .reserved(index: index)
                return .reserved(state.nextID)
            }
            guard case .reserved(let id) = reservation else {
                if case .ready(let event) = reservation { return event }
                return nil
            }
            return await withTaskCancellationHandler {
                await withUnsafeContinuation { (continuation: UnsafeContinuation<ServiceTransition?, Never>) in
                    let immediate: ServiceTransition?? = self.state.withLock { state in
                        if index < state.events.count {
                            state.slots[id] = nil
                            return .some(state.events[index])
                        }
                        if state.finished || Task.isCancelled {
                            state.slots[id] = nil
                            return .some(nil)
                        }
                        if case .cancelled = state.slots[id] {
                            state.slots[id] = nil
                            return .some(nil)
                        }
                        state.slots[id] = .waiting(index: index, continuation: continuation)
                        return nil
                    }
                    if let immediate { continuation.resume(returning: immediate) }
                }
            } onCancel: {
                let continuation = self.state.withLock { state -> UnsafeContinuation<ServiceTransition?, Never>? in
                    switch state.slots[id] {
                    case .reserved:
                        state.slots[id] = .cancelled
                        return nil
                    case .waiting(_, let continuation):
                        state.slots[id] = nil
                        return continuation
                    case .cancelled, nil:
                        return nil
                    }
                }
                continuation?.resume(returning: nil)
            }
        }
    }
}

extension LifecycleRecorder: AsyncSequence {
    /// One recorded change.
    public typealias Element = ServiceTransition
    /// Iterating never throws.
    public typealias Failure = Never

    /// Reads the record from its first change; waits for more at the end, until the recorder finishes.
    public struct AsyncIterator: AsyncIteratorProtocol {
        let storage: Storage
        var index = 0

        /// The next recorded change, or `nil` once the recorder has finished (or the task is cancelled).
        public mutating func next(isolation actor: isolated (any Actor)?) async -> ServiceTransition? {
            guard let event = await self.storage.event(at: self.index) else { return nil }
            self.index += 1
            return event
        }

        /// The next recorded change, or `nil` once the recorder has finished (or the task is cancelled).
        public mutating func next() async -> ServiceTransition? {
            await self.next(isolation: nil)
        }
    }

    /// An iterator from the first recorded change.
    public func makeAsyncIterator() -> AsyncIterator { AsyncIterator(storage: self.storage) }
}

@available(*, unavailable)
extension LifecycleRecorder.AsyncIterator: Sendable {}
