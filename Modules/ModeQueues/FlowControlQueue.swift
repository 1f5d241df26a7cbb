/// A FIFO queue, bounded or not, whose producers stop while its ``FlowControlEvent`` is suspended.
///
/// ``put(_:)`` waits while the flow-control event is suspended, then while the queue is full. ``get()`` waits
/// while the queue is empty. The non-blocking ``tryPut(_:)``, ``tryGet()`` and ``forcePut(_:)`` never wait and
/// ignore flow control, as in Python Mode. A consumer can also read the queue as an `AsyncSequence`.
///
/// ```swift
/// let flowControl = FlowControlEvent(initiallySuspended: false)
/// let queue = FlowControlQueue<String>(maxsize: 1_000, flowControl: flowControl)
/// try await queue.put("hello")
/// for await message in queue {
///     print(message)
/// }
/// ```
///
/// **Ordering.** Elements come out in the order they were accepted. A producer's elements keep its order.
/// Blocked putters are accepted in the order they blocked, and blocked getters are served in the order they
/// blocked. A get that frees room moves the oldest blocked putter's element in at once, so a newcomer
/// never overtakes a blocked putter. ``clear()`` is a barrier: no element accepted before it, and no element
/// of a put that was still waiting for room, comes out after it (those puts throw ``QueueError/cleared()``).
///
/// **Cancellation.** A cancelled ``put(_:)`` throws `CancellationError` and its element was *not* accepted;
/// if it was accepted first, the put returns normally. A cancelled ``get()`` throws `CancellationError` and
/// took nothing; if an element was handed to it first, it returns that element. No element is ever lost.
///
/// **Pressure.** ``forcePut(_:pressureKey:onPressureHigh:onPressureDrop:)`` reports high pressure at
/// `floor(maxsize / 1.25)` elements and releases the drop callbacks at `floor(maxsize * 0.40)` elements or
/// when the queue runs empty, with Python Mode's thresholds.
///
/// `FlowControlQueue` is `Sendable`; every method is safe to call from any task.
public final class FlowControlQueue<Element: Sendable>: Sendable {
    @usableFromInline let storage: QueueStorage<Element>

    /// Creates a queue.
    ///
    /// - Parameters:
    ///   - maxsize: The most elements ``put(_:)`` lets the queue hold. `0` (the default) or a negative value
    ///     means unbounded, as for Python's `asyncio.Queue`.
    ///   - flowControl: The event that suspends and resumes production into this queue.
    ///   - clearOnResume: Whether `flowControl.resume()` clears this queue.
    ///   - onPressureHigh: Called (outside any lock) whenever a keyed forced put reports high pressure; Python
    ///     Mode's `on_pressure_high()` hook.
    ///   - onPressureDrop: Called (outside any lock) after pressure-drop callbacks are released; Python
    ///     Mode's `on_pressure_drop()` hook.
    public init(
        maxsize: Int = 0,
        flowControl: FlowControlEvent,
        clearOnResume: Bool = false,
        onPressureHigh: (@Sendable () -> Void)? = nil,
        onPressureDrop: (@Sendable () -> Void)? = nil
    ) {
        self.storage = QueueStorage(
            maxsize: maxsize,
            flowControl: flowControl,
            onPressureHigh: onPressureHigh,
            onPressureDrop: onPressureDrop
        )
        if clearOnResume {
            flowControl.register(self.storage)
        }
    }

    /// For tests in this package: the number of `put` calls waiting for room.
    package var blockedPutterCount: Int { self.storage.waiterCounts.putters }

    /// For tests in this package: the number of `get` calls waiting for an element.
    package var blockedGetterCount: Int { self.storage.waiterCounts.getters }

    /// The bound on the queue's size, or `0` when it is unbounded.
    @inlinable
    public var maxsize: Int { self.storage.maxsize }

    /// The number of buffered elements (Python's `qsize()`).
    ///
    /// It can exceed ``maxsize`` after ``forcePut(_:)``.
    @inlinable
    public var count: Int { self.storage.count }

    /// Whether the queue holds no element.
    @inlinable
    public var isEmpty: Bool { self.storage.isEmpty }

    /// Whether the queue is bounded and holds ``maxsize`` elements or more.
    @inlinable
    public var isFull: Bool { self.storage.isFull }

    /// The size at or above which a keyed forced put reports high pressure: `floor(maxsize / 1.25)`.
    ///
    /// For an unbounded queue it is `0`, so the first keyed forced put reports high pressure at once (as in
    /// Python Mode).
    @inlinable
    public var pressureHighSize: Int { self.storage.pressureHighSize }

    /// The size at or below which ``tryGet()`` releases one pending pressure-drop callback:
    /// `floor(maxsize * 0.40)`.
    @inlinable
    public var pressureDropSize: Int { self.storage.pressureDropSize }

    /// Adds `element` at the tail, waiting first while flow control is suspended, then while the queue is full.
    ///
    /// Flow control is checked once, on entry: a put that is already waiting for room is not recalled by a
    /// later ``FlowControlEvent/suspend()`` (as in Python Mode).
    ///
    /// - Parameter element: The element to add.
    /// - Throws: `CancellationError` if the task is cancelled before the element is accepted (the element is
    ///   then not in the queue); ``QueueError/cleared()`` if ``clear()`` ran while the put waited for room.
    @inlinable
    public func put(_ element: Element) async throws {
        try await self.storage.put(element)
    }

    /// Adds `element` if there is room, without waiting and **ignoring flow control** (Python's
    /// `put_nowait`).
    ///
    /// - Parameter element: The element to add.
    /// - Returns: `true` if the element was accepted, `false` if the queue is full.
    @inlinable
    public func tryPut(_ element: Element) -> Bool {
        self.storage.tryPut(element)
    }

    /// Adds `element` even if the queue is full, without waiting and **ignoring flow control** (Python's
    /// `force_put_nowait`).
    ///
    /// The element goes in behind every accepted element but ahead of puts still waiting for room; those
    /// stay blocked until gets bring the queue back below ``maxsize``.
    ///
    /// - Parameter element: The element to add.
    @inlinable
    public func forcePut(_ element: Element) {
        self.storage.forcePut(element)
    }

    /// Adds `element` like ``forcePut(_:)``, and reports whether the queue is under high pressure
    /// (Python's `put_nowait_enhanced`).
    ///
    /// If no drop callback is pending for `pressureKey` and the queue held ``pressureHighSize`` elements or
    /// more, the queue records `onPressureDrop` under `pressureKey`, calls its own `onPressureHigh` hook, then
    /// `onPressureHigh`, and returns `true`. A pending drop callback runs once, when a ``get()`` finds the
    /// queue empty, or when a ``tryGet()`` finds it empty or at or below ``pressureDropSize`` (then only the
    /// oldest pending callback runs). The key replaces Python's use of the callback's identity: pass the same
    /// key (a partition, say) for the same producer.
    ///
    /// - Parameters:
    ///   - element: The element to add.
    ///   - pressureKey: Identifies the producer; at most one drop callback is pending per key.
    ///   - onPressureHigh: Called before this method returns `true`, outside any lock.
    ///   - onPressureDrop: Called once, outside any lock, when the pressure drops.
    /// - Returns: `true` if this put entered high pressure for `pressureKey`.
    @discardableResult
    @inlinable
    public func forcePut(
        _ element: Element,
        pressureKey: some Hashable & Sendable,
        onPressureHigh: () -> Void,
        onPressureDrop: @escaping @Sendable () -> Void
    ) -> Bool {
        self.storage.forcePut(
            element,
            pressureKey: pressureKey,
            onPressureHigh: onPressureHigh,
            onPressureDrop: onPressureDrop
        )
    }

    /// Removes and returns the head element, waiting while the queue is empty.
    ///
    /// If the queue is empty when called, pending pressure-drop callbacks run first (Python's `get`).
    ///
    /// - Returns: The oldest element.
    /// - Throws: `CancellationError` if the task is cancelled while waiting; nothing was taken then.
    @inlinable
    public func get() async throws -> Element {
        try await self.storage.get()
    }

    /// Removes and returns the head element without waiting (Python's `get_nowait`).
    ///
    /// Pending pressure-drop callbacks are considered first, with the size before the element is taken.
    ///
    /// - Returns: The oldest element, or `nil` if the queue is empty.
    @inlinable
    public func tryGet() -> Element? {
        // A FlowControlQueue never holds errors, so only an element or nothing can come out.
        try? self.storage.tryGet()
    }

    /// Discards every buffered element and rejects every put waiting for room.
    ///
    /// Each rejected ``put(_:)`` throws ``QueueError/cleared()`` and its element is discarded, so nothing
    /// produced before the clear comes out after it. Waiting getters keep waiting. Puts waiting on flow
    /// control are not affected: they have not reached the queue yet. Pending pressure-drop callbacks stay
    /// pending (they run at the next ``get()``, which finds the queue empty).
    @inlinable
    public func clear() {
        self.storage.clear()
    }
}

extension FlowControlQueue: AsyncSequence {
    /// Makes an iterator that takes elements with ``FlowControlQueue/get()``.
    @inlinable
    public func makeAsyncIterator() -> AsyncIterator {
        AsyncIterator(storage: self.storage)
    }

    /// An iterator over a ``FlowControlQueue``: each `next()` is a ``FlowControlQueue/get()``.
    ///
    /// The sequence never ends on its own (a queue has no end); `next()` returns `nil` when the task is
    /// cancelled. Several iterators over one queue share its elements; each element goes to one of them.
    public struct AsyncIterator: AsyncIteratorProtocol {
        @usableFromInline let storage: QueueStorage<Element>

        @inlinable
        init(storage: QueueStorage<Element>) {
            self.storage = storage
        }

        /// Returns the next element, or `nil` once the task is cancelled.
        @inlinable
        public mutating func next() async -> Element? {
            try? await self.storage.get()
        }

        /// Returns the next element, or `nil` once the task is cancelled.
        @inlinable
        public mutating func next(isolation actor: isolated (any Actor)?) async -> Element? {
            try? await self.storage.get()
        }
    }
}

@available(*, unavailable)
extension FlowControlQueue.AsyncIterator: Sendable {}
