extension DependencyGraph {
    /// Every object of the graph (keys and the objects they depend on) in an order where each comes after all
    /// of its dependencies: the order to start them in. Reverse it to stop them.
    ///
    /// Objects with no order between them keep the order of the keys (depth first, dependencies in the order
    /// their edges were added), so the result is the same on every call. Deep graphs are fine: the walk keeps
    /// its own stack.
    ///
    /// ```swift
    /// let graph: DependencyGraph = ["app": ["web", "cache"], "web": ["cache"]]
    /// try graph.topologicalSort()  // ["cache", "web", "app"]
    /// ```
    ///
    /// The original's `topsort()` raises a `TypeError` on any non-empty graph; this one works, and refuses a
    /// cycle instead of hiding it.
    ///
    /// - Throws: ``GraphError`` with code `.cycle` naming the objects on the first
    ///   cycle found (a self-loop is a cycle of one).
    public func topologicalSort() throws -> [Element] {
        var marks: [Element: SortMark] = [:]
        var result: [Element] = []
        result.reserveCapacity(self.count)
        for root in self.keys where marks[root] == nil {
            var stack: [(element: Element, next: Int)] = [(root, 0)]
            marks[root] = .visiting
            while let (element, next) = stack.last {
                let dependencies = self[element] ?? []
                guard next < dependencies.count else {
                    marks[element] = .done
                    result.append(element)
                    stack.removeLast()
                    continue
                }
                stack[stack.count - 1].next += 1
                let dependency = dependencies[next]
                switch marks[dependency] {
                case .done?:
                    continue
                case .visiting?:
                    let start = stack.firstIndex { $0.element == dependency } ?? 0
                    let cycle = stack[start...].map { String(describing: $0.element) } + [String(describing: dependency)]
                    throw GraphError(code: .cycle, cycle: cycle)
                case nil:
                    marks[dependency] = .visiting
                    stack.append((dependency, 0))
                }
            }
        }
        return result
    }
}

/// Where a depth-first walk stands with an object.
private enum SortMark {
    case visiting, done
}
