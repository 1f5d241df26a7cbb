extension Node where Value == ServiceNode {
    /// The service tree under this node in Graphviz's DOT language, in the original's style: boxes on mint
    /// cream, services with children in `palegreen3`, leaf services in the lighter `palegreen1`.
    ///
    /// Each service is labelled with its short label; when two services share a label, the later ones get
    /// `#2`, `#3`, … so each service keeps its own box (the original merges them). The graph's `root` is this
    /// node's label.
    ///
    /// - Parameter formatter: The style; the original's by default. Its `root` is set to this node's label
    ///   when it has none.
    public func dot(formatter: GraphFormatter = GraphFormatter()) -> String {
        let graph = self.nodeGraph(includingLeaves: true)
        let names = Self.uniqueNames(graph)
        var formatter = formatter
        if formatter.root == nil { formatter.root = names[self] ?? self.value.label }
        return graph.dot(formatter: formatter) { names[$0] ?? $0.value.label }
    }

    /// The service tree under this node as a Mermaid flowchart, in the colours of ``dot(formatter:)``.
    ///
    /// - Parameter direction: Mermaid's direction: `TD` (the default), `LR`, `BT` or `RL`.
    public func mermaid(direction: String = "TD") -> String {
        let graph = self.nodeGraph(includingLeaves: true)
        let names = Self.uniqueNames(graph)
        return graph.mermaid(direction: direction) { names[$0] ?? $0.value.label }
    }

    /// A name per node: its label, with `#2`, `#3`, … for later nodes with the same label.
    private static func uniqueNames(_ graph: DependencyGraph<Node<ServiceNode>>) -> [Node<ServiceNode>: String] {
        var names: [Node<ServiceNode>: String] = [:]
        var counts: [String: Int] = [:]
        var taken: Set<String> = []
        for node in graph.keys {
            let label = node.value.label
            var name = label
            while !taken.insert(name).inserted {
                let next = (counts[label] ?? 1) + 1
                counts[label] = next
                name = "\(label)#\(next)"
            }
            names[node] = name
        }
        return names
    }
}

extension Service {
    /// The graph of the service tree under this service: each service's beacon node with an edge to each of
    /// its children's, breadth first; leaves are keys of their own (drawn as terminal nodes).
    ///
    /// To draw the whole program from any service, start at the top: `service.beacon.root.dot()`.
    public func dependencyGraph() -> DependencyGraph<Node<ServiceNode>> {
        self.beacon.nodeGraph(includingLeaves: true)
    }

    /// The service tree under this service in Graphviz's DOT language, in the original's style (see
    /// `Node.dot(formatter:)`).
    ///
    /// ```swift
    /// print(app.dot())  // save it as app.dot, then: dot -Tpng app.dot -o app.png
    /// ```
    public func dot(formatter: GraphFormatter = GraphFormatter()) -> String {
        self.beacon.dot(formatter: formatter)
    }

    /// The service tree under this service as a Mermaid flowchart.
    public func mermaid(direction: String = "TD") -> String {
        self.beacon.mermaid(direction: direction)
    }
}
