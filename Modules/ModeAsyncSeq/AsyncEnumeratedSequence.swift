extension AsyncSequence {
    /// Pairs each element with its zero-based position: Python Mode's `aenumerate`.
    ///
    /// swift-async-algorithms 1.1.4 has no `enumerated()`, so ModeAsyncSeq adds it, shaped like
    /// `Sequence.enumerated()`: the pairs are labelled `offset` and `element`, and offsets start at zero.
    /// (Python's `aenumerate(it, start=n)` is `.enumerated().map { ($0.offset + n, $0.element) }`.)
    ///
    /// ```swift
    /// for await (offset, name) in ["a", "b"].async.enumerated() {
    ///     print(offset, name)  // 0 a, then 1 b
    /// }
    /// ```
    ///
    /// Errors and the end of iteration pass through from the base unchanged; the sequence ends on
    /// cancellation exactly when the base does.
    ///
    /// - Returns: A sequence of `(offset, element)` pairs.
    public func enumerated() -> AsyncEnumeratedSequence<Self> {
        AsyncEnumeratedSequence(base: self)
    }
}

/// An async sequence of `(offset, element)` pairs over a base sequence.
///
/// Made by ``_Concurrency/AsyncSequence/enumerated()``.
///
/// `Sendable` when the base is. Its iterator is not `Sendable`.
public struct AsyncEnumeratedSequence<Base: AsyncSequence> {
    let base: Base

    init(base: Base) {
        self.base = base
    }
}

extension AsyncEnumeratedSequence: AsyncSequence {
    /// A base element with its zero-based position.
    public typealias Element = (offset: Int, element: Base.Element)

    /// The iterator of an ``AsyncEnumeratedSequence``.
    public struct AsyncIterator: AsyncIteratorProtocol {
        var base: Base.AsyncIterator
        var offset = 0

        init(base: Base.AsyncIterator) {
            self.base = base
        }

        /// Produces the next element with its offset, or `nil` when the base ends.
        ///
        /// - Parameter actor: The isolation to call the base iterator on.
        /// - Returns: The next pair, or `nil`.
        /// - Throws: Whatever the base throws.
        public mutating func next(isolation actor: isolated (any Actor)?) async throws(Base.Failure) -> Element? {
            guard let element = try await self.base.next(isolation: actor) else { return nil }
            defer { self.offset += 1 }
            return (self.offset, element)
        }
    }

    /// Makes an iterator whose offsets start at zero.
    ///
    /// - Returns: A new iterator over a new iterator of the base.
    public func makeAsyncIterator() -> AsyncIterator {
        AsyncIterator(base: self.base.makeAsyncIterator())
    }
}

extension AsyncEnumeratedSequence: Sendable where Base: Sendable {}

@available(*, unavailable)
extension AsyncEnumeratedSequence.AsyncIterator: Sendable {}
