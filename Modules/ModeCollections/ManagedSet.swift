/// A set that calls your hooks before every mutation: Python Mode's `ManagedUserSet`.
///
/// Give it ``Hooks`` when you make it; each hook is optional and typed with the set's `Element`. A hook
/// runs **before** the change it announces, synchronously, on the task that makes the change:
///
/// | operation | hook |
/// |---|---|
/// | ``insert(_:)`` | ``Hooks/onAdd``, only if the element is new |
/// | ``remove(_:)`` | ``Hooks/onDiscard``, only if the element is present |
/// | ``popFirst()`` | ``Hooks/onDiscard`` with the element about to be removed |
/// | ``removeAll()`` | ``Hooks/onClear``, also when already empty |
/// | ``formUnion(_:)`` | ``Hooks/onChange``: added = other − self |
/// | ``formIntersection(_:)`` | ``Hooks/onChange``: removed = self − other |
/// | ``subtract(_:)`` | ``Hooks/onChange``: removed = self ∩ other |
/// | ``formSymmetricDifference(_:)`` | ``Hooks/onChange``: added = other − self, removed = self ∩ other |
/// | ``rawUpdate(_:)`` | none: the escape hatch for bulk loads |
///
/// A bulk operation calls ``Hooks/onChange`` exactly once, even when nothing changes (both sets empty),
/// as Python Mode does. Reading (``contains(_:)``, ``count``, iteration) calls no hook.
///
/// ```swift
/// var members = ManagedSet<String>(hooks: .init(
///     onAdd: { name in print("joined:", name) },
///     onDiscard: { name in print("left:", name) }
/// ))
/// members.insert("ada")   // prints "joined: ada"
/// members.insert("ada")   // already there: no hook
/// members.remove("ada")   // prints "left: ada"
/// ```
///
/// Python Mode's `remove()` skips `on_discard` (only `discard()` calls it); here the one removal path,
/// ``remove(_:)``, always calls it. Python's `pop()` calls `on_discard` after popping; ``popFirst()`` calls
/// it before, like every other hook.
///
/// It is a value type: a copy has its own contents and the same hooks. Equality compares contents only.
/// `Sendable` when `Element` is: hooks are `@Sendable` closures. One instance must not be mutated from two
/// tasks at once.
public struct ManagedSet<Element: Hashable> {
    /// The hooks a ``ManagedSet`` calls; every one is optional.
    ///
    /// `Sendable`: every hook is a `@Sendable` closure.
    public struct Hooks: Sendable {
        /// Called before a new element is inserted (Python's `on_add`).
        public var onAdd: (@Sendable (Element) -> Void)?

        /// Called before a present element is removed (Python's `on_discard`).
        public var onDiscard: (@Sendable (Element) -> Void)?

        /// Called before ``ManagedSet/removeAll()`` empties the set (Python's `on_clear`).
        public var onClear: (@Sendable () -> Void)?

        /// Called once before a bulk operation with the elements it will add and remove (Python's
        /// `on_change`).
        public var onChange: (@Sendable (_ added: Set<Element>, _ removed: Set<Element>) -> Void)?

        /// Creates hooks; leave out the ones you do not need.
        ///
        /// - Parameters:
        ///   - onAdd: Called before a new element is inserted.
        ///   - onDiscard: Called before a present element is removed.
        ///   - onClear: Called before the set is emptied.
        ///   - onChange: Called before a bulk operation with what it adds and removes.
        public init(
            onAdd: (@Sendable (Element) -> Void)? = nil,
            onDiscard: (@Sendable (Element) -> Void)? = nil,
            onClear: (@Sendable () -> Void)? = nil,
            onChange: (@Sendable (_ added: Set<Element>, _ removed: Set<Element>) -> Void)? = nil
        ) {
            self.onAdd = onAdd
            self.onDiscard = onDiscard
            self.onClear = onClear
            self.onChange = onChange
        }
    }

    /// The contents, read without calling a hook (Python's `.data`).
    public private(set) var elements: Set<Element>

    /// The hooks called by later operations; replace them at any time.
    public var hooks: Hooks

    /// Creates a managed set holding `elements`; filling it calls no hook.
    ///
    /// - Parameters:
    ///   - elements: The starting contents.
    ///   - hooks: The hooks to call from now on.
    public init(_ elements: Set<Element> = [], hooks: Hooks = Hooks()) {
        self.elements = elements
        self.hooks = hooks
    }

    /// The number of elements; calls no hook.
    public var count: Int { self.elements.count }

    /// Whether the set is empty; calls no hook.
    public var isEmpty: Bool { self.elements.isEmpty }

    /// Whether `member` is in the set; calls no hook.
    ///
    /// - Parameter member: The element to look for.
    /// - Returns: `true` if the set holds `member`.
    public func contains(_ member: Element) -> Bool {
        self.elements.contains(member)
    }

    /// Inserts `newMember`, calling ``Hooks/onAdd`` first if it is not already present (Python's `add`).
    ///
    /// - Parameter newMember: The element to insert.
    /// - Returns: Whether it was inserted, and the member now in the set (the old one if it was present).
    @discardableResult
    public mutating func insert(_ newMember: Element) -> (inserted: Bool, memberAfterInsert: Element) {
        if let index = self.elements.firstIndex(of: newMember) {
            return (false, self.elements[index])
        }
        self.hooks.onAdd?(newMember)
        return self.elements.insert(newMember)
    }

    /// Removes `member`, calling ``Hooks/onDiscard`` first if it is present (Python's `discard` and
    /// `remove`).
    ///
    /// - Parameter member: The element to remove.
    /// - Returns: The removed element, or `nil` if it was not present.
    @discardableResult
    public mutating func remove(_ member: Element) -> Element? {
        guard let index = self.elements.firstIndex(of: member) else { return nil }
        self.hooks.onDiscard?(self.elements[index])
        return self.elements.remove(at: index)
    }

    /// Removes and returns some element, calling ``Hooks/onDiscard`` with it first (Python's `pop`).
    ///
    /// - Returns: The removed element, or `nil` if the set is empty (Python raises `KeyError`).
    public mutating func popFirst() -> Element? {
        guard let first = self.elements.first else { return nil }
        self.hooks.onDiscard?(first)
        return self.elements.removeFirst()
    }

    /// Removes every element after calling ``Hooks/onClear``, even if the set is already empty.
    public mutating func removeAll() {
        self.hooks.onClear?()
        self.elements.removeAll()
    }

    /// Adds the elements of `other`, calling ``Hooks/onChange`` first with added = other − self (Python's
    /// `update` and `|=`).
    ///
    /// - Parameter other: The elements to add.
    public mutating func formUnion(_ other: some Sequence<Element>) {
        let other = Set(other)
        self.hooks.onChange?(other.subtracting(self.elements), [])
        self.elements.formUnion(other)
    }

    /// Keeps only the elements also in `other`, calling ``Hooks/onChange`` first with removed = self − other
    /// (Python's `intersection_update` and `&=`).
    ///
    /// - Parameter other: The elements to keep.
    public mutating func formIntersection(_ other: some Sequence<Element>) {
        let other = Set(other)
        self.hooks.onChange?([], self.elements.subtracting(other))
        self.elements.formIntersection(other)
    }

    /// Removes the elements of `other`, calling ``Hooks/onChange`` first with removed = self ∩ other
    /// (Python's `difference_update` and `-=`).
    ///
    /// - Parameter other: The elements to remove.
    public mutating func subtract(_ other: some Sequence<Element>) {
        let other = Set(other)
        self.hooks.onChange?([], self.elements.intersection(other))
        self.elements.subtract(other)
    }

    /// Keeps the elements in exactly one of the two sets, calling ``Hooks/onChange`` first with
    /// added = other − self and removed = self ∩ other (Python's `symmetric_difference_update` and `^=`).
    ///
    /// - Parameter other: The elements to toggle.
    public mutating func formSymmetricDifference(_ other: some Sequence<Element>) {
        let other = Set(other)
        self.hooks.onChange?(other.subtracting(self.elements), self.elements.intersection(other))
        self.elements.formSymmetricDifference(other)
    }

    /// Adds the elements of `other` without calling any hook (Python's `raw_update`).
    ///
    /// - Parameter other: The elements to add.
    public mutating func rawUpdate(_ other: some Sequence<Element>) {
        self.elements.formUnion(other)
    }
}

extension ManagedSet: Sequence {
    /// Iterates the elements in the set's unspecified order, calling no hook.
    ///
    /// - Returns: The underlying set's iterator.
    public func makeIterator() -> Set<Element>.Iterator {
        self.elements.makeIterator()
    }

    /// The number of elements.
    public var underestimatedCount: Int { self.elements.count }
}

extension ManagedSet: ExpressibleByArrayLiteral {
    /// Creates a managed set with no hooks from a literal.
    ///
    /// - Parameter elements: The elements; duplicates collapse.
    public init(arrayLiteral elements: Element...) {
        self.init(Set(elements))
    }
}

extension ManagedSet: Equatable {
    /// Compares contents only; hooks are not compared.
    public static func == (lhs: Self, rhs: Self) -> Bool {
        lhs.elements == rhs.elements
    }
}

extension ManagedSet: CustomStringConvertible {
    /// The contents, written like a set.
    public var description: String {
        self.elements.description
    }
}

extension ManagedSet: Sendable where Element: Sendable {}
