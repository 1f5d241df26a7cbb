public import AsyncAlgorithms

extension AsyncSequence {
    /// Groups the elements into arrays of `count`; the last array may be shorter: Python Mode's `chunks`.
    ///
    /// This checks `count` and then forwards to swift-async-algorithms' `chunks(ofCount:)`, which already
    /// has the right semantics; what it lacks is a recoverable error for a bad size (it traps on `count`
    /// below 1). A size of 1 gives one-element arrays (Python Mode's `chunks(it, 1)` gives a single array
    /// holding everything, a defect not reproduced here).
    ///
    /// ```swift
    /// let groups = try await arange(7).chunks(of: 3).collect()  // [[0, 1, 2], [3, 4, 5], [6]]
    /// ```
    ///
    /// No empty array is ever produced. Errors and the end of iteration pass through from the base; the
    /// sequence ends on cancellation when the base does, with a last, possibly short, chunk.
    ///
    /// - Parameter count: The size of every chunk but possibly the last; 1 or more.
    /// - Returns: swift-async-algorithms' `AsyncChunksOfCountSequence` over this sequence.
    /// - Throws: ``AsyncSeqError`` with code `.nonPositiveChunkSize` when `count` is
    ///   below 1.
    public func chunks(of count: Int) throws -> AsyncChunksOfCountSequence<Self, [Element]> {
        guard count >= 1 else { throw AsyncSeqError.nonPositiveChunkSize(count) }
        return self.chunks(ofCount: count)
    }
}
