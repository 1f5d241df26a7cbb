/// How ``DependencyGraph/dot(formatter:label:)`` draws a graph: the original's `GraphFormatter`, with its style.
///
/// The defaults reproduce the original's output byte for byte: boxes on a mint-cream background, nodes with
/// dependencies in `palegreen3`, terminal nodes (nothing below them) in the lighter `palegreen1`, and
/// dark-sea-green edges with small `vee` arrowheads. Each scheme is an ordered list of DOT attributes; later
/// entries replace earlier ones with the same name, keeping their position, as Python's dict merge does.
///
/// ```swift
/// var formatter = GraphFormatter(root: "App")
/// formatter.graphScheme.append(("rankdir", "LR"))
/// print(graph.dot(formatter: formatter))
/// ```
public struct GraphFormatter: Sendable {
    /// A directed graph (`digraph`, edges `->`) or an undirected one (`graph`, edges `--`).
    public struct Kind: Hashable, Sendable, CustomStringConvertible {
        private let keyword: String

        /// `digraph`: edges read `"A" -> "B"`.
        public static let digraph = Kind(keyword: "digraph")
        /// `graph`: edges read `"A" -- "B"`.
        public static let graph = Kind(keyword: "graph")

        /// The DOT keyword.
        public var description: String { self.keyword }

        var edgeOperator: String { self.keyword == "graph" ? "--" : "->" }
    }

    /// A DOT attribute: a name and its value (always written quoted).
    public typealias Attribute = (name: String, value: String)

    /// `digraph` (default) or `graph`.
    public var kind: Kind
    /// The graph's id, `dependencies` by default.
    public var id: String
    /// The label of the root object, written as the graph's `root` attribute (`"NoneType"` when `nil`, as the
    /// original writes it).
    public var root: String?
    /// How many indent units the whole graph is indented by.
    public var indent: Int
    /// One indent unit, four spaces by default.
    public var indentUnit: String
    /// Attributes written on every line: graph, nodes and edges.
    public var scheme: [Attribute]
    /// Attributes of the graph line.
    public var graphScheme: [Attribute]
    /// Attributes of a node that depends on something.
    public var nodeScheme: [Attribute]
    /// Attributes of a terminal node (one that depends on nothing): lighter by default.
    public var terminalScheme: [Attribute]
    /// Attributes of an edge.
    public var edgeScheme: [Attribute]

    /// Creates a formatter with the original's style.
    ///
    /// - Parameters:
    ///   - root: The label of the root object, for the graph's `root` attribute.
    ///   - kind: `.digraph` or `.graph`.
    ///   - id: The graph's id.
    ///   - indent: How many indent units to indent the whole graph by.
    ///   - indentUnit: One indent unit.
    public init(
        root: String? = nil,
        kind: Kind = .digraph,
        id: String = "dependencies",
        indent: Int = 0,
        indentUnit: String = "    "
    ) {
        self.root = root
        self.kind = kind
        self.id = id
        self.indent = Swift.max(indent, 0)
        self.indentUnit = indentUnit
        self.scheme = [("shape", "box"), ("arrowhead", "vee"), ("style", "filled"), ("fontname", "HelveticaNeue")]
        self.graphScheme = [("bgcolor", "mintcream")]
        self.nodeScheme = [("fillcolor", "palegreen3"), ("color", "palegreen4")]
        self.terminalScheme = [("fillcolor", "palegreen1"), ("color", "palegreen2")]
        self.edgeScheme = [("color", "darkseagreen4"), ("arrowcolor", "black"), ("arrowsize", "0.7")]
    }

    private var outer: String { String(repeating: self.indentUnit, count: Swift.max(self.indent, 0)) }
    private var inner: String { self.outer + self.indentUnit }

    /// The opening lines: `digraph dependencies {` and the graph attributes (indented by two units, as in
    /// the original).
    public func head() -> String {
        let graph = self.graphScheme + [("root", self.root ?? "NoneType")]
        return "\(self.outer)\(self.kind) \(self.id) {\n\(self.indentUnit)\(self.inner)graph [\(self.attributes(graph))]"
    }

    /// The closing brace.
    public func tail() -> String { "\(self.outer)}" }

    /// The line of a node that depends on something.
    public func node(_ label: String, _ attributes: [Attribute] = []) -> String {
        "\(self.inner)\(Self.quoted(label)) [\(self.attributes(self.nodeScheme + attributes))]"
    }

    /// The line of a terminal node.
    public func terminalNode(_ label: String, _ attributes: [Attribute] = []) -> String {
        "\(self.inner)\(Self.quoted(label)) [\(self.attributes(self.terminalScheme + attributes))]"
    }

    /// The line of an edge from `from` to `to`.
    public func edge(_ from: String, _ to: String, _ attributes: [Attribute] = []) -> String {
        let op = self.kind.edgeOperator
        return "\(self.inner)\(Self.quoted(from)) \(op) \(Self.quoted(to)) [\(self.attributes(self.edgeScheme + attributes))]"
    }

    /// The global scheme merged with `element`, rendered `name="value"` and joined by `, `.
    func attributes(_ element: [Attribute]) -> String {
        var merged: [Attribute] = []
        for attribute in self.scheme + element {
            if let index = merged.firstIndex(where: { $0.name == attribute.name }) {
                merged[index].value = attribute.value
            } else {
                merged.append(attribute)
            }
        }
        return merged.map { "\($0.name)=\(Self.quoted($0.value))" }.joined(separator: ", ")
    }

    /// `text` in double quotes, with `"` and `\` escaped (the original does not escape; plain labels read
    /// the same).
    static func quoted(_ text: String) -> String {
        var result = "\""
        for character in text {
            if character == "\"" || character == "\\" { result.append("\\") }
            result.append(character)
        }
        result.append("\"")
        return result
    }
}

extension DependencyGraph {
    /// The graph in Graphviz's DOT language, as the original's `to_dot` writes it: a terminal-node line for
    /// each key that depends on nothing; for each dependency of a key, the key's node line (the first time
    /// its label is seen) and the edge line. Objects with the same label are drawn as one node, as in the
    /// original. Every line ends with a newline.
    ///
    /// ```swift
    /// let graph: DependencyGraph = ["Root": ["C"]]
    /// print(graph.dot())
    /// // digraph dependencies {
    /// //         graph [shape="box", arrowhead="vee", style="filled", fontname="HelveticaNeue", bgcolor="mintcream", root="NoneType"]
    /// //     "Root" [shape="box", ..., fillcolor="palegreen3", color="palegreen4"]
    /// //     "Root" -> "C" [shape="box", ..., color="darkseagreen4", arrowcolor="black", arrowsize="0.7"]
    /// // }
    /// ```
    ///
    /// Render it with `dot -Tpng graph.dot -o graph.png`.
    ///
    /// - Parameters:
    ///   - formatter: The style; the original's by default.
    ///   - label: The name of an object in the drawing; its description by default.
    public func dot(
        formatter: GraphFormatter = GraphFormatter(),
        label: (Element) -> String = { String(describing: $0) }
    ) -> String {
        var lines = [formatter.head()]
        var seen: Set<String> = []
        for (element, dependencies) in self.items {
            let name = label(element)
            if dependencies.isEmpty, seen.insert(name).inserted {
                lines.append(formatter.terminalNode(name))
            }
            for dependency in dependencies {
                if seen.insert(name).inserted { lines.append(formatter.node(name)) }
                lines.append(formatter.edge(name, label(dependency)))
            }
        }
        lines.append(formatter.tail())
        return lines.joined(separator: "\n") + "\n"
    }
}
