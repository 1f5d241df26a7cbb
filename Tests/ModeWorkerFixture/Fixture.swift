// A small program built on ModeWorker, started as a real process by ModeWorkerTests (see ProcessTests.swift).
// Each scenario builds a little tree under the Worker: App with children Alpha and Beta.
import ArgumentParser
import Logging
import ModeCore
import ModeSupervisors
import ModeWorker

#if canImport(Glibc)
import Glibc
#endif

struct FixtureError: Error, CustomStringConvertible {
    var description: String
}

/// A leaf service; in some scenarios it fails to start, or never finishes stopping.
actor Leaf: Service {
    let runtime = ServiceRuntime()
    let name: String
    let failStart: Bool
    let hangOnStop: Bool

    init(_ name: String, failStart: Bool = false, hangOnStop: Bool = false) {
        self.name = name
        self.failStart = failStart
        self.hangOnStop = hangOnStop
    }

    nonisolated var label: String { self.name }

    func onStart() async throws {
        if self.failStart { throw FixtureError(description: "port 8000 is already in use") }
    }

    func onStop() async throws {
        guard self.hangOnStop else { return }
        self.logger.info("hanging in onStop")
        let clock = ContinuousClock()
        while true { try? await clock.sleep(for: .milliseconds(20)) }  // ignores cancellation on purpose
    }
}

/// The root service: a heartbeat task, or a task that crashes, or a finite piece of work.
actor App: Service {
    enum Work { case heartbeat, crash, finite, block }
    let runtime = ServiceRuntime()
    let children: [any Service]
    let work: Work

    init(_ children: [any Service], work: Work) {
        self.children = children
        self.work = work
    }

    func initDependencies() -> [any Service] { self.children }

    func onStarted() async throws {
        self.logger.info("app started")
    }

    func backgroundTasks() -> [BackgroundTask] {
        switch self.work {
        case .heartbeat:
            [
                .task("heartbeat") {
                    while !self.shouldStop, !Task.isCancelled { await self.sleep(for: .milliseconds(50)) }
                }
            ]
        case .crash:
            [.task("explode") { throw FixtureError(description: "boom in a background task") }]
        case .block:
            [
                .task("block") {
                    await self.sleep(for: .milliseconds(100))
                    // Block every thread of the cooperative pool (one per core) at once, on purpose.
                    let threads = Int(sysconf(Int32(_SC_NPROCESSORS_ONLN)))
                    await withTaskGroup(of: Void.self) { group in
                        for _ in 0..<max(threads, 1) { group.addTask { usleep(400_000) } }
                    }
                    await self.waitUntilStopped()
                }
            ]
        case .finite:
            [.task("batch") { for _ in 0..<3 { await self.sleep(for: .milliseconds(5)) } }]
        }
    }
}

/// Crashes as soon as it runs; under a supervisor it is restarted until the supervisor gives up.
actor Crasher: Service {
    let runtime = ServiceRuntime()
    func backgroundTasks() -> [BackgroundTask] {
        [.task("crash") { throw FixtureError(description: "crasher crashed") }]
    }
}

@main
struct Fixture: ParsableCommand {
    @OptionGroup var worker: WorkerArguments

    @Option(help: "clean, crash, failstart, supervisor, hang, block or batch.")
    var scenario = "clean"

    @Option(help: "The blocking threshold of the executor monitor in milliseconds.")
    var blockingThresholdMs: Int64 = 2_000

    @Option(help: "How soon a second stop signal counts as a duplicate, in milliseconds.")
    var duplicateSignalWindowMs: Int64 = 100

    @Option(help: "The whole-process stop deadline in milliseconds.")
    var stopDeadlineMs: Int64 = 5_000

    func run() throws {
        var base = WorkerOptions()
        base.stopDeadline = .milliseconds(self.stopDeadlineMs)
        base.daemon = self.scenario != "batch"
        base.blockingThreshold = .milliseconds(self.blockingThresholdMs)
        base.duplicateSignalWindow = .milliseconds(self.duplicateSignalWindowMs)
        let options = try self.worker.options(base)
        let scenario = self.scenario
        var hooks = WorkerHooks()
        hooks.onReload = { worker in worker.logger.info("reload hook ran") }
        hooks.onWorkerShutdown = { worker, code in worker.logger.info("shutdown hook ran with \(code)") }
        Worker(options: options, hooks: hooks) {
            switch scenario {
            case "crash":
                [App([Leaf("Alpha"), Leaf("Beta")], work: .crash)]
            case "failstart":
                [App([Leaf("Alpha"), Leaf("Beta", failStart: true)], work: .heartbeat)]
            case "supervisor":
                [
                    Supervisor(
                        [Crasher()],
                        intensity: try! RestartIntensity(maxRestarts: 2, within: .seconds(60))
                    )
                ]
            case "hang":
                [App([Leaf("Alpha"), Leaf("Beta", hangOnStop: true)], work: .heartbeat)]
            case "block":
                [App([Leaf("Alpha")], work: .block)]
            case "batch":
                [App([Leaf("Alpha"), Leaf("Beta")], work: .finite)]
            default:
                [App([Leaf("Alpha"), Leaf("Beta")], work: .heartbeat)]
            }
        }.run()
    }
}
