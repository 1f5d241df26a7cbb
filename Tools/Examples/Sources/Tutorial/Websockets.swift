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
            await self.opened()
            do {
                try await outbound.write(.text("welcome to the Mode tutorial"))
                for try await message in inbound.messages(maxSize: 64 * 1024) {
                    guard case .text(let text) = message else { continue }  // binary messages get no answer
                    try await outbound.write(.text("echo: \(text)"))
                }
            } catch {
                await self.closed()
                throw error
            }
            await self.closed()
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
        guard try await listening.wait(in: self) else { return }
        logger.info("Serving websockets on ws://\(host):\(port)/ws")
    }

    /// Runs after the server (the child) has stopped.
    func onShutdown() async throws {
        logger.info("Websocket server closed")
    }

    private func opened() {
        clients += 1
        logger.info("Client connected (\(clients) open)")
    }

    private func closed() {
        clients -= 1
        logger.info("Client left (\(clients) open)")
    }
}
