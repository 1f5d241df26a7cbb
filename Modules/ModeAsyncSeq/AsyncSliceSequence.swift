extension AsyncSequence {
    /// Returns the elements whose zero-based position is in `start..<stop`, taking every `step`-th one.
    ///
    /// This is Python Mode's `aslice(it, start, stop, step)`; swift-async-algorithms has no stepped slice,
    /// so ModeAsyncSeq adds it. (Without a step, `dropFirst(start).prefix(stop - start)` from the standard
    /// library does the same.) The positions produced are those of Python's `range(start, stop, step)`.
    ///
    /// The slice consumes the base lazily and stops asking the base for elements right after the last
    /// selected position, so slicing an endless sequence with a `stop` ends. A `stop` at or below `start` is
    /// an empty slice that consumes nothing; a `stop` of `0` is empty too (Python Mode treats `stop=0` as
    /// "no end", a defect fixed here). Pass `nil` for no end.
    ///
    /// ```swift
    /// let picked = try await arange(20).slice(from: 2, to: 12, by: 3).collect()  // [2, 5, 8, 11]
    /// ```
    ///
    /// The slice passes errors and the end of iteration through from the base unchanged; it ends on
    /// cancellation exactly when the base does.
    ///
    /// - Parameters:
    ///   - start: The position of the first element to produce; 0 or more.
    ///   - stop: The position to stop before; 0 or more, or `nil` for no end.
    ///   - step: The distance between two selected positions; 1 or more.
    /// - Returns: The sliced sequence.
    /// - Throws: ``AsyncSeqError`` with code `.negativeIndex` when `start` or `stop` is
    ///   negative, or ``AsyncSeqError`` `.nonPositiveStep` when `step` is below 1.
    public func slice(from start: Int = 0, to stop: Int? = nil, by step: Int = 1) throws -> AsyncSliceSequence<Self> {
        guard start >= 0 else { throw AsyncSeqError.negativeIndex("start", start) }
        if let stop, stop < 0 { throw AsyncSeqError.negativeIndex("stop", stop) }
        guard step >= 1 else { throw AsyncSeqError.nonPositiveStep(step) }
        return AsyncSliceSequence(base: self, start: start, stop: stop, step: step)
    }
}

/// An async sequence of the elements of a base sequence at positions `start, start + step, …` below `stop`.
///
/// Made by ``_Concurrency/AsyncSequence/slice(from:to:by:)``; see there for the semantics.
///
/// `Sendable` when the base is. Its iterator is not `Sendable`.
public struct AsyncSliceSequence<Base: AsyncSequence> {
    let base: Base

    /// The position of the first selected element.
    public let start: Int

    /// The position to stop before, or `nil` for no end.
    public let stop: Int?

    /// The distance between two selected positions; 1 or more.
    public let step: Int

    init(base: Base, start: Int, stop: Int?, step: Int) {
        self.base = base
        self.start = start
        self.stop = stop
        self.step = step
    }
}

extension AsyncSliceSequence: AsyncSequence {
    /// The elements are the base's elements.
    public typealias Element = Base.Element

    /// The iterator of an ``AsyncSliceSequence``.
    public struct AsyncIterator: AsyncIteratorProtocol {
        var base: Base.AsyncIterator
        let stop: Int?
        let step: Int
        /// The position of the next element the base will produce.
        var position = 0
        /// The position of the next element to select, or `nil` once nothing more will be selected.
        var wanted: Int?

        init(base: Base.AsyncIterator, start: Int, stop: Int?, step: Int) {
            self.base = base
            self.stop = stop
            self.step = step
            self.wanted = start
        }

        /// Produces the next selected element, or `nil` after the last one.
        ///
        /// - Parameter actor: The isolation to call the base iterator on.
        /// - Returns: The next element, or `nil`.
        /// - Throws: Whatever the base throws.
        public mutating func next(isolation actor: isolated (any Actor)?) async throws(Base.Failure) -> Element? {
            guard let wanted = self.wanted else { return nil }
            if let stop = self.stop, wanted >= stop {
                self.wanted = nil
                return nil
            }
            while true {
                guard let element = try await self.base.next(isolation: actor) else {
                    self.wanted = nil
                    return nil
                }
                let position = self.position
                self.position = position &+ 1
                if position == wanted {
                    let (following, overflow) = wanted.addingReportingOverflow(self.step)
                    self.wanted = overflow ? nil : following
                    return element
                }
            }
        }
    }

    /// Makes an iterator over the selected elements.
    ///
    /// - Returns: A new iterator over a new iterator of the base.
    public func makeAsyncIterator() -> AsyncIterator {
        AsyncIterator(base: self.base.makeAsyncIterator(), start: self.start, stop: self.stop, step: self.step)
    }
}

extension AsyncSliceSequence: Sendable where Base: Sendable {}

@available(*, unavailable)
extension AsyncSliceSequence.AsyncIterator: Sendable {}
