// The Worker tour that README.md and Docs/ModeWorker.md quote: a small tree run as a process.
//
//   swift run --package-path Tools/Examples WorkerTour              # does its work, then exits 0
//   swift run --package-path Tools/Examples WorkerTour --daemon     # runs until Ctrl-C (try kill -USR1 <pid>)
//   swift run --package-path Tools/Examples WorkerTour --help       # the Worker's options and the tour's own
import ArgumentParser
import Dispatch
import ModeCore
import ModeWorker

#if canImport(Glibc)
import Glibc
#endif

/// Keeps a ledger file with blocking writes, on a thread of its own.
actor Ledger: Service {
    let runtime = ServiceRuntime()
    let thread = ServiceThread(name: "ledger")
    nonisolated var unownedExecutor: UnownedSerialExecutor { thread.asUnownedSerialExecutor() }
    private var entries = 0

    func onStart() async throws { thread.reopen() }
    func onShutdown() async throws {
        logger.info("closing the ledger after \(entries) entries")
        thread.shutdown()
    }

    func record(_ line: String) {
        usleep(2_000)  // stands for a blocking write: harmless here, this is the ledger's own thread
        entries += 1
    }
}

/// Counts ticks and writes each one to the ledger; its work ends after `ticks` ticks (or never, as a daemon).
actor Counter: Service {
    let runtime = ServiceRuntime()
    let ledger: Ledger
    let ticks: Int?

    init(ledger: Ledger, ticks: Int?) {
        self.ledger = ledger
        self.ticks = ticks
    }

    func backgroundTasks() -> [BackgroundTask] {
        [.task("count") { try await self.count() }]
    }

    private func count() async throws {
        var tick = 0
        while !shouldStop, tick < (ticks ?? .max) {
            tick += 1
            await ledger.record("tick \(tick)")
            logger.info("tick \(tick)")
            await sleep(for: .milliseconds(100))
        }
    }
}

/// The application: the ledger first, so it stops last.
actor App: Service {
    let runtime = ServiceRuntime()
    let ledger = Ledger()
    let ticks: Int?

    init(ticks: Int?) { self.ticks = ticks }

    func initDependencies() -> [any Service] { [ledger, Counter(ledger: ledger, ticks: ticks)] }
}

/// What a test of a Worker does (`Docs/ModeWorker.md`, "Testing a Worker"): no process-wide set-up, driven by
/// hand, and the exit code returned instead of exiting.
func checkWorker() async -> WorkerExitCode {
    var options = WorkerOptions()
    options.quiet = true
    options.setsUpLogging = false
    options.handlesSignals = false
    let worker = Worker(options: options) { [App(ticks: nil)] }
    async let code = worker.execute()
    let ready = await worker.waitUntilReady()
    worker.receive(.sigterm)
    print("ready: \(ready)")
    return await code
}

@main
struct WorkerTour: ParsableCommand {
    @OptionGroup var worker: WorkerArguments

    @Flag(help: "Run until a signal instead of until the work is done.")
    var daemon = false

    @Option(help: "How many ticks to count when not a daemon.")
    var ticks = 5

    @Flag(help: "Run a Worker the way a test does, stop it with a simulated SIGTERM, and print its exit code.")
    var check = false

    func run() throws {
        if check {
            Task { @MainActor in
                let code = await checkWorker()
                print("exit code: \(code)")
                code.exit()
            }
            dispatchMain()
        }
        var options = try worker.options()
        options.daemon = daemon
        var hooks = WorkerHooks()
        hooks.onReload = { worker in worker.logger.info("reloading: nothing to reload in the tour") }
        hooks.onWorkerShutdown = { worker, code in worker.logger.info("bye (\(code))") }
        let ticks = daemon ? nil : self.ticks
        Worker(options: options, hooks: hooks) { [App(ticks: ticks)] }.run()
    }
}
