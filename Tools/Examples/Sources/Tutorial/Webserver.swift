import Foundation
import Hummingbird
import Mode
import Prometheus

/// The body of `PUT /users/:id`.
struct NewUser: Decodable {
    var name: String
}

/// The HTTP server: the user cache's API and the operator's endpoints.
///
/// Like ``Websockets``, it runs its Hummingbird application as a child (`HTTPServer`) through
/// `LifecycleService`, and starts once the server is listening.
actor Webserver: Service {
    let runtime = ServiceRuntime()
    let host: String
    let port: Int
    let users: UserCache
    let metrics: PrometheusCollectorRegistry
    private let listening = Listening()

    init(host: String, port: Int, users: UserCache, metrics: PrometheusCollectorRegistry) {
        self.host = host
        self.port = port
        self.users = users
        self.metrics = metrics
    }

    func initDependencies() -> [any Service] {
        let server = Application(
            router: makeRouter(),
            configuration: .init(address: .hostname(host, port: port), serverName: "Webserver"),
            onServerRunning: { [listening] _ in listening.signal() },
            logger: logger
        )
        return [LifecycleService(server, name: "HTTPServer")]
    }

    func onStarted() async throws {
        guard try await listening.wait(in: self) else { return }
        logger.info("Serving on http://\(host):\(port)")
    }

    /// Runs after the server (the child) has stopped.
    func onShutdown() async throws {
        logger.info("Web server closed")
    }

    /// The service at the top of the tree, the Worker: each service's beacon node links to its parent's.
    nonisolated var top: any Service { beacon.root.value.service ?? self }

    /// The Worker that runs the tree, if one does.
    nonisolated var worker: Worker? { top as? Worker }

    private func makeRouter() -> Router<BasicRequestContext> {
        let router = Router()
        router.middlewares.add(MetricsMiddleware())  // Hummingbird's request metrics, next to Mode's
        let users = self.users

        // The user cache.
        router.put("/users/:id") { request, context -> EditedResponse<User> in
            let id = try context.parameters.require("id")
            let body = try await request.decode(as: NewUser.self, context: context)
            let user = User(id: id, name: body.name)
            await users.store(user)
            return EditedResponse(status: .created, response: user)
        }
        router.get("/users/:id") { _, context -> User in
            let id = try context.parameters.require("id")
            guard let user = await users.lookup(id) else {
                throw HTTPError(.notFound, message: "No user \(id) in the cache")
            }
            return user
        }

        // The operator's endpoints, all read from the running tree.
        router.get("/") { _, _ in Self.index }
        router.get("/health/ready") { _, _ in
            let health = self.worker?.health
            return Self.probe(health, passes: health?.isReady == true)
        }
        router.get("/health/live") { _, _ in
            let health = self.worker?.health
            return Self.probe(health, passes: health?.isLive == true)
        }
        router.get("/tree") { _, _ in
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
            let json = String(decoding: try encoder.encode(self.top.snapshot()), as: UTF8.self)
            return Self.text(json + "\n", type: "application/json")
        }
        router.get("/tree.txt") { _, _ in
            self.top.snapshot().text
        }
        router.get("/graph.dot") { _, _ in
            Self.text(self.top.dot(), type: "text/vnd.graphviz")
        }
        router.get("/graph.mmd") { _, _ in
            Self.text(self.top.mermaid(), type: "text/plain; charset=utf-8")
        }
        router.get("/metrics") { _, _ in
            Self.text(self.metrics.emitToString(), type: "text/plain; version=0.0.4; charset=utf-8")
        }
        return router
    }

    private static let index = """
        The Mode tutorial. Endpoints:
          PUT /users/:id {"name": "..."}   GET /users/:id    the user cache
          GET /health/ready   GET /health/live                the Worker's health (200 or 503)
          GET /tree (JSON)    GET /tree.txt                   the live service tree
          GET /graph.dot      GET /graph.mmd                  the tree as Graphviz DOT and Mermaid
          GET /metrics                                        Prometheus text format
        Websockets: ws://<host>:<ws-port>/ws answers each text message with "echo: <message>".

        """

    /// 200 with the reading when the probe passes, 503 otherwise.
    private static func probe(_ health: WorkerHealth?, passes: Bool) -> EditedResponse<String> {
        EditedResponse(
            status: passes ? .ok : .serviceUnavailable,
            response: (health.map(String.init(describing:)) ?? "no Worker runs this tree") + "\n"
        )
    }

    private static func text(_ body: String, type: String) -> EditedResponse<String> {
        EditedResponse(headers: [.contentType: type], response: body)
    }
}
