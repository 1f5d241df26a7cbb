import Hummingbird
import HummingbirdWebSocket
import Mode

/// The websocket server: greets each client, then answers every text message with `echo: <message>`.
///
/// The Hummingbird application runs as a child (`WebSocketServer`) through ModeCore's swift-service-lifecycle
/// interop, `LifecycleService`; this service starts once the server is listening.
actor Websockets: Service {
    let runtime = ServiceRuntime()
    let host: String
    let port: Int
    private let listening = Listening()
    private var clients = 0

    init(host: String, port: Int) {
        self.host = host
        self.port = port
    }

    func initDependencies() -> [any Service] {
        let router = Router(context: BasicWebSocketRequestContext.self)
        router.ws("/ws") { inbound, outbound, _ in
            await self.connected()
            defer { Task { await self.disconnected() } }
            try await outbound.write(.text("welcome to the Mode tutorial"))
            for try await message in inbound.messages(maxSize: 64 * 1024) {
                guard case .text(let text) = message else { continue }
                try await outbound.write(.text("echo: \(text)"))
            }
        }
        let server = Application(
            router: Router(),  // plain HTTP requests to this port get 404
            server: .http1WebSocketUpgrade(webSocketRouter: router),
            configuration: .init(address: .hostname(host, port: port), serverName: "Websockets"),
            onServerRunning: { [listening] _ in listening.signal() },
            logger: logger
        )
        return [LifecycleService(server, name: "WebSocketServer")]
    }

    func onStarted() async throws {
        try await listening.wait(in: self)
        logger.info("Serving websockets on ws://\(host):\(port)/ws")
    }

    private func connected() {
        clients += 1
        logger.info("Client connected (\(clients) open)")
    }

    private func disconnected() {
        clients -= 1
        logger.info("Client disconnected (\(clients) open)")
    }
}
