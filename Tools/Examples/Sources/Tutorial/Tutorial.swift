// The tutorial of Python's Mode as a real server (Docs/Tutorial.md walks through it):
//
//   swift run --package-path Tools/Examples Tutorial                     # HTTP on 8080, websockets on 8081
//   swift run --package-path Tools/Examples Tutorial --port 9000 --ws-port 9001
//   curl localhost:8080/tree.txt                                          # then Ctrl-C to stop it
import ArgumentParser
import Foundation
import Metrics
import Mode
import Prometheus

@main
struct Tutorial: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "An app with a websocket server, a web server and a user cache, run by a Mode Worker."
    )

    @OptionGroup var worker: WorkerArguments  // --loglevel, --logfile, --quiet, --no-color

    @Option(help: "The address both servers bind.")
    var host = "127.0.0.1"

    @Option(help: "The HTTP port (default: $PORT, else 8080).")
    var port: Int?

    @Option(name: .customLong("ws-port"), help: "The websocket port (default: $WS_PORT, else 8081).")
    var websocketPort: Int?

    @Option(help: "Seconds a user stays in the cache without being read or written.")
    var userTTL = 300

    @Option(help: "Where to write the service graph as DOT (a PNG goes next to it when Graphviz is installed).")
    var graph: String?

    func validate() throws {
        for (name, value) in [("--port", try httpPort()), ("--ws-port", try wsPort())] {
            guard (1...65_535).contains(value) else {
                throw ValidationError("\(name) must be between 1 and 65535, not \(value)")
            }
        }
        guard try httpPort() != wsPort() else { throw ValidationError("--port and --ws-port must differ") }
        guard userTTL > 0 else { throw ValidationError("--user-ttl must be positive, not \(userTTL)") }
    }

    func run() throws {
        var settings = Settings()
        settings.host = host
        settings.port = try httpPort()
        settings.websocketPort = try wsPort()
        settings.userTTL = .seconds(userTTL)
        settings.sweepInterval = min(.seconds(10), settings.userTTL)
        if let graph { settings.graphPath = graph }

        // One metrics backend for the whole process, before any service exists: Mode's services, timers and
        // Hummingbird's requests all report to it, and GET /metrics serves it.
        let registry = PrometheusCollectorRegistry()
        MetricsSystem.bootstrap(PrometheusMetricsFactory(registry: registry))

        var options = try worker.options()
        options.daemon = true  // a server: run until a signal
        Worker(options: options) { [App(settings: settings, metrics: registry)] }.run()
    }

    private func httpPort() throws -> Int { try Self.port(port, environment: "PORT", default: 8080) }
    private func wsPort() throws -> Int { try Self.port(websocketPort, environment: "WS_PORT", default: 8081) }

    /// The option's value, else the environment variable's, else the default.
    private static func port(_ option: Int?, environment name: String, default fallback: Int) throws -> Int {
        if let option { return option }
        guard let text = ProcessInfo.processInfo.environment[name] else { return fallback }
        guard let value = Int(text) else { throw ValidationError("$\(name) is not a port number: \(text)") }
        return value
    }
}
