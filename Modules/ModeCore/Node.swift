import ModeConcurrencyHelpers
import Synchronization

/// See ``Node/treeGeneration``.
private let nodeTreeGeneration = Atomic<Int>(0)

/// The lock that guards the parent and child links of every ``Node``. The links live in the nodes and the
/// value is unused; it is an `Int` because a zero-sized value (`Locked(())`) puts its `inout` access at the
/// buffer's first byte, which ThreadSanitizer's Swift access checks then report as a race.
private let nodeLinks = Locked(0)

/// Runs `body` under the lock that guards the links of every node: for links of node values (a service
/// node's link to its service) that change with the tree. `body` must not call out.
func withNodeLinksLock<Result>(_ body: () -> Result) -> Result {
    nodeLinks.withLock { _ in body() }
}

/// A node of a tree with weak links upward and strong links downward: the beacon of the original.
///
/// Every service has a beacon node (`service.beacon`); adding a dependency attaches the child's node under the
/// parent's, so the tree of nodes mirrors the tree of services. Crashes walk it upward, logs take their depth
/// from it, and tools print its ``path``. The parent and root links are weak, so a tree never keeps itself
/// alive.
///
/// ```swift
/// let root = Node("app")
/// let web = root.new("web")
/// let cache = web.new("cache")
/// cache.depth  // 3
/// cache.path   // "app/web/cache"
/// ```
///
/// Safe to use from any task: the links of every node are guarded by one process-wide lock.
// One lock for all nodes instead of one per node: a node costs one allocation, not two, and a move or a walk
// up the tree takes the lock once instead of once per node it touches. Each critical section is a few pointer
// reads or writes.
// SAFETY: `parentLink` and `childLinks` are only read or written inside `nodeLinks.withLock` (one pthread-backed
// `Locked` for the links of every node); `value` is immutable.
public final class Node<Value: Sendable>: @unchecked Sendable, CustomStringConvertible {
    /// The node this one is attached under: weak, so that a tree never keeps itself alive.
    private weak var parentLink: Node<Value>?
    /// The nodes attached under this one, in the order they were attached.
    private var childLinks: [Node<Value>] = []

    /// What this node stands for.
    public let value: Value

    /// Creates a node with no parent.
    public init(_ value: Value) {
        self.value = value
    }

    /// The node this one is attached under, if any.
    public var parent: Node<Value>? { nodeLinks.withLock { _ in self.parentLink } }

    /// The nodes attached under this one, in the order they were attached.
    public var children: [Node<Value>] { nodeLinks.withLock { _ in self.childLinks } }

    /// The top of this node's tree (the node itself when it has no parent).
    public var root: Node<Value> {
        nodeLinks.withLock { _ in
            var node = self
            while let parent = node.parentLink { node = parent }
            return node
        }
    }

    /// The number of nodes from this one up to the root, both included: a root has depth 1.
    public var depth: Int {
        nodeLinks.withLock { _ in
            var depth = 1
            var node = self
            while let parent = node.parentLink {
                depth += 1
                node = parent
            }
            return depth
        }
    }

    /// This node, its parent, and so on up to the root.
    public func walk() -> [Node<Value>] {
        nodeLinks.withLock { _ in
            var nodes = [self]
            while let parent = nodes[nodes.count - 1].parentLink { nodes.append(parent) }
            return nodes
        }
    }

    /// Every node of the subtree under this one, this one first, in breadth-first order.
    public func traverse() -> [Node<Value>] {
        nodeLinks.withLock { _ in
            var result = [self]
            var index = 0
            while index < result.count {
                result.append(contentsOf: result[index].childLinks)
                index += 1
            }
            return result
        }
    }

    /// The values from the root down to this node, joined by `/`.
    public var path: String {
        self.walk().reversed().map { String(describing: $0.value) }.joined(separator: "/")
    }

    /// Creates a node for `value` and attaches it under this one.
    /// Grows whenever a node of any tree gains, loses or changes its parent, so that values derived from a
    /// node's position (a service logger's depth) know when to be made again.
    static var treeGeneration: Int { nodeTreeGeneration.load(ordering: .acquiring) }

    private static func treeDidChange() {
        nodeTreeGeneration.add(1, ordering: .releasing)
    }

    @discardableResult
    public func new(_ value: Value) -> Node<Value> {
        let child = Node(value)
        nodeLinks.withLock { _ in
            child.parentLink = self
            self.childLinks.append(child)
        }
        return child
    }

    /// Moves this node under `parent`, detaching it from its current parent first.
    ///
    /// Attaching a node under itself or under one of its own descendants would make a loop; that is refused.
    ///
    /// - Throws: ``ServiceError`` `.dependencyCycle` when `parent` is this node or below it.
    public func reattach(to parent: Node<Value>) throws {
        _ = try self.move(to: parent)
    }

    /// Moves this node under `parent` and returns its previous parent (`parent` itself when it was there
    /// already, and then nothing changes).
    ///
    /// A node is in its parent's `children` exactly when its `parent` link points there. The whole move (the
    /// loop check, the old parent's list, the link and the new parent's list) is one step under the links'
    /// lock, so no other move can interleave with it. A node without children can only loop onto itself, so
    /// the walk up from `parent` is needed only for a node that has some.
    @discardableResult
    func move(to parent: Node<Value>) throws(ServiceError) -> Node<Value>? {
        let previous: Node<Value>?? = nodeLinks.withLock { _ in
            let previous = self.parentLink
            if previous === parent { return .some(parent) }
            if parent === self { return .none }
            if !self.childLinks.isEmpty {
                var ancestor: Node<Value>? = parent
                while let node = ancestor, node !== self { ancestor = node.parentLink }
                if ancestor != nil { return .none }
            }
            previous?.childLinks.removeAll { $0 === self }
            self.parentLink = parent
            parent.childLinks.append(self)
            return .some(previous)
        }
        guard let previous else {
            throw ServiceError.dependencyCycle(String(describing: self.value), String(describing: parent.value))
        }
        if previous !== parent { Self.treeDidChange() }
        return previous
    }

    /// Detaches this node from its parent; it becomes the root of its own subtree.
    public func detach() {
        let detached = nodeLinks.withLock { _ -> Bool in
            guard let parent = self.parentLink else { return false }
            parent.childLinks.removeAll { $0 === self }
            self.parentLink = nil
            return true
        }
        if detached { Self.treeDidChange() }
    }

    /// `Node: <path>`, as the original prints it.
    public var description: String { "Node: \(self.path)" }
}
