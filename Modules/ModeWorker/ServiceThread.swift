import Dispatch
import ModeConcurrencyHelpers

/// A serial executor backed by one dedicated thread: run a service actor on it, or hand it blocking work.
///
/// The original's `ServiceThread` runs a service in a thread of its own so that blocking libraries do not stall
/// the event loop. Here the thread is an executor:
///
/// - A service actor that returns the thread from `unownedExecutor` runs every hook, task step and method on
///   that thread, so it may call blocking APIs without starving the cooperative pool.
/// - ``run(_:)`` runs a blocking closure on the thread from any task and returns its result or rethrows its
///   error.
/// - As a `TaskExecutor`, it can also host plain tasks (`withTaskExecutorPreference`).
///
/// ```swift
/// actor Database: Service {
///     let runtime = ServiceRuntime()
///     let thread = ServiceThread(name: "db")
///     nonisolated var unownedExecutor: UnownedSerialExecutor { thread.asUnownedSerialExecutor() }
///
///     func onStart() async throws { thread.reopen() }          // serve again after a restart
///     func onShutdown() async throws { thread.shutdown() }     // the thread ends when the service stops
///     func query(_ sql: String) -> [Row] { blockingDriver.run(sql) }  // runs on the thread
/// }
/// ```
///
/// The thread starts with the first job and lives until ``shutdown()``; it then finishes the jobs it has and
/// ends. Work that still arrives after that runs on a short-lived thread of the same name that ends as soon
/// as it is idle, so nothing enqueued is ever lost. A thread that has not ended when a ``Worker``'s stop
/// deadline passes is named in the Worker's report.
///
/// Safe to use from any task.
public final class ServiceThread: SerialExecutor, TaskExecutor, Sendable, CustomStringConvertible {
    private enum Work: Sendable {
        case job(UnownedJob)
        case closure(@Sendable () -> Void)
    }

    private struct State: Sendable {
        var queue: [Work] = []
        var head = 0
        var threadRunning = false
        var threadID: UInt?
        var closed = false
        var jobsRun = 0
    }

    /// The thread's name (the first 15 bytes show in `top -H` and debuggers on Linux).
    public let name: String
    private let state = Locked(State())
    private let wakeup = DispatchSemaphore(value: 0)

    /// Creates the executor; its thread starts with the first job.
    ///
    /// - Parameter name: The thread's name, for debuggers and the Worker's stop report.
    public init(name: String) {
        self.name = name
    }

    /// Whether the thread is running now.
    public var isRunning: Bool { self.state.withLock { $0.threadRunning } }

    /// Whether ``shutdown()`` was called (and ``reopen()`` not since).
    public var isShutDown: Bool { self.state.withLock { $0.closed } }

    /// Whether the calling code runs on this executor's thread.
    public var isCurrent: Bool {
        let me = currentThreadID()
        return self.state.withLock { $0.threadID == me && $0.threadRunning }
    }

    /// `ServiceThread(name)`.
    public var description: String { "ServiceThread(\(self.name))" }

    /// Runs `body` on the thread and returns its result, or rethrows its error.
    ///
    /// The caller suspends, and the cooperative thread it was on is free meanwhile. `body` cannot be
    /// interrupted: cancelling the calling task does not stop it.
    ///
    /// ```swift
    /// let rows = try await thread.run { try blockingDriver.query("SELECT 1") }
    /// ```
    ///
    /// - Parameter body: The blocking work.
    /// - Returns: What `body` returned.
    /// - Throws: What `body` threw.
    public func run<T: Sendable>(_ body: @escaping @Sendable () throws -> T) async throws -> T {
        try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<T, any Error>) in
            self.push(.closure { continuation.resume(with: Result(catching: body)) })
        }
    }

    /// Ends the thread once it has run the jobs it has; later jobs run on a short-lived thread.
    ///
    /// Call it from the owning service's `onShutdown()` (or `onStop()`), so the thread ends with the service.
    public func shutdown() {
        self.state.withLock { $0.closed = true }
        self.wakeup.signal()
    }

    /// Makes the thread long-lived again after ``shutdown()``, for a service that restarts.
    public func reopen() {
        self.state.withLock { $0.closed = false }
    }

    /// Enqueues a job of an actor or task that runs on this executor.
    ///
    /// - Parameter job: The job; it runs on the thread, in order.
    public func enqueue(_ job: consuming ExecutorJob) {
        self.push(.job(UnownedJob(job)))
    }

    /// Stops the program unless the calling code runs on this executor's thread (used by `assumeIsolated`).
    public func checkIsolated() {
        precondition(self.isCurrent, "expected to run on \(self), but running on another thread")
    }

    private func push(_ work: Work) {
        let spawn = self.state.withLock { state -> Bool in
            state.queue.append(work)
            if state.threadRunning { return false }
            state.threadRunning = true
            return true
        }
        if spawn {
            threadRegistry.withLock { $0[ObjectIdentifier(self)] = self }
            do {
                try startDetachedThread(name: self.name) { self.serve() }
            } catch {
                // No thread to be had: run the work here rather than lose it.
                self.state.withLock { $0.threadRunning = false }
                self.drainHere()
                return
            }
        }
        self.wakeup.signal()
    }

    private func next() -> Work? {
        self.state.withLock { state -> Work? in
            guard state.head < state.queue.count else { return nil }
            let work = state.queue[state.head]
            state.head += 1
            if state.head > 64, state.head * 2 > state.queue.count {
                state.queue.removeFirst(state.head)
                state.head = 0
            }
            return work
        }
    }

    private func perform(_ work: Work) {
        switch work {
        case .job(let job):
            job.runSynchronously(isolatedTo: self.asUnownedSerialExecutor(), taskExecutor: self.asUnownedTaskExecutor())
        case .closure(let body):
            body()
        }
        self.state.withLock { $0.jobsRun += 1 }
    }

    private func drainHere() {
        while let work = self.next() { self.perform(work) }
    }

    private func serve() {
        let me = currentThreadID()
        self.state.withLock { $0.threadID = me }
        while true {
            if let work = self.next() {
                self.perform(work)
                continue
            }
            let end = self.state.withLock { state -> Bool in
                guard state.head >= state.queue.count else { return false }  // work arrived meanwhile
                guard state.closed else { return false }
                state.threadRunning = false
                state.threadID = nil
                return true
            }
            if end { break }
            if self.state.withLock({ $0.head < $0.queue.count }) { continue }
            self.wakeup.wait()
        }
        threadRegistry.withLock { registry in
            if registry[ObjectIdentifier(self)] === self, !self.isRunning { registry[ObjectIdentifier(self)] = nil }
        }
    }

    /// The names of the dedicated threads running now; those asked to end are marked `(asked to end)`.
    static func runningThreadNames() -> [String] {
        let threads = threadRegistry.withLock { Array($0.values) }
        return threads.filter(\.isRunning).map { thread in
            thread.isShutDown ? "\(thread.name) (asked to end)" : thread.name
        }.sorted()
    }
}

/// Every ``ServiceThread`` whose thread runs, for the Worker's report at its stop deadline.
private let threadRegistry = Locked<[ObjectIdentifier: ServiceThread]>([:])
