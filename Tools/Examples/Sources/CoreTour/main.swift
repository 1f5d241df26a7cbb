// The ModeCore guide (Docs/ModeCore.md) quotes this program. Run it with
// `swift run --package-path Tools/Examples CoreTour`.
import ModeCore
import ModeLogging

/// A connection pool: entered when the service starts, closed when it stops.
struct Pool: AsyncResource {
    func enter() async throws -> String { "pool#1" }
    func exit(error: (any Error)?) async throws { print("pool closed") }
}

actor Consumer: Service {
    let runtime = ServiceRuntime()
    private var handled = 0
    private var pool = ""
    let flushes = TimerMonitor()

    nonisolated var label: String { "Consumer" }

    func onStart() async throws {
        pool = try await addResource(Pool())
        try addCleanup("say goodbye") { print("consumer cleaned up") }
    }

    func backgroundTasks() -> [BackgroundTask] {
        [
            .task("consume") { try await self.consume() },
            .timer("flush", every: .milliseconds(100), monitor: flushes) { await self.flush() },
        ]
    }

    private func consume() async throws {
        while !shouldStop {
            // Wait for work, but never longer than the service runs.
            let outcome = try await wait(timeout: .milliseconds(50)) { 42 }
            if case .completed(let item) = outcome { handled += item / 42 }
            await sleep(for: .milliseconds(20))
        }
    }

    private func flush() { logger.info("flushed \(handled) items using \(pool)") }
}

/// Flushes every 100 ms and reports at 9:00 on weekdays: the timers that Docs/Timers.md quotes.
actor Reporter: Service {
    let runtime = ServiceRuntime()
    let flushes = TimerMonitor()
    let weekdays: CronSchedule

    init() throws {
        weekdays = try CronSchedule(parsing: "0 9 * * MON-FRI", timeZone: .current)
    }

    func backgroundTasks() -> [BackgroundTask] {
        [
            .timer("flush", every: .milliseconds(100), monitor: flushes) { await self.flush() },
            .crontab("report", weekdays) { await self.report() },
        ]
    }

    private func flush() {}
    private func report() { logger.info("weekday report") }
}

actor App: Service {
    let runtime = ServiceRuntime()
    func initDependencies() -> [any Service] { [Consumer()] }
    func onStarted() async throws { logger.info("tree: \(children.map(\.label))") }
}

_ = try setupLogging(level: .info)

// A scoped run: the tree is stopped when the block ends, even if it throws.
let app = App()
try await withService(app) { app in
    let migration = OperationService(name: "migrate") { print("migrated") }
    try await app.addRuntimeDependency(migration)  // returns once the migration has run
    await app.sleep(for: .milliseconds(350))
}
print("app is \(app.state); consumer is \(app.children[0].state)")

// A crash climbs to the root, where the owner sees it.
struct DiskFull: Error {}
let fragile = App()
try await fragile.start()
fragile.children[0].crash(DiskFull())
await fragile.waitUntilStopped()
print("root state after a child crash: \(fragile.state)")
await fragile.stop()

// Timers declared among the background tasks: owned, named, and cancelled with the service.
let reporter = try Reporter()
try await withService(reporter) { reporter in
    await reporter.sleep(for: .milliseconds(250))
}
print("flush ticks: \(reporter.flushes.statistics.iteration)")
