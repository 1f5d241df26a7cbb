/// A ``FlowControlQueue`` that can also carry errors to its consumer.
///
/// ``fail(_:)`` delivers an error to the next consumer *ahead of* any buffered element: a consumer blocked
/// in ``get()`` throws it at once; otherwise the error waits and the next ``get()`` or ``tryGet()`` throws
/// it. Errors keep their order among themselves. Everything else (flow control, bounds, pressure, ordering,
/// cancellation) is as for ``FlowControlQueue``.
///
/// ```swift
/// struct SourceLost: Error {}
///
/// let queue = ThrowableQueue<Int>(flowControl: FlowControlEvent(initiallySuspended: false))
/// try await queue.put(3)
/// try await queue.put(4)
/// queue.fail(SourceLost())
/// do { _ = try await queue.get() } catch { print(error) }  // SourceLost(), ahead of the elements
/// let three = try await queue.get()                        // then 3, then 4
/// ```
///
/// `ThrowableQueue` is `Sendable`; every method is safe to call from any task.
public final class ThrowableQueue<Element: Sendable>: Sendable {
    @usableFromInline let storage: QueueStorage<Element>

    /// Creates a queue.
    ///
    /// - Parameters:
    ///   - maxsize: The most elements ``put(_:)`` lets the queue hold. `0` (the default) or a negative value
    ///     means unbounded.
    ///   - flowControl: The event that suspends and resumes production into this queue.
    ///   - clearOnResume: Whether `flowControl.resume()` clears this queue (elements and errors).
    ///   - onPressureHigh: Called whenever a keyed forced put reports high pressure.
    ///   - onPressureDrop: Called after pressure-drop callbacks are released.
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

    /// The number of buffered elements, not counting pending errors.
    @inlinable
    public var count: Int { self.storage.count }

    /// Whether the queue holds no element **and no pending error** (Python's `empty()`).
    @inlinable
    public var isEmpty: Bool { self.storage.isEmpty }

    /// Whether the queue is bounded and holds ``maxsize`` elements or more.
    @inlinable
    public var isFull: Bool { self.storage.isFull }

    /// The size at or above which a keyed forced put reports high pressure: `floor(maxsize / 1.25)`.
    @inlinable
    public var pressureHighSize: Int { self.storage.pressureHighSize }

    /// The size at or below which ``tryGet()`` releases one pending pressure-drop callback.
    @inlinable
    public var pressureDropSize: Int { self.storage.pressureDropSize }

    /// Delivers `error` to the next consumer, ahead of every buffered element (Python's `throw`).
    ///
    /// If a consumer is blocked in ``get()``, the oldest one throws `error` at once. Otherwise the error is
    /// queued: the next ``get()`` or ``tryGet()`` throws it, before any element; several errors come out in
    /// the order they were failed. ``clear()`` discards queued errors.
    ///
    /// - Parameter error: The error for the consumer to throw.
    @inlinable
    public func fail(_ error: any Error) {
        self.storage.fail(error)
    }

    /// Adds `element` at the tail, waiting first while flow control is suspended, then while the queue is full.
    ///
    /// - Parameter element: The element to add.
    /// - Throws: `CancellationError` if the task is cancelled before the element is accepted;
    ///   ``QueueError/cleared()`` if ``clear()`` ran while the put waited for room.
    @inlinable
    public func put(_ element: Element) async throws {
        try await self.storage.put(element)
    }

    /// Adds `element` if there is room, without waiting and ignoring flow control.
    ///
    /// - Parameter element: The element to add.
    /// - Returns: `true` if the element was accepted, `false` if the queue is full.
    @inlinable
    public func tryPut(_ element: Element) -> Bool {
        self.storage.tryPut(element)
    }

    /// Adds `element` even if the queue is full, without waiting and ignoring flow control.
    ///
    /// - Parameter element: The element to add.
    @inlinable
    public func forcePut(_ element: Element) {
        self.storage.forcePut(element)
    }

    /// Adds `element` like ``forcePut(_:)`` and reports high pressure, as
    /// ``FlowControlQueue/forcePut(_:pressureKey:onPressureHigh:onPressureDrop:)`` does.
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

    /// Removes and returns the head element, or throws the oldest pending error; waits while both are absent.
    ///
    /// - Returns: The oldest element.
    /// - Throws: The oldest error passed to ``fail(_:)``, before any element; `CancellationError` if the task
    ///   is cancelled while waiting (nothing was taken then).
    @inlinable
    public func get() async throws -> Element {
        try await self.storage.get()
    }

    /// Removes and returns the head element without waiting, or throws the oldest pending error.
    ///
    /// - Returns: The oldest element, or `nil` if the queue holds neither element nor error.
    /// - Throws: The oldest error passed to ``fail(_:)``.
    @inlinable
    public func tryGet() throws -> Element? {
        try self.storage.tryGet()
    }

    /// Discards every buffered element and pending error, and rejects every put waiting for room.
    ///
    /// Each rejected ``put(_:)`` throws ``QueueError/cleared()`` (Python Mode cancels them instead).
    @inlinable
    public func clear() {
        self.storage.clear()
    }
}

extension ThrowableQueue: AsyncSequence {
    /// Makes an iterator that takes elements with ``ThrowableQueue/get()``.
    @inlinable
    public func makeAsyncIterator() -> AsyncIterator {
        AsyncIterator(storage: self.storage)
    }

    /// An iterator over a ``ThrowableQueue``: each `next()` is a ``ThrowableQueue/get()``.
    ///
    /// `next()` rethrows an error passed to ``ThrowableQueue/fail(_:)``; after that, as `AsyncSequence`
    /// requires, this iterator is finished and returns `nil` (make a new iterator, or call `get()`, to read
    /// on). `next()` also returns `nil` when the task is cancelled.
    public struct AsyncIterator: AsyncIteratorProtocol {
        @usableFromInline let storage: QueueStorage<Element>
        @usableFromInline var finished = false

        @inlinable
        init(storage: QueueStorage<Element>) {
            self.storage = storage
        }

        /// Returns the next element, `nil` once finished or cancelled.
        ///
        /// - Throws: An error passed to ``ThrowableQueue/fail(_:)``.
        @inlinable
        public mutating func next() async throws -> Element? {
            guard !self.finished else { return nil }
            do {
                return try await self.storage.get()
            } catch is CancellationError where Task.isCancelled {
                self.finished = true
                return nil
            } catch {
                self.finished = true
                throw error
            }
        }
    }
}

@available(*, unavailable)
extension ThrowableQueue.AsyncIterator: Sendable {}
