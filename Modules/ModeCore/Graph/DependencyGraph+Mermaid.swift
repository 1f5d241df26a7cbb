extension DependencyGraph {
    /// The graph as a Mermaid flowchart (GitHub and many wikis render it in a fenced `mermaid` block), in the
    /// colours of ``dot(formatter:label:)``: objects that depend on something in `palegreen3`, terminal ones
    /// in the lighter `palegreen1`.
    ///
    /// Each distinct object gets its own box (ids `n0`, `n1`, … in order of appearance), so two objects with
    /// the same label stay two boxes. Edges point from an object to what it depends on.
    ///
    /// ```swift
    /// let graph: DependencyGraph = ["App": ["Web"]]
    /// print(graph.mermaid())
    /// // flowchart TD
    /// //     n0["App"]
    /// //     n1["Web"]
    /// //     n0 --> n1
    /// //     ...
    /// ```
    ///
    /// - Parameters:
    ///   - direction: Mermaid's direction: `TD` (top down, the default), `LR`, `BT` or `RL`.
    ///   - label: The text of an object's box; its description by default.
    public func mermaid(direction: String = "TD", label: (Element) -> String = { String(describing: $0) }) -> String {
        var ids: [Element: String] = [:]
        var order: [Element] = []
        func id(_ element: Element) -> String {
            if let id = ids[element] { return id }
            let id = "n\(order.count)"
            ids[element] = id
            order.append(element)
            return id
        }
        var edgeLines: [String] = []
        for (element, dependencies) in self.items {
            let from = id(element)
            for dependency in dependencies { edgeLines.append("    \(from) --> \(id(dependency))") }
        }
        var lines = ["flowchart \(direction)"]
        for element in order {
            lines.append("    \(ids[element] ?? "")[\"\(Self.mermaidEscaped(label(element)))\"]")
        }
        lines += edgeLines
        lines.append("    classDef dependent fill:#7CCD7C,stroke:#548B54,color:#000000")
        lines.append("    classDef terminal fill:#9AFF9A,stroke:#90EE90,color:#000000")
        let dependent = order.filter { !(self[$0]?.isEmpty ?? true) }.compactMap { ids[$0] }
        let terminal = order.filter { self[$0]?.isEmpty ?? true }.compactMap { ids[$0] }
        if !dependent.isEmpty { lines.append("    class \(dependent.joined(separator: ",")) dependent") }
        if !terminal.isEmpty { lines.append("    class \(terminal.joined(separator: ",")) terminal") }
        if !edgeLines.isEmpty { lines.append("    linkStyle default stroke:#698B69") }
        return lines.joined(separator: "\n") + "\n"
    }

    private static func mermaidEscaped(_ text: String) -> String {
        var result = ""
        for character in text {
            switch character {
            case "\"": result += "#quot;"
            case "<": result += "#lt;"
            case ">": result += "#gt;"
            default: result.append(character)
            }
        }
        return result
    }
}
