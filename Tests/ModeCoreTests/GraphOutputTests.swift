import Foundation
import ModeCore
import Testing

@Suite struct GraphOutputTests {
    /// The original's output for a `Root -> C` graph, as probed (FEATURES.md C71).
    @Test func dotMatchesTheOriginalByteForByte() {
        let graph: DependencyGraph<String> = ["Root": ["C"]]
        let expected = """
            digraph dependencies {
                    graph [shape="box", arrowhead="vee", style="filled", fontname="HelveticaNeue", bgcolor="mintcream", root="NoneType"]
                "Root" [shape="box", arrowhead="vee", style="filled", fontname="HelveticaNeue", fillcolor="palegreen3", color="palegreen4"]
                "Root" -> "C" [shape="box", arrowhead="vee", style="filled", fontname="HelveticaNeue", color="darkseagreen4", arrowcolor="black", arrowsize="0.7"]
            }

            """
        #expect(graph.dot() == expected)
    }

    @Test func terminalNodesAreLighterAndSameLabelsMerge() {
        let graph: DependencyGraph<String> = ["A": ["B", "C"], "B": []]
        let lines = graph.dot().split(separator: "\n").map(String.init)
        #expect(lines.count == 7)
        #expect(lines[2].hasPrefix("    \"A\" ["))
        #expect(lines[2].hasSuffix("fillcolor=\"palegreen3\", color=\"palegreen4\"]"))
        #expect(lines[3].hasPrefix("    \"A\" -> \"B\""))
        #expect(lines[4].hasPrefix("    \"A\" -> \"C\""))  // the node line of A is written once
        #expect(lines[5].hasSuffix("fillcolor=\"palegreen1\", color=\"palegreen2\"]"))
    }

    @Test func formatterOptions() {
        var formatter = GraphFormatter(root: "A", kind: .graph, id: "deps", indent: 1)
        formatter.edgeScheme.append(("color", "red"))  // replaces, keeping its place
        formatter.graphScheme.append(("rankdir", "LR"))
        let graph: DependencyGraph<String> = ["A": ["B"]]
        let dot = graph.dot(formatter: formatter)
        let lines = dot.split(separator: "\n").map(String.init)
        #expect(lines[0] == "    graph deps {")
        #expect(lines[1].hasPrefix("            graph [shape=\"box\""))
        #expect(lines[1].hasSuffix("bgcolor=\"mintcream\", rankdir=\"LR\", root=\"A\"]"))
        #expect(lines[3].contains("\"A\" -- \"B\""))
        #expect(lines[3].contains("fontname=\"HelveticaNeue\", color=\"red\", arrowcolor=\"black\""))
        #expect(lines[4] == "    }")
    }

    @Test func aNegativeIndentIsNoIndent() {
        let graph: DependencyGraph<String> = ["A": []]
        #expect(graph.dot(formatter: GraphFormatter(indent: -3)) == graph.dot())
        #expect(graph.dot(formatter: GraphFormatter(indent: 0)).hasPrefix("digraph dependencies {\n        graph ["))
    }

    @Test func labelsWithQuotesAreEscaped() {
        let graph: DependencyGraph<String> = ["say \"hi\"": ["back\\slash"]]
        let dot = graph.dot()
        #expect(dot.contains(#""say \"hi\"" -> "back\\slash""#))
    }

    @Test func theServiceTreeMatchesItsGoldenFiles() async throws {
        let tree = try ExampleTree()
        try expectGolden(tree.worker.dot(), "example-tree.dot")
        try expectGolden(tree.worker.mermaid(), "example-tree.mmd")
        // From any service, the root of its beacon draws the whole program.
        #expect(tree.cache.beacon.root.dot() == tree.worker.dot())
    }

    @Test func twoServicesWithOneLabelKeepTwoBoxes() throws {
        let root = LabelledService("Pool")
        try root.addDependency(LabelledService("Conn"))
        try root.addDependency(LabelledService("Conn"))
        let dot = root.dot()
        #expect(dot.contains("\"Pool\" -> \"Conn\""))
        #expect(dot.contains("\"Pool\" -> \"Conn#2\""))
        let mermaid = root.mermaid()
        #expect(mermaid.contains("n1[\"Conn\"]"))
        #expect(mermaid.contains("n2[\"Conn#2\"]"))
        #expect(root.dependencyGraph().count == 3)
    }

    @Test func graphvizRendersTheDotToAPNG() throws {
        guard let dot = Self.executable("dot") else { return }  // Graphviz not installed: nothing to render
        let tree = try ExampleTree()
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("mode-dot-\(UUID())")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let source = directory.appendingPathComponent("tree.dot")
        let image = directory.appendingPathComponent("tree.png")
        try tree.worker.dot().write(to: source, atomically: true, encoding: .utf8)
        let process = Process()
        process.executableURL = dot
        process.arguments = ["-Tpng", source.path, "-o", image.path]
        try process.run()
        process.waitUntilExit()
        #expect(process.terminationStatus == 0)
        let data = try Data(contentsOf: image)
        #expect(data.count > 1000)
        #expect(Array(data.prefix(8)) == [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A])
    }

    static func executable(_ name: String) -> URL? {
        let path = ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin"
        for directory in path.split(separator: ":") {
            let candidate = URL(fileURLWithPath: String(directory)).appendingPathComponent(name)
            if FileManager.default.isExecutableFile(atPath: candidate.path) { return candidate }
        }
        return nil
    }
}

/// Compares `actual` with `Golden/<name>`; set `MODE_UPDATE_GOLDEN=1` to rewrite the file instead.
func expectGolden(_ actual: String, _ name: String, sourceLocation: SourceLocation = #_sourceLocation) throws {
    let url = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Golden/\(name)")
    if ProcessInfo.processInfo.environment["MODE_UPDATE_GOLDEN"] == "1" {
        try actual.write(to: url, atomically: true, encoding: .utf8)
        return
    }
    let expected = try String(contentsOf: url, encoding: .utf8)
    #expect(actual == expected, "differs from Golden/\(name)", sourceLocation: sourceLocation)
}

/// A service with a label of its own choosing and nothing else.
final class LabelledService: Service {
    let runtime = ServiceRuntime()
    let label: String

    init(_ label: String) {
        self.label = label
    }
}

/// The tree of the original's tutorial: a Worker running the AppService, which runs Websockets, Webserver
/// and UserCache; the web server has its own session store here, to show depth.
struct ExampleTree {
    let worker = LabelledService("Worker")
    let app = LabelledService("AppService")
    let websockets = LabelledService("Websockets")
    let webserver = LabelledService("Webserver")
    let sessions = LabelledService("SessionStore")
    let cache = LabelledService("UserCache")

    init() throws {
        try self.worker.addDependency(self.app)
        try self.app.addDependency(self.websockets)
        try self.app.addDependency(self.webserver)
        try self.app.addDependency(self.cache)
        try self.webserver.addDependency(self.sessions)
    }
}
