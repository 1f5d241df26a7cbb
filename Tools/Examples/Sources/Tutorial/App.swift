import Foundation
import Mode
import Prometheus

/// The settings the command line gives the app.
struct Settings: Sendable {
    var host = "127.0.0.1"
    var port = 8080
    var websocketPort = 8081
    var userTTL: Duration = .seconds(300)
    var sweepInterval: Duration = .seconds(10)
    var graphPath = FileManager.default.temporaryDirectory.appendingPathComponent("mode-tutorial.dot").path
}

/// The application: its three services start in this order and stop in the reverse one.
actor App: Service {
    let runtime = ServiceRuntime()
    let settings: Settings
    let metrics: PrometheusCollectorRegistry

    init(settings: Settings, metrics: PrometheusCollectorRegistry) {
        self.settings = settings
        self.metrics = metrics
    }

    func initDependencies() -> [any Service] {
        let users = UserCache(ttl: settings.userTTL, sweepInterval: settings.sweepInterval)
        return [
            Websockets(host: settings.host, port: settings.websocketPort),
            users,
            Webserver(host: settings.host, port: settings.port, users: users, metrics: metrics),
        ]
    }

    func onStart() async throws {
        logger.info("App is starting")
    }

    /// Everything runs: draw the whole tree, from the Worker down.
    func onStarted() async throws {
        try await writeGraph(beacon.root.dot(), to: settings.graphPath)
    }

    /// Writes `dot` to `path` and, when Graphviz is installed, renders it next to it as a PNG.
    private func writeGraph(_ dot: String, to path: String) async throws {
        try dot.write(toFile: path, atomically: true, encoding: .utf8)
        guard let graphviz = Self.executable("dot") else {
            logger.info("Wrote the service graph to \(path) (install Graphviz to get a PNG as well)")
            return
        }
        let png = (path.hasSuffix(".dot") ? String(path.dropLast(4)) : path) + ".png"
        // Running a program blocks until it exits: do it on a thread of its own, not the cooperative pool.
        let thread = ServiceThread(name: "graphviz")
        defer { thread.shutdown() }
        let status = try await thread.run {
            let process = Process()
            process.executableURL = graphviz
            process.arguments = ["-Tpng", path, "-o", png]
            try process.run()
            process.waitUntilExit()
            return process.terminationStatus
        }
        if status == 0 {
            logger.info("Wrote the service graph to \(path) and \(png)")
        } else {
            logger.warning("Wrote the service graph to \(path); Graphviz failed (status \(status)) to render \(png)")
        }
    }

    /// The first executable called `name` on the `PATH`.
    private static func executable(_ name: String) -> URL? {
        let path = ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin"
        return path.split(separator: ":")
            .map { URL(fileURLWithPath: String($0)).appendingPathComponent(name) }
            .first { FileManager.default.isExecutableFile(atPath: $0.path) }
    }
}
