// The code Docs/Introspection.md quotes: the original's tutorial tree drawn as a graph (DOT and Mermaid),
// a snapshot of it as text and JSON, a proxy, joined services and metrics.
// Run it with `swift run --package-path Tools/Examples IntrospectionTour`; give it a path to also write the
// DOT there (`dot -Tpng` turns it into Docs/Introspection.png).
import CoreMetrics
import Foundation
import MetricsTestKit
import ModeCore

actor Websockets: Service {
    let runtime = ServiceRuntime()
}

actor SessionStore: Service {
    let runtime = ServiceRuntime()
}

actor Webserver: Service {
    let runtime = ServiceRuntime()

    func initDependencies() -> [any Service] { [SessionStore()] }

    func onStart() async throws {
        await transition("BIND") {
            await Task.yield()  // binding a port would happen here; a snapshot taken meanwhile shows BIND
        }
        diag.setFlag("SERVING")
    }
}

actor UserCache: Service {
    let runtime = ServiceRuntime()
    private var entries: [String: Int] = ["alice": 1]

    func backgroundTasks() -> [BackgroundTask] {
        [.timer("expire", every: .milliseconds(20)) { await self.expire() }]
    }

    private func expire() { entries.removeAll() }
}

actor AppService: Service {
    let runtime = ServiceRuntime()

    func initDependencies() -> [any Service] { [Websockets(), Webserver(), UserCache()] }
}

// MARK: the graph

let app = AppService()
try await app.start()
print(app)  // <AppService: running>

let dot = app.dot()  // the whole program: app.beacon.root.dot() from any service in it
print(dot)
print(app.mermaid())
if CommandLine.arguments.count > 1 {
    try dot.write(toFile: CommandLine.arguments[1], atomically: true, encoding: .utf8)
}

var formatter = GraphFormatter()
formatter.graphScheme.append(("rankdir", "LR"))  // left to right
print(app.dot(formatter: formatter))

// MARK: DependencyGraph

var graph = DependencyGraph<String>()
graph.addEdge("app", "web")     // app depends on web
graph.addEdge("web", "cache")
graph.addArc("cache")
print(graph.valency(of: "app"))       // 2: the edges below app, along every path
print(try graph.topologicalSort())    // ["cache", "web", "app"]: start order; reverse it to stop
print(graph)

graph.addEdge("cache", "web")
do {
    _ = try graph.topologicalSort()
} catch let error as GraphError where error.code == .cycle {
    print(error.cycle)  // ["web", "cache", "web"]
}

// MARK: the snapshot

try await Task.sleep(for: .milliseconds(100))  // let the cache's timer tick a few times
let snapshot = app.snapshot()
print(snapshot.text)
let encoder = JSONEncoder()
encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
let json = String(decoding: try encoder.encode(snapshot), as: UTF8.self)
print(json.prefix(300))

// MARK: a proxy and joined services

actor Database: ServiceProxy {
    nonisolated let service: any Service = ConnectionPool()
}

actor ConnectionPool: Service {
    let runtime = ServiceRuntime()
    func onStart() async throws { logger.info("8 connections open") }
}

actor Consumer: Service {
    let runtime = ServiceRuntime()
}

actor Producer: Service {
    let runtime = ServiceRuntime()
}

let database = Database()
try await app.joinServices([database, Consumer(), Producer()])
print(app.children)  // [<Websockets: running>, <Webserver: running>, ...]

// MARK: metrics

/// A metrics backend that prints every recording: enough to see what Mode reports. Use a real one
/// (swift-prometheus, swift-otel) in a program, bootstrapped once with `MetricsSystem.bootstrap(_:)`.
final class PrintingMetrics: MetricsFactory {
    final class Handler: CounterHandler, RecorderHandler, TimerHandler {
        let name: String
        init(_ label: String, _ dimensions: [(String, String)]) {
            self.name = label + "{" + dimensions.map { "\($0)=\($1)" }.joined(separator: ",") + "}"
        }
        func increment(by amount: Int64) { print("\(self.name) +\(amount)") }
        func reset() {}
        func record(_ value: Int64) { print("\(self.name) = \(value)") }
        func record(_ value: Double) { print("\(self.name) = \(value)") }
        func recordNanoseconds(_ duration: Int64) { print("\(self.name) \(duration) ns") }
    }
    func makeCounter(label: String, dimensions: [(String, String)]) -> any CounterHandler { Handler(label, dimensions) }
    func makeRecorder(label: String, dimensions: [(String, String)], aggregate: Bool) -> any RecorderHandler {
        Handler(label, dimensions)
    }
    func makeTimer(label: String, dimensions: [(String, String)]) -> any TimerHandler { Handler(label, dimensions) }
    func destroyCounter(_ handler: any CounterHandler) {}
    func destroyRecorder(_ handler: any RecorderHandler) {}
    func destroyTimer(_ handler: any TimerHandler) {}
}

try await withMetricsFactory(PrintingMetrics()) {
    let cache = UserCache()  // looks its backend up at its first start: inside this scope
    try await cache.start()
    try await Task.sleep(for: .milliseconds(50))
    await cache.stop()
    // mode_service_starts{service=UserCache} +1, mode_timer_ticks{service=UserCache,timer=expire} +1, ...
}

let metrics = TestMetrics()
try await withMetricsFactory(metrics) {
    let service = UserCache()
    try await service.start()  // made inside the scope: this service reports to `metrics`
    await service.stop()
}
print(metrics.counterTotal(label: ModeMetrics.serviceStops, dimensions: [("service", "UserCache")]))  // 1

await app.stop()
print(app.snapshot().text)

// A program bootstraps its backend once, before it starts services.
MetricsSystem.bootstrap(PrintingMetrics())  // in a program: swift-prometheus, swift-otel, StatsD, ...
let metered = UserCache()
try await metered.start()
await metered.stop()
