extension Node: Hashable {
    /// Nodes are equal when they are the same node.
    public static func == (lhs: Node<Value>, rhs: Node<Value>) -> Bool { lhs === rhs }

    /// Hashes the node's identity.
    public func hash(into hasher: inout Hasher) { hasher.combine(ObjectIdentifier(self)) }
}

extension Node {
    /// The tree under this node as a graph of its nodes: the original's `as_graph()`, over nodes instead of
    /// their values (so two nodes with equal values stay apart).
    ///
    /// Breadth first: each node with children becomes a key with an edge to each child, in order. A leaf
    /// becomes a key of its own (with no edges) only with `includingLeaves`; the original leaves it out, so it
    /// appears only as an edge target, while a key with no edges is drawn lighter, as a terminal node.
    public func nodeGraph(includingLeaves: Bool = false) -> DependencyGraph<Node<Value>> {
        var graph = DependencyGraph<Node<Value>>()
        for node in self.traverse() {
            let children = node.children
            if children.isEmpty {
                if includingLeaves { graph.addArc(node) }
                continue
            }
            graph.addArc(node)
            for child in children { graph.addEdge(node, child) }
        }
        return graph
    }
}

extension Node where Value: Hashable {
    /// The tree under this node as a graph of its values: the original's `as_graph()`.
    ///
    /// Breadth first: each node with children becomes a key with an edge from its value to each child's
    /// value. Leaves get no key of their own (they appear only as edge targets) unless `includingLeaves`.
    ///
    /// ```swift
    /// let root = Node(303)
    /// root.new(808).new(909)
    /// print(root.dependencyGraph())
    /// // 303(2)
    /// //      808(1)
    /// //           909(0)
    /// // 808(1)
    /// //      909(0)
    /// ```
    public func dependencyGraph(includingLeaves: Bool = false) -> DependencyGraph<Value> {
        var graph = DependencyGraph<Value>()
        for node in self.traverse() {
            let children = node.children
            if children.isEmpty {
                if includingLeaves { graph.addArc(node.value) }
                continue
            }
            graph.addArc(node.value)
            for child in children { graph.addEdge(node.value, child.value) }
        }
        return graph
    }
}
