// The example README.md shows: an actor service with a child and a background task.
// Run it with `swift run --package-path Tools/Examples ServiceTree`.
import ModeCore
import ModeLogging

actor Cache: Service {
    let runtime = ServiceRuntime()
    func onStart() async throws { logger.info("cache warmed") }
}

actor App: Service {
    let runtime = ServiceRuntime()
    private var ticks = 0

    func initDependencies() -> [any Service] { [Cache()] }

    func backgroundTasks() -> [BackgroundTask] {
        [.task("heartbeat") { while !self.shouldStop { await self.beat() } }]
    }

    private func beat() async {
        ticks += 1
        logger.info("tick \(ticks)")
        await sleep(for: .milliseconds(200))
    }
}

_ = try setupLogging(level: .info)
try await withService(App()) { app in await app.sleep(for: .seconds(1)) }
