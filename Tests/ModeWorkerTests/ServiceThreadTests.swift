import ModeConcurrencyHelpers
import ModeCore
import ModeTestSupport
import ModeWorker
import Testing

#if canImport(Glibc)
import Glibc
#endif

/// A service whose every hook and method runs on its own thread.
actor Blocking: Service {
    let runtime = ServiceRuntime()
    let thread = ServiceThread(name: "blocking")
    nonisolated var unownedExecutor: UnownedSerialExecutor { self.thread.asUnownedSerialExecutor() }
    var ranOnThread: [Bool] = []

    func onStart() async throws {
        self.thread.reopen()
        self.ranOnThread.append(self.thread.isCurrent)
    }

    func onShutdown() async throws {
        self.ranOnThread.append(self.thread.isCurrent)
        self.thread.shutdown()
    }

    func read() -> Int {
        usleep(1_000)  // a blocking call, harmless here: this is not a cooperative thread
        self.ranOnThread.append(self.thread.isCurrent)
        return 42
    }
}

struct Nope: Error, Equatable {}

@Suite(.timeLimit(.minutes(1)))
struct ServiceThreadTests {
    @Test func aServiceActorRunsOnItsThreadAndTheThreadEndsWithIt() async throws {
        let service = Blocking()
        try await service.start()
        #expect(await service.read() == 42)
        await service.stop()
        #expect(await service.ranOnThread == [true, true, true])
        #expect(service.thread.isShutDown)
        #expect(try await waitUntil { !service.thread.isRunning })
    }

    @Test func runReturnsTheResultOrRethrowsTheError() async throws {
        let thread = ServiceThread(name: "run")
        let onThread = try await thread.run { thread.isCurrent }
        #expect(onThread)
        #expect(thread.isCurrent == false)
        await #expect(throws: Nope()) { try await thread.run { () throws -> Int in throw Nope() } }
        thread.shutdown()
        #expect(try await waitUntil { !thread.isRunning })
        // Work after the shutdown still runs, on a short-lived thread that ends once idle.
        #expect(try await thread.run { 7 } == 7)
        #expect(try await waitUntil { !thread.isRunning })
    }

    @Test func jobsRunInOrder() async throws {
        let thread = ServiceThread(name: "order")
        let seen = Locked<[Int]>([])
        try await withThrowingTaskGroup(of: Void.self) { group in
            for index in 0..<50 {
                try await thread.run { seen.withLock { $0.append(index) } }
                group.addTask { try await thread.run { () } }
            }
            try await group.waitForAll()
        }
        #expect(seen.withLock { $0 } == Array(0..<50))
        thread.shutdown()
        #expect(try await waitUntil { !thread.isRunning })
    }

    @Test func theMonitorSeesAThreadBlockedOnPurpose() async throws {
        let thread = ServiceThread(name: "watched")
        let monitor = try ExecutorMonitor(threshold: .milliseconds(100), interval: .milliseconds(10))
        let events = Locked<[String]>([])
        let watching = Task {
            await withTaskExecutorPreference(thread) {
                await monitor.run { event in
                    switch event {
                    case .blocked: events.withLock { $0.append("blocked") }
                    case .recovered: events.withLock { $0.append("recovered") }
                    }
                }
            }
        }
        #expect(try await waitUntil { monitor.beats >= 2 })  // the heartbeat runs on the thread
        // A loaded machine (ThreadSanitizer, say) may delay a beat by itself; count from here.
        let before = monitor.blockedCount
        let seenBefore = events.withLock { $0.count }
        _ = try await thread.run { usleep(400_000) }  // the heartbeat shares this thread: it cannot beat now
        #expect(monitor.blockedCount > before)
        #expect(
            try await waitUntil {
                events.withLock { Array($0.dropFirst(seenBefore).prefix(2)) } == ["blocked", "recovered"]
            }
        )
        #expect(monitor.worstLateness > .milliseconds(100))
        watching.cancel()
        await watching.value
        #expect(monitor.isHealthy)
        thread.shutdown()
    }

    @Test func monitorSettingsAreChecked() throws {
        #expect(throws: WorkerError.invalidArgument("")) { try ExecutorMonitor(threshold: .zero) }
        #expect(throws: WorkerError.invalidArgument("")) { try ExecutorMonitor(threshold: .seconds(-1)) }
        #expect(throws: WorkerError.invalidArgument("")) {
            try ExecutorMonitor(threshold: .seconds(1), interval: .zero)
        }
        let huge = try ExecutorMonitor(threshold: .seconds(Int64.max))
        #expect(huge.interval == .milliseconds(250))
        let tiny = try ExecutorMonitor(threshold: .nanoseconds(1))
        #expect(tiny.interval == .milliseconds(1))
    }
}

/// Polls `condition` every millisecond for at most two seconds (thread ends are only observable this way).
func waitUntil(_ condition: @escaping @Sendable () -> Bool) async throws -> Bool {
    try await offPool {
        for _ in 0..<2_000 {
            if condition() { return true }
            usleep(1_000)
        }
        return condition()
    }
}
