// Python Mode's `mode.utils.collections.Heap` is swift-collections' `Heap`; importing ModeCollections
// brings it in, so `import ModeCollections` is enough to use it.
@_exported public import HeapModule

extension Heap {
    /// Inserts `element`, then removes and returns the smallest element: Python's `heappushpop` (and
    /// `Heap.pushpop` in Python Mode).
    ///
    /// Faster than `insert(_:)` followed by `popMin()`: when `element` is not larger than the current
    /// minimum (or the heap is empty), it is returned at once and the heap is untouched; otherwise it
    /// replaces the minimum in one sift. Never traps, also on an empty heap.
    ///
    /// ```swift
    /// var heap: Heap = [3, 5, 8]
    /// heap.pushPopMin(1)  // 1, heap unchanged
    /// heap.pushPopMin(4)  // 3, heap is now [4, 5, 8]
    /// ```
    ///
    /// - Parameter element: The element to insert.
    /// - Returns: The smallest of `element` and the heap's elements, removed.
    /// - Complexity: O(log `count`) comparisons.
    @discardableResult
    public mutating func pushPopMin(_ element: Element) -> Element {
        guard let minimum = self.min, minimum < element else { return element }
        return self.replaceMin(with: element)
    }

    /// Inserts `element`, then removes and returns the largest element: the max-heap mirror of
    /// ``pushPopMin(_:)``.
    ///
    /// When `element` is not smaller than the current maximum (or the heap is empty), it is returned at once
    /// and the heap is untouched. Never traps, also on an empty heap.
    ///
    /// - Parameter element: The element to insert.
    /// - Returns: The largest of `element` and the heap's elements, removed.
    /// - Complexity: O(log `count`) comparisons.
    @discardableResult
    public mutating func pushPopMax(_ element: Element) -> Element {
        guard let maximum = self.max, element < maximum else { return element }
        return self.replaceMax(with: element)
    }

    /// Removes and returns the smallest element, then inserts `element`: Python's `heapreplace` (Python
    /// Mode's `Heap.replace`), but returns `nil` and inserts nothing on an empty heap where Python raises
    /// `IndexError` and swift-collections' `replaceMin(with:)` traps.
    ///
    /// Unlike ``pushPopMin(_:)`` the returned element may be larger than `element`.
    ///
    /// - Parameter element: The element to insert in place of the minimum.
    /// - Returns: The former minimum, or `nil` if the heap was empty (the heap is then left empty).
    /// - Complexity: O(log `count`) comparisons.
    @discardableResult
    public mutating func popMinAndInsert(_ element: Element) -> Element? {
        guard !self.isEmpty else { return nil }
        return self.replaceMin(with: element)
    }
}
