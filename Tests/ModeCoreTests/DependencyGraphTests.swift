import ModeCore
import Testing

@Suite struct DependencyGraphTests {
    @Test func keysKeepInsertionOrderAndEdgesAddTheirSource() {
        var graph = DependencyGraph<String>()
        graph.addEdge("web", "cache")
        graph.addArc("app")
        graph.addEdge("app", "web")
        graph.addArc("web")  // already a key: no change
        #expect(graph.keys == ["web", "app"])
        #expect(graph["web"] == ["cache"])
        #expect(graph["cache"] == nil)
        #expect(!graph.contains("cache"))
        #expect(graph.contains("app"))
        #expect(graph.count == 2)
        #expect(Array(graph) == ["web", "app"])
    }

    @Test func updateAddsEveryObjectFirstThenTheEdges() {
        var graph = DependencyGraph<Int>()
        graph.update([(1, [2, 3]), (2, [3]), (3, [])])
        #expect(graph.keys == [1, 2, 3])
        #expect(graph.items.map(\.dependencies) == [[2, 3], [3], []])
        #expect(graph.edges == [1, 2])
    }

    @Test func connectReplacesTheDependencyListsOfTheOtherGraphsKeys() {
        var graph: DependencyGraph<String> = ["a": ["b"], "c": ["d"]]
        let other: DependencyGraph<String> = ["c": ["e"], "f": []]
        graph.connect(other)
        #expect(graph.keys == ["a", "c", "f"])
        #expect(graph["c"] == ["e"])
        #expect(graph["f"] == [])
    }

    @Test func valencyCountsEdgesAlongEveryPath() {
        let graph: DependencyGraph<Int> = [303: [808, 11], 808: [909]]
        #expect(graph.valency(of: 303) == 3)
        #expect(graph.valency(of: 808) == 1)
        #expect(graph.valency(of: 909) == 0)
        #expect(graph.valency(of: 42) == 0)
    }

    @Test func descriptionIsTheOriginalsRepr() {
        // The original's test: 303 -> 808 -> 909, 303 -> 11.
        let graph: DependencyGraph<Int> = [303: [808, 11], 808: [909]]
        #expect(graph.description == "303(3)\n     808(1)\n          909(0)\n     11(0)\n808(1)\n     909(0)")
    }

    @Test func aCycleDoesNotHangValencyOrDescription() {
        let graph: DependencyGraph<String> = ["a": ["b"], "b": ["a"]]
        #expect(graph.valency(of: "a") == 2)
        #expect(graph.description.split(separator: "\n").count == 6)
    }

    @Test func topologicalSortPutsDependenciesFirst() throws {
        let graph: DependencyGraph<String> = ["app": ["web", "cache"], "web": ["cache", "db"], "cache": ["db"]]
        let order = try graph.topologicalSort()
        #expect(order == ["db", "cache", "web", "app"])
        for (element, dependencies) in graph.items {
            let position = try #require(order.firstIndex(of: element))
            for dependency in dependencies { #expect(try #require(order.firstIndex(of: dependency)) < position) }
        }
    }

    @Test func topologicalSortKeepsKeyOrderWhereThereIsNoConstraint() throws {
        let graph: DependencyGraph<Int> = [3: [], 1: [], 2: []]
        #expect(try graph.topologicalSort() == [3, 1, 2])
        #expect(try DependencyGraph<Int>().topologicalSort() == [])
    }

    @Test func topologicalSortNamesTheCycle() {
        let graph: DependencyGraph<String> = ["app": ["web"], "web": ["cache"], "cache": ["web"]]
        #expect {
            try graph.topologicalSort()
        } throws: { error in
            guard let error = error as? GraphError else { return false }
            return error.code == .cycle && error.cycle == ["web", "cache", "web"]
                && error.description.contains("web -> cache -> web")
        }
    }

    @Test func aSelfLoopIsACycleOfOne() {
        let graph: DependencyGraph<String> = ["a": ["a"]]
        #expect(throws: GraphError(code: .cycle, cycle: ["a", "a"])) { try graph.topologicalSort() }
    }

    @Test func aDeepChainSortsWithoutOverflowingTheStack() throws {
        var graph = DependencyGraph<Int>()
        for index in 0..<100_000 { graph.addEdge(index, index + 1) }
        let order = try graph.topologicalSort()
        #expect(order.count == 100_001)
        #expect(order.first == 100_000)
        #expect(order.last == 0)
    }

    @Test func nodeAsGraphLeavesOutLeavesLikeTheOriginal() {
        let root = Node(303)
        let middle = root.new(808)
        middle.new(909)
        root.new(11)
        let graph = root.dependencyGraph()
        #expect(graph.keys == [303, 808])
        #expect(graph.description == "303(3)\n     808(1)\n          909(0)\n     11(0)\n808(1)\n     909(0)")
        #expect(root.dependencyGraph(includingLeaves: true).keys == [303, 808, 11, 909])  // breadth first
    }
}
