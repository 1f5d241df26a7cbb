import ModeConcurrencyHelpers

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
/// Safe to use from any task: the links are guarded by a `Mutex`.
public final class Node<Value: Sendable>: Sendable, CustomStringConvertible {
    private struct Links {
        weak var parent: Node<Value>?
        var children: [Node<Value>] = []
    }

    /// What this node stands for.
    public let value: Value
    private let links = Locked(Links())

    /// Creates a node with no parent.
    public init(_ value: Value) {
        self.value = value
    }

    /// The node this one is attached under, if any.
    public var parent: Node<Value>? { self.links.withLock { $0.parent } }

    /// The nodes attached under this one, in the order they were attached.
    public var children: [Node<Value>] { self.links.withLock { $0.children } }

    /// The top of this node's tree (the node itself when it has no parent).
    public var root: Node<Value> {
        var node = self
        while let parent = node.parent { node = parent }
        return node
    }

    /// The number of nodes from this one up to the root, both included: a root has depth 1.
    public var depth: Int {
        var depth = 1
        var node = self
        while let parent = node.parent {
            depth += 1
            node = parent
        }
        return depth
    }

    /// This node, its parent, and so on up to the root.
    public func walk() -> [Node<Value>] {
        var nodes = [self]
        while let parent = nodes[nodes.count - 1].parent { nodes.append(parent) }
        return nodes
    }

    /// Every node of the subtree under this one, this one first, in breadth-first order.
    public func traverse() -> [Node<Value>] {
        var result = [self]
        var index = 0
        while index < result.count {
            result.append(contentsOf: result[index].children)
            index += 1
        }
        return result
    }

    /// The values from the root down to this node, joined by `/`.
    public var path: String {
        self.walk().reversed().map { String(describing: $0.value) }.joined(separator: "/")
    }

    /// Creates a node for `value` and attaches it under this one.
    @discardableResult
    public func new(_ value: Value) -> Node<Value> {
        let child = Node(value)
        child.links.withLock { $0.parent = self }
        self.links.withLock { $0.children.append(child) }
        return child
    }

    /// Moves this node under `parent`, detaching it from its current parent first.
    ///
    /// Attaching a node under itself or under one of its own descendants would make a loop; that is refused.
    ///
    /// - Throws: ``ServiceError/Code-swift.struct/dependencyCycle`` when `parent` is this node or below it.
    public func reattach(to parent: Node<Value>) throws {
        if parent.walk().contains(where: { $0 === self }) {
            throw ServiceError.dependencyCycle(String(describing: self.value), String(describing: parent.value))
        }
        self.detach()
        self.links.withLock { $0.parent = parent }
        parent.links.withLock { links in
            if !links.children.contains(where: { $0 === self }) { links.children.append(self) }
        }
    }

    /// Detaches this node from its parent; it becomes the root of its own subtree.
    public func detach() {
        guard let parent = self.links.withLock({ links -> Node<Value>? in
            defer { links.parent = nil }
            return links.parent
        }) else { return }
        parent.links.withLock { $0.children.removeAll { $0 === self } }
    }

    /// `Node: <path>`, as the original prints it.
    public var description: String { "Node: \(self.path)" }
}
