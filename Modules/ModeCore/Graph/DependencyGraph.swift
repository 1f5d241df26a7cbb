/// A directed graph of objects and what each depends on, in insertion order: the original's
/// `mode.utils.graphs.DependencyGraph`.
///
/// Every object added with ``addArc(_:)`` (or as the source of an edge) is a key of the graph; its
/// *adjacency* is the list of objects it depends on, in the order the edges were added. Keys keep the order
/// they were first added in, like a Python dict, so printing and DOT output are stable.
///
/// ```swift
/// var graph = DependencyGraph<String>()
/// graph.addEdge("app", "web")    // app depends on web
/// graph.addEdge("web", "cache")
/// graph.addArc("cache")
/// try graph.topologicalSort()    // ["cache", "web", "app"]
/// print(graph)
/// // app(2)
/// //      web(1)
/// //           cache(0)
/// // web(1)
/// //      cache(0)
/// // cache(0)
/// ```
///
/// A value type: copy it, send it, compare it.
public struct DependencyGraph<Element: Hashable> {
    private var order: [Element] = []
    private var adjacency: [Element: [Element]] = [:]

    /// Creates an empty graph.
    public init() {}

    /// Creates a graph from `(object, dependencies)` pairs, as ``update(_:)`` adds them.
    public init(_ pairs: some Sequence<(Element, [Element])>) {
        self.update(pairs)
    }

    /// The objects that are keys of the graph, in the order they were added.
    public var keys: [Element] { self.order }

    /// The number of keys.
    public var count: Int { self.order.count }

    /// Whether the graph has no keys.
    public var isEmpty: Bool { self.order.isEmpty }

    /// Whether `element` is a key of the graph (an object that is only depended on is not).
    public func contains(_ element: Element) -> Bool {
        self.adjacency[element] != nil
    }

    /// What `element` depends on, in the order the edges were added; `nil` when it is not a key.
    public subscript(element: Element) -> [Element]? {
        self.adjacency[element]
    }

    /// Every key with its dependencies, in key order: Python's `items()`.
    public var items: [(element: Element, dependencies: [Element])] {
        self.order.map { ($0, self.adjacency[$0] ?? []) }
    }

    /// Adds `element` as a key with no dependencies; does nothing when it is a key already.
    public mutating func addArc(_ element: Element) {
        if self.adjacency[element] == nil {
            self.adjacency[element] = []
            self.order.append(element)
        }
    }

    /// Records that `element` depends on `dependency`: an edge `element → dependency`.
    ///
    /// `element` becomes a key if it is not one (the original raises a `KeyError` there); `dependency` does
    /// not. Adding the same edge twice records it twice, as the original does.
    public mutating func addEdge(_ element: Element, _ dependency: Element) {
        self.addArc(element)
        self.adjacency[element, default: []].append(dependency)
    }

    /// Merges `other` into this graph: each key of `other` takes `other`'s dependency list, replacing its own.
    public mutating func connect(_ other: DependencyGraph<Element>) {
        for (element, dependencies) in other.items {
            self.addArc(element)
            self.adjacency[element] = dependencies
        }
    }

    /// Adds `(object, dependencies)` pairs: first every object as a key, then every edge.
    public mutating func update(_ pairs: some Sequence<(Element, [Element])>) {
        let pairs = Array(pairs)
        for (element, _) in pairs { self.addArc(element) }
        for (element, dependencies) in pairs {
            for dependency in dependencies { self.addEdge(element, dependency) }
        }
    }

    /// The keys that depend on something, in key order: Python's `edges()`.
    public var edges: [Element] {
        self.order.filter { !(self.adjacency[$0]?.isEmpty ?? true) }
    }

    /// The number of edges below `element`, counted along every path: its out-degree plus the valency of each
    /// dependency (so a shared dependency counts once per path). Zero for an object that is not a key.
    ///
    /// On a graph with a cycle through `element` the count would never end; the cycle is cut where it closes.
    public func valency(of element: Element) -> Int {
        var onPath: Set<Element> = []
        return self.valency(of: element, onPath: &onPath)
    }

    private func valency(of element: Element, onPath: inout Set<Element>) -> Int {
        guard let dependencies = self.adjacency[element], onPath.insert(element).inserted else { return 0 }
        defer { onPath.remove(element) }
        var total = dependencies.count
        for dependency in dependencies { total += self.valency(of: dependency, onPath: &onPath) }
        return total
    }
}

extension DependencyGraph: Equatable {
    /// Two graphs are equal when they have the same keys in the same order with the same dependency lists.
    public static func == (lhs: Self, rhs: Self) -> Bool {
        lhs.order == rhs.order && lhs.adjacency == rhs.adjacency
    }
}

extension DependencyGraph: Sequence {
    /// Iterates over the keys in insertion order, as iterating a Python dict does.
    public func makeIterator() -> IndexingIterator<[Element]> {
        self.order.makeIterator()
    }
}

extension DependencyGraph: ExpressibleByDictionaryLiteral {
    /// Creates a graph from `[object: dependencies]` pairs, in the order written.
    public init(dictionaryLiteral elements: (Element, [Element])...) {
        self.init(elements)
    }
}

extension DependencyGraph: CustomStringConvertible {
    /// Every key as `object(valency)`, each dependency indented by five spaces per level below it, recursively,
    /// as the original's `repr` prints it:
    ///
    /// ```
    /// 303(3)
    ///      808(1)
    ///           909(0)
    ///      11(0)
    /// 808(1)
    ///      909(0)
    /// ```
    public var description: String {
        var lines: [String] = []
        for element in self.order {
            lines.append("\(element)(\(self.valency(of: element)))")
            var onPath: Set<Element> = [element]
            self.describeDependencies(of: element, level: 1, onPath: &onPath, into: &lines)
        }
        return lines.joined(separator: "\n")
    }

    private func describeDependencies(
        of element: Element,
        level: Int,
        onPath: inout Set<Element>,
        into lines: inout [String]
    ) {
        for dependency in self.adjacency[element] ?? [] {
            let indent = String(repeating: " ", count: 5 * level)
            lines.append("\(indent)\(dependency)(\(self.valency(of: dependency)))")
            guard onPath.insert(dependency).inserted else { continue }  // a cycle: print it once, go no deeper
            self.describeDependencies(of: dependency, level: level + 1, onPath: &onPath, into: &lines)
            onPath.remove(dependency)
        }
    }
}

extension DependencyGraph: Sendable where Element: Sendable {}
