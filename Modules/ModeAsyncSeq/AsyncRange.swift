public import AsyncAlgorithms

/// Returns the integers from zero up to, but not including, `stop`, as an async sequence.
///
/// This is Python Mode's `arange(stop)`. A `stop` of zero or below gives an empty sequence, as Python's
/// `range` does.
///
/// ```swift
/// for await i in arange(3) { print(i) }  // 0, 1, 2
/// ```
///
/// - Parameter stop: The end of the range; it is not included.
/// - Returns: The range `0, 1, …, stop - 1`.
public func arange(_ stop: Int) -> AsyncRange {
    AsyncRange(uncheckedStart: 0, stop: stop, step: 1)
}

/// Returns the integers from `start` up to, but not including, `stop`, as an async sequence.
///
/// This is Python Mode's `arange(start, stop)`. A `stop` at or below `start` gives an empty sequence.
///
/// ```swift
/// let values = await arange(2, 5).collect()  // [2, 3, 4]
/// ```
///
/// - Parameters:
///   - start: The first value.
///   - stop: The end of the range; it is not included.
/// - Returns: The range `start, start + 1, …, stop - 1`.
public func arange(_ start: Int, _ stop: Int) -> AsyncRange {
    AsyncRange(uncheckedStart: start, stop: stop, step: 1)
}

/// Returns the integers from `start` towards `stop` in steps of `step`, as an async sequence.
///
/// This is Python Mode's `arange(start, stop, step)`, with the semantics of Python's `range`: a positive
/// step counts up while the value is below `stop`, a negative step counts down while it is above `stop`,
/// and `stop` itself is never produced. A range that cannot move towards `stop` (for example
/// `arange(5, 0, step: 1)`) is empty, not an error. Values near `Int.max` or `Int.min` do not overflow: the
/// range ends before it would.
///
/// ```swift
/// let evens = try await arange(0, 10, step: 2).collect()  // [0, 2, 4, 6, 8]
/// let down = try await arange(3, 0, step: -1).collect()   // [3, 2, 1]
/// ```
///
/// - Parameters:
///   - start: The first value.
///   - stop: The end of the range; it is not included.
///   - step: The distance between two values; negative to count down. Must not be zero.
/// - Returns: The range.
/// - Throws: ``AsyncSeqError`` with code `.zeroStep` when `step` is zero.
public func arange(_ start: Int, _ stop: Int, step: Int) throws -> AsyncRange {
    guard step != 0 else { throw AsyncSeqError.zeroStep(start: start, stop: stop) }
    return AsyncRange(uncheckedStart: start, stop: stop, step: step)
}

/// An async sequence of evenly spaced integers: Python Mode's `arange`.
///
/// Make one with ``arange(_:)``, ``arange(_:_:)`` or ``arange(_:_:step:)``. Each iteration starts over
/// from ``start`` (a new iterator per `for await` loop), as Python's async iterable does. The values come
/// from the standard library's `stride(from:to:by:)` made asynchronous with swift-async-algorithms'
/// `.async`; this type adds the argument check, ``count``, ``index(of:)`` and ``contains(value:)``, which
/// answer without iterating.
///
/// Iteration ends early, without an error, when the iterating task is cancelled (the behaviour of
/// swift-async-algorithms' `AsyncSyncSequence`).
///
/// ```swift
/// let range = try arange(10, 0, step: -3)  // 10, 7, 4, 1
/// range.count                              // 4
/// range.contains(value: 7)                 // true
/// range.index(of: 4)                       // 2
/// ```
///
/// `Sendable`: a range is a value; share it freely. Its iterator is not `Sendable`.
public struct AsyncRange: AsyncSequence, Sendable, Hashable, CustomStringConvertible {
    /// The type of the values.
    public typealias Element = Int

    /// Iterating a range never throws.
    public typealias Failure = Never

    /// The iterator: swift-async-algorithms' iterator over a synchronous stride.
    public typealias AsyncIterator = AsyncSyncSequence<StrideTo<Int>>.Iterator

    /// The first value (produced only if the range is not empty).
    public let start: Int

    /// The end of the range; never produced.
    public let stop: Int

    /// The distance between two values; never zero.
    public let step: Int

    init(uncheckedStart start: Int, stop: Int, step: Int) {
        self.start = start
        self.stop = stop
        self.step = step
    }

    /// The same values as a synchronous sequence.
    ///
    /// Use it where no `await` is wanted, for example `Array(range.values)`.
    public var values: StrideTo<Int> {
        stride(from: self.start, to: self.stop, by: self.step)
    }

    /// The number of values in the range, computed without iterating.
    ///
    /// A range longer than `Int.max` (possible only with `step` 1 or -1 across almost the whole `Int` span)
    /// reports `Int.max`.
    public var count: Int {
        Int(clamping: self.exactCount)
    }

    /// The number of values, which can exceed `Int.max` by a little.
    private var exactCount: Int128 {
        let distance = Int128(self.stop) - Int128(self.start)
        let step = Int128(self.step)
        guard distance != 0, (distance > 0) == (step > 0) else { return 0 }
        return Int128((distance.magnitude - 1) / step.magnitude + 1)
    }

    /// The position of `value` in the range, if the range produces it.
    private func exactIndex(of value: Int) -> Int128? {
        let offset = Int128(value) - Int128(self.start)
        let step = Int128(self.step)
        guard offset == 0 || (offset > 0) == (step > 0) else { return nil }
        guard offset % step == 0 else { return nil }
        let position = offset / step
        return position < self.exactCount ? position : nil
    }

    /// The zero-based position of `value` in the range, or `nil` if the range does not produce it.
    ///
    /// This is Python's `range.index(n)`, except that a missing value gives `nil` instead of an error.
    ///
    /// In a range longer than `Int.max`, a value whose position does not fit in an `Int` also gives `nil`;
    /// ``contains(value:)`` still answers for it.
    ///
    /// - Parameter value: The value to look for.
    /// - Returns: The number of values produced before `value`, or `nil`.
    public func index(of value: Int) -> Int? {
        self.exactIndex(of: value).flatMap { Int(exactly: $0) }
    }

    /// Whether the range produces `value`, answered without iterating.
    ///
    /// This is Python's `n in arange(...)`. It has a `value:` label so that it does not collide with
    /// `AsyncSequence.contains(_:)`, which iterates and must be awaited.
    ///
    /// - Parameter value: The value to look for.
    /// - Returns: `true` if iterating the range would produce `value`.
    public func contains(value: Int) -> Bool {
        self.exactIndex(of: value) != nil
    }

    /// Makes an iterator that starts from ``start``.
    ///
    /// - Returns: A new iterator.
    public func makeAsyncIterator() -> AsyncIterator {
        self.values.async.makeAsyncIterator()
    }

    /// The range as Mode spells it, for example `arange(0, 10, step: 2)`.
    public var description: String {
        "arange(\(self.start), \(self.stop), step: \(self.step))"
    }
}
