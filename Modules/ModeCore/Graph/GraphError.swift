/// An error thrown by ``DependencyGraph`` operations, such as a topological sort of a graph with a cycle.
///
/// ```swift
/// do {
///     let order = try graph.topologicalSort()
/// } catch let error as GraphError where error.code == .cycle {
///     print(error.cycle)  // ["a", "b", "a"]
/// }
/// ```
public struct GraphError: Error, Hashable, Sendable, CustomStringConvertible {
    /// The kind of error; new codes may appear in minor releases.
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        private enum Value: Hashable, Sendable { case cycle }
        private let value: Value

        /// The graph has a cycle, so no order puts every object after its dependencies.
        public static let cycle = Code(value: .cycle)

        /// The code's name, such as `cycle`.
        public var description: String { String(describing: self.value) }
    }

    /// What went wrong.
    public let code: Code
    /// For ``Code-swift.struct/cycle``: the objects on the cycle, as printed, starting and ending with the same
    /// one (`["a", "b", "a"]`: `a` depends on `b`, which depends on `a`).
    public let cycle: [String]

    /// Creates an error.
    public init(code: Code, cycle: [String]) {
        self.code = code
        self.cycle = cycle
    }

    /// Says what went wrong and what to do.
    public var description: String {
        "the dependency graph has a cycle: \(self.cycle.joined(separator: " -> ")); "
            + "remove one of these edges to sort it"
    }
}
