extension AsyncSequence {
    /// Iterates the whole sequence and returns its elements in order: Python Mode's `alist`.
    ///
    /// swift-async-algorithms offers the same through `Array(sequence)`, declared `rethrows`. This method
    /// keeps the base's typed failure instead: collecting a sequence that cannot fail needs no `try`, and one
    /// that throws `MyError` throws `MyError`, not `any Error`. It runs on the caller's isolation, so it
    /// also collects sequences whose iterators are not `Sendable`.
    ///
    /// ```swift
    /// let squares = await arange(4).map { $0 * $0 }.collect()  // [0, 1, 4, 9]
    /// ```
    ///
    /// - Important: Collecting an endless sequence never returns. Bound it first, with `prefix(_:)` or
    ///   `slice(from:to:by:)`. If the task is cancelled, the result holds what the base produced before it
    ///   ended (sequences of this module end on cancellation); a base that throws `CancellationError`
    ///   passes it through.
    ///
    /// - Returns: Every element, in the order produced.
    /// - Throws: Whatever the base throws; the elements collected so far are discarded.
    public func collect() async throws(Failure) -> [Element] {
        var elements: [Element] = []
        var iterator = self.makeAsyncIterator()
        while let element = try await iterator.next(isolation: #isolation) {
            elements.append(element)
        }
        return elements
    }
}
