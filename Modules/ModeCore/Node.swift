import ModeConcurrencyHelpers
import Synchronization

/// See ``Node/treeGeneration``.
private let nodeTreeGeneration = Atomic<Int>(0)

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
    /// Grows whenever a node of any tree gains, loses or changes its parent, so that values derived from a
    /// node's position (a service logger's depth) know when to be made again.
    static var treeGeneration: Int { nodeTreeGeneration.load(ordering: .acquiring) }

    private static func treeDidChange() {
        nodeTreeGeneration.add(1, ordering: .releasing)
    }

    @discardableResult
    public func new(_ value: Value) -> Node<Value> {
        let child = Node(value)
        child.links.withLock { $0.parent = self }
        self.links.withLock { $0.children.append(child) }
        return child
    }

    private enum MoveStep {
        case moved(from: Node<Value>?)
        case checkAncestors
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
    /// A node is in its parent's `children` exactly when its `parent` link points there, so a move touches
    /// the old parent's list, its own link and the new parent's list once each. A node without children can
    /// only loop onto itself, so the walk up from `parent` is needed only for a node that has some.
    @discardableResult
    func move(to parent: Node<Value>) throws -> Node<Value>? {
        let step: MoveStep = self.links.withLock { links in
            if links.parent === parent { return .moved(from: parent) }
            guard links.children.isEmpty, parent !== self else { return .checkAncestors }
            defer { links.parent = parent }
            return .moved(from: links.parent)
        }
        let previous: Node<Value>?
        switch step {
        case .moved(let from):
            if from === parent { return parent }
            previous = from
        case .checkAncestors:
            var ancestor: Node<Value>? = parent
            while let node = ancestor, node !== self { ancestor = node.parent }
            if ancestor != nil {
                throw ServiceError.dependencyCycle(String(describing: self.value), String(describing: parent.value))
            }
            previous = self.links.withLock { links in
                defer { links.parent = parent }
                return links.parent
            }
        }
        previous?.links.withLock { $0.children.removeAll { $0 === self } }
        parent.links.withLock { $0.children.append(self) }
        Self.treeDidChange()
        return previous
    }

    /// Detaches this node from its parent; it becomes the root of its own subtree.
    public func detach() {
        guard let parent = self.links.withLock({ links -> Node<Value>? in
            defer { links.parent = nil }
            return links.parent
        }) else { return }
        parent.links.withLock { $0.children.removeAll { $0 === self } }
        Self.treeDidChange()
    }

    /// `Node: <path>`, as the original prints it.
    public var description: String { "Node: \(self.path)" }
}
