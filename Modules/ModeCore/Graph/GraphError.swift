public import ModeErrors

/// An error thrown by ``DependencyGraph`` operations, such as a topological sort of a graph with a cycle.
///
/// ```swift
/// do {
///     let order = try graph.topologicalSort()
/// } catch let error as GraphError where error.code == .cycle {
///     print(error.cycle)  // ["a", "b", "a"]
/// }
/// ```
public struct GraphError: ModeError {
    /// The kind of error; new codes may appear in minor releases.
    public typealias Code = ModeErrorCode<GraphError>

    /// What went wrong.
    public let code: Code
    /// For `.cycle`: the objects on the cycle, as printed, starting and ending with the same
    /// one (`["a", "b", "a"]`: `a` depends on `b`, which depends on `a`).
    public let cycle: [String]

    /// Errors are equal when their codes and cycles are (unlike most Mode errors, the cycle is the point).
    public static func == (lhs: Self, rhs: Self) -> Bool { lhs.code == rhs.code && lhs.cycle == rhs.cycle }

    /// Hashes the code and the cycle, to agree with `==`.
    public func hash(into hasher: inout Hasher) {
        hasher.combine(self.code)
        hasher.combine(self.cycle)
    }

    /// Creates an error.
    public init(code: Code, cycle: [String]) {
        self.code = code
        self.cycle = cycle
    }

    /// Says what went wrong and what to do; also the description.
    public var message: String {
        "the dependency graph has a cycle: \(self.cycle.joined(separator: " -> ")); "
            + "remove one of these edges to sort it"
    }
}

extension ModeErrorCode where Domain == GraphError {
    /// The graph has a cycle, so no order puts every object after its dependencies.
    public static var cycle: Self { Self("cycle") }
}
