public import ModeConcurrencyHelpers
// Public import: the @inlinable hot path (so that clients get put/get specialized for their element type)
// uses Deque, and inlinable code may only use publicly imported modules.
public import DequeModule

/// A queue that a ``FlowControlEvent`` can clear when flow resumes.
@usableFromInline
protocol ManagedQueue: AnyObject, Sendable {
    /// Discards the buffered elements and errors and rejects blocked putters.
    func clear()
}

/// The shared engine of ``FlowControlQueue`` and ``ThrowableQueue``.
///
/// One lock guards the buffer, the queued errors and the FIFO lists of blocked getters and putters.
/// Every method decides under the lock and resumes continuations, or calls callbacks, after releasing it.
///
/// Invariants (between two critical sections):
/// - getters waiting ⇒ the buffer and the error list are empty (a new element or error goes straight to the
///   first getter);
/// - putters waiting ⇒ the queue is bounded and the buffer holds at least `maxsize` elements (a get that
///   frees room moves the first putter's element into the buffer in the same critical section, so a
///   newcomer can never overtake a blocked putter; forced puts can push the buffer over the bound, and then
///   putters stay blocked until it drains below it).
@usableFromInline
final class QueueStorage<Element: Sendable>: ManagedQueue, Sendable {
    @usableFromInline
    struct Getter: Sendable {
        @usableFromInline let id: UInt64
        @usableFromInline let continuation: UnsafeContinuation<Element, any Error>

        @inlinable
        init(id: UInt64, continuation: UnsafeContinuation<Element, any Error>) {
            self.id = id
            self.continuation = continuation
        }
    }

    @usableFromInline
    struct Putter: Sendable {
        @usableFromInline let id: UInt64
        @usableFromInline let element: Element
        @usableFromInline let continuation: UnsafeContinuation<Void, any Error>

        @inlinable
        init(id: UInt64, element: Element, continuation: UnsafeContinuation<Void, any Error>) {
            self.id = id
            self.element = element
            self.continuation = continuation
        }
    }

    @usableFromInline
    struct PressureDrop: Sendable {
        @usableFromInline let key: any Hashable & Sendable
        @usableFromInline let action: @Sendable () -> Void

        @inlinable
        init(key: any Hashable & Sendable, action: @escaping @Sendable () -> Void) {
            self.key = key
            self.action = action
        }
    }

    @usableFromInline
    struct State: Sendable {
        @usableFromInline var buffer = Deque<Element>()
        @usableFromInline var errors = Deque<any Error>()
        @usableFromInline var getters = Deque<Getter>()
        @usableFromInline var putters = Deque<Putter>()
        @usableFromInline var pressureDrops: [PressureDrop] = []
        @usableFromInline var nextID: UInt64 = 0

        @inlinable
        init() {}

        @inlinable
        mutating func makeID() -> UInt64 {
            self.nextID &+= 1
            return self.nextID
        }
    }

    /// What a `put` does once it has the lock.
    @usableFromInline
    enum PutAction {
        case enqueued
        case handOff(UnsafeContinuation<Element, any Error>)
        case full
    }

    /// What a `get` does once it has the lock.
    @usableFromInline
    enum GetAction {
        case element(Element, admitted: UnsafeContinuation<Void, any Error>?)
        case failure(any Error)
        case empty(drops: [@Sendable () -> Void])
    }

    /// The bound, or 0 when unbounded.
    @usableFromInline let maxsize: Int
    /// `floor(maxsize / 1.25)`: at or above this size a keyed forced put reports high pressure.
    @usableFromInline let pressureHighSize: Int
    /// `floor(maxsize * 0.40)`: at or below this size a non-blocking get reports one pressure drop.
    @usableFromInline let pressureDropSize: Int
    @usableFromInline let flowControl: FlowControlEvent
    @usableFromInline let onPressureHigh: (@Sendable () -> Void)?
    @usableFromInline let onPressureDrop: (@Sendable () -> Void)?
    @usableFromInline let state = Locked(State())

    @usableFromInline
    init(
        maxsize: Int,
        flowControl: FlowControlEvent,
        onPressureHigh: (@Sendable () -> Void)?,
        onPressureDrop: (@Sendable () -> Void)?
    ) {
        let bound = max(maxsize, 0)
        self.maxsize = bound
        // Integer forms of Python's floor(maxsize / 1.25) and floor(maxsize * 0.40), exact for bound >= 0.
        self.pressureHighSize = bound * 4 / 5
        self.pressureDropSize = bound * 2 / 5
        self.flowControl = flowControl
        self.onPressureHigh = onPressureHigh
        self.onPressureDrop = onPressureDrop
    }

    // MARK: - Reading

    @inlinable
    var count: Int { self.state.withLock { $0.buffer.count } }

    @inlinable
    var isEmpty: Bool { self.state.withLock { $0.buffer.isEmpty && $0.errors.isEmpty } }

    @inlinable
    var isFull: Bool {
        guard self.maxsize > 0 else { return false }
        return self.state.withLock { $0.buffer.count >= self.maxsize }
    }

    /// For tests: how many `put`s wait for room and how many `get`s wait for an element.
    var waiterCounts: (putters: Int, getters: Int) {
        self.state.withLock { ($0.putters.count, $0.getters.count) }
    }

    // MARK: - Putting

    /// Under the lock: hands `element` to the first waiting getter, or buffers it if there is room.
    @inlinable
    func offer(_ element: Element, _ state: inout State, ignoringBound: Bool) -> PutAction {
        if let getter = state.getters.popFirst() {
            return .handOff(getter.continuation)
        }
        if ignoringBound || self.maxsize == 0 || state.buffer.count < self.maxsize {
            state.buffer.append(element)
            return .enqueued
        }
        return .full
    }

    @inlinable
    func put(_ element: Element) async throws {
        if !self.flowControl.isActive {
            try await self.flowControl.waitUntilResumed()
        }
        let action = self.state.withLock { self.offer(element, &$0, ignoringBound: false) }
        switch action {
        case .enqueued:
            return
        case .handOff(let getter):
            getter.resume(returning: element)
            return
        case .full:
            try await self.waitToPut(element)
        }
    }

    @usableFromInline
    enum BlockedPutAction {
        case done
        case handOff(UnsafeContinuation<Element, any Error>)
        case cancelled
        case waiting
    }

    @inlinable
    func waitToPut(_ element: Element) async throws {
        let id = self.state.withLock { $0.makeID() }
        try await withTaskCancellationHandler {
            try await withUnsafeThrowingContinuation { (continuation: UnsafeContinuation<Void, any Error>) in
                let action = self.state.withLock { state -> BlockedPutAction in
                    // Checked under the lock: the cancellation handler takes the same lock, so either it ran
                    // before (and the flag is set) or it will find this putter registered.
                    if Task.isCancelled { return .cancelled }
                    switch self.offer(element, &state, ignoringBound: false) {
                    case .enqueued: return .done
                    case .handOff(let getter): return .handOff(getter)
                    case .full:
                        state.putters.append(Putter(id: id, element: element, continuation: continuation))
                        return .waiting
                    }
                }
                switch action {
                case .done:
                    continuation.resume()
                case .handOff(let getter):
                    getter.resume(returning: element)
                    continuation.resume()
                case .cancelled:
                    continuation.resume(throwing: CancellationError())
                case .waiting:
                    break
                }
            }
        } onCancel: {
            let putter = self.state.withLock { state -> Putter? in
                guard let index = state.putters.firstIndex(where: { $0.id == id }) else { return nil }
                return state.putters.remove(at: index)
            }
            // Not found: the element was already accepted (or rejected by a clear), and `put` reports that.
            putter?.continuation.resume(throwing: CancellationError())
        }
    }

    @inlinable
    func tryPut(_ element: Element) -> Bool {
        let action = self.state.withLock { self.offer(element, &$0, ignoringBound: false) }
        switch action {
        case .enqueued:
            return true
        case .handOff(let getter):
            getter.resume(returning: element)
            return true
        case .full:
            return false
        }
    }

    @inlinable
    func forcePut(_ element: Element) {
        let action = self.state.withLock { self.offer(element, &$0, ignoringBound: true) }
        if case .handOff(let getter) = action {
            getter.resume(returning: element)
        }
    }

    @inlinable
    func forcePut<Key: Hashable & Sendable>(
        _ element: Element,
        pressureKey: Key,
        onPressureHigh: () -> Void,
        onPressureDrop: @escaping @Sendable () -> Void
    ) -> Bool {
        let (highPressure, action) = self.state.withLock { state -> (Bool, PutAction) in
            var highPressure = false
            if !state.pressureDrops.contains(where: { ($0.key as? Key) == pressureKey })
                && state.buffer.count >= self.pressureHighSize
            {
                state.pressureDrops.append(PressureDrop(key: pressureKey, action: onPressureDrop))
                highPressure = true
            }
            return (highPressure, self.offer(element, &state, ignoringBound: true))
        }
        if highPressure {
            self.onPressureHigh?()
            onPressureHigh()
        }
        if case .handOff(let getter) = action {
            getter.resume(returning: element)
        }
        return highPressure
    }

    // MARK: - Getting

    /// Under the lock: takes the next error or element, admitting the first blocked putter into the room.
    @inlinable
    func take(_ state: inout State) -> GetAction? {
        if let error = state.errors.popFirst() {
            return .failure(error)
        }
        guard let element = state.buffer.popFirst() else { return nil }
        var admitted: UnsafeContinuation<Void, any Error>?
        // Admit only into real room: after forced puts the buffer can stay at or over the bound.
        if state.buffer.count < self.maxsize, let putter = state.putters.popFirst() {
            state.buffer.append(putter.element)
            admitted = putter.continuation
        }
        return .element(element, admitted: admitted)
    }

    /// Under the lock: the pressure-drop callbacks due now, for a queue holding `size` elements.
    ///
    /// Python's `maybe_endorse_pressure_drop`: an empty queue releases every pending callback, a queue at or
    /// below the drop size releases one (the oldest).
    @inlinable
    func duePressureDrops(_ state: inout State, size: Int) -> [@Sendable () -> Void] {
        guard !state.pressureDrops.isEmpty else { return [] }
        if size == 0 {
            defer { state.pressureDrops.removeAll() }
            return state.pressureDrops.map(\.action)
        }
        if size <= self.pressureDropSize {
            return [state.pressureDrops.removeFirst().action]
        }
        return []
    }

    @inlinable
    func runPressureDrops(_ drops: [@Sendable () -> Void]) {
        guard !drops.isEmpty else { return }
        for drop in drops { drop() }
        self.onPressureDrop?()
    }

    @inlinable
    func finish(_ action: GetAction) throws -> Element? {
        switch action {
        case .element(let element, let admitted):
            admitted?.resume()
            return element
        case .failure(let error):
            throw error
        case .empty(let drops):
            self.runPressureDrops(drops)
            return nil
        }
    }

    @inlinable
    func get() async throws -> Element {
        let action = self.state.withLock { state -> GetAction in
            if let action = self.take(&state) { return action }
            return .empty(drops: self.duePressureDrops(&state, size: 0))
        }
        if let element = try self.finish(action) { return element }
        return try await self.waitToGet()
    }

    @usableFromInline
    enum BlockedGetAction {
        case ready(GetAction)
        case cancelled
        case waiting
    }

    @inlinable
    func waitToGet() async throws -> Element {
        let id = self.state.withLock { $0.makeID() }
        return try await withTaskCancellationHandler {
            try await withUnsafeThrowingContinuation { (continuation: UnsafeContinuation<Element, any Error>) in
                let action = self.state.withLock { state -> BlockedGetAction in
                    if Task.isCancelled { return .cancelled }
                    if let action = self.take(&state) { return .ready(action) }
                    state.getters.append(Getter(id: id, continuation: continuation))
                    return .waiting
                }
                switch action {
                case .ready(.element(let element, let admitted)):
                    admitted?.resume()
                    continuation.resume(returning: element)
                case .ready(.failure(let error)):
                    continuation.resume(throwing: error)
                case .ready(.empty), .waiting:
                    break
                case .cancelled:
                    continuation.resume(throwing: CancellationError())
                }
            }
        } onCancel: {
            let getter = self.state.withLock { state -> Getter? in
                guard let index = state.getters.firstIndex(where: { $0.id == id }) else { return nil }
                return state.getters.remove(at: index)
            }
            // Not found: an element or error was already handed over, and `get` returns or throws it.
            getter?.continuation.resume(throwing: CancellationError())
        }
    }

    @inlinable
    func tryGet() throws -> Element? {
        let (drops, action) = self.state.withLock { state -> ([@Sendable () -> Void], GetAction?) in
            if let error = state.errors.popFirst() { return ([], .failure(error)) }
            // Python's get_nowait endorses a pressure drop first, with the size before the element is taken.
            let drops = self.duePressureDrops(&state, size: state.buffer.count)
            return (drops, self.take(&state))
        }
        self.runPressureDrops(drops)
        guard let action else { return nil }
        return try self.finish(action)
    }

    // MARK: - Errors and clearing

    @inlinable
    func fail(_ error: any Error) {
        let getter = self.state.withLock { state -> Getter? in
            if let getter = state.getters.popFirst() { return getter }
            state.errors.append(error)
            return nil
        }
        getter?.continuation.resume(throwing: error)
    }

    @inlinable
    func clear() {
        let rejected = self.state.withLock { state -> Deque<Putter> in
            state.buffer.removeAll()
            state.errors.removeAll()
            defer { state.putters.removeAll() }
            return state.putters
        }
        for putter in rejected {
            putter.continuation.resume(throwing: QueueError.cleared())
        }
    }
}
