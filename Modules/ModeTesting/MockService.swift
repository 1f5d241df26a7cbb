import ModeConcurrencyHelpers
public import ModeCore

/// A service double: it records its hooks in order, can be told to throw in any hook, to crash after a
/// delay on its clock, and to run idle background tasks.
///
/// ```swift
/// let clock = ManualClock()
/// let db = MockService("db", configuration: ServiceConfiguration(clock: clock))
/// db.fail(in: .start, with: Refused())         // the next start throws in onStart
/// await #expect(throws: Refused.self) { try await db.start() }
/// #expect(db.hooks == [.initDependencies, .firstStart, .start])
///
/// let cache = MockService("cache", configuration: ServiceConfiguration(clock: clock))
/// cache.crash(after: .seconds(30))             // from its next start on
/// try await cache.start()
/// await clock.waitForSleepers(count: 1)
/// clock.advance(by: .seconds(30))
/// await cache.waitForHook(.crashed)            // recorded when the crash task throws
/// ```
///
/// Several mocks can share one ``MockHookLog`` to check the order of hooks across a tree. Every method is safe
/// to call from any task; the configuration methods are `nonisolated` and take effect at the next hook.
public actor MockService: Service {
    /// A hook of a service, as the mock records it.
    public enum Hook: String, Hashable, Sendable, CaseIterable, CustomStringConvertible {
        /// `initDependencies()`, at the first start.
        case initDependencies
        /// `onFirstStart()`.
        case firstStart
        /// `onStart()`.
        case start
        /// `onStarted()`.
        case started
        /// `onStop()`.
        case stop
        /// `onShutdown()`.
        case shutdown
        /// `onRestart()`.
        case restart
        /// Not a hook: the crash task scheduled by ``MockService/crash(after:with:)`` threw.
        case crashed

        /// The raw name.
        public var description: String { self.rawValue }
    }

    private struct Failure {
        var error: any Error
        var remaining: Int
    }

    private struct CountWaiter {
        var hook: Hook
        var count: Int
        var continuation: CheckedContinuation<Void, Never>
    }

    private struct Record {
        var hooks: [Hook] = []
        var failures: [Hook: Failure] = [:]
        var crashPlan: (delay: Duration, error: any Error)?
        var waiters: [Int: CountWaiter] = [:]
        var nextID = 0
    }

    /// The engine of the mock.
    public nonisolated let runtime: ServiceRuntime
    private nonisolated let name: String
    private nonisolated let dependencies: [any Service]
    private nonisolated let taskNames: [String]
    private nonisolated let log: MockHookLog?
    private nonisolated let record = Locked(Record())

    /// Creates a mock service.
    ///
    /// - Parameters:
    ///   - label: Its label in logs, paths and the hook log.
    ///   - configuration: Its runtime settings; pass a `ManualClock` in it for ``crash(after:with:)``.
    ///   - dependencies: Services returned by `initDependencies()`, so they become its children.
    ///   - taskNames: Background tasks to run while started; each waits until the service stops.
    ///   - log: A log shared with other mocks, where each hook is written as `"label.hook"`.
    public init(
        _ label: String = "MockService",
        configuration: ServiceConfiguration = ServiceConfiguration(),
        dependencies: [any Service] = [],
        taskNames: [String] = [],
        log: MockHookLog? = nil
    ) {
        self.runtime = ServiceRuntime(configuration: configuration)
        self.name = label
        self.dependencies = dependencies
        self.taskNames = taskNames
        self.log = log
    }

    /// The label given at creation.
    public nonisolated var label: String { self.name }

    /// Every hook that ran, in order (a hook that throws is recorded too).
    public nonisolated var hooks: [Hook] { self.record.withLock { $0.hooks } }

    /// How many times `hook` ran.
    public nonisolated func count(of hook: Hook) -> Int {
        self.record.withLock { $0.hooks.lazy.filter { $0 == hook }.count }
    }

    /// Makes the next `times` runs of `hook` throw `error` (after recording the hook).
    ///
    /// - Parameters:
    ///   - hook: Where to fail; ``Hook/crashed`` is not a hook and is ignored.
    ///   - error: What to throw.
    ///   - times: How many runs fail; `Int.max` for every run, zero or less clears the failure.
    public nonisolated func fail(in hook: Hook, with error: any Error = MockError.injected("hook"), times: Int = 1) {
        self.record.withLock { record in
            record.failures[hook] = times > 0 ? Failure(error: error, remaining: times) : nil
        }
    }

    /// From the next start on, runs a task that crashes the service with `error` after `delay` on its clock.
    ///
    /// The delay counts from each start; the task ends quietly if the service stops first. A zero or negative
    /// delay crashes at once after the start. Pass `nil` as `delay` to cancel the plan for later starts.
    public nonisolated func crash(after delay: Duration?, with error: any Error = MockError.injected("crash")) {
        self.record.withLock { $0.crashPlan = delay.map { ($0, error) } }
    }

    /// Suspends until `hook` has run at least `count` times (now or earlier).
    ///
    /// Returns early if the calling task is cancelled.
    public nonisolated func waitForHook(_ hook: Hook, count: Int = 1) async {
        let id = self.record.withLock { record -> Int in
            record.nextID += 1
            return record.nextID
        }
        await withTaskCancellationHandler {
            await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
                let ready = self.record.withLock { record -> Bool in
                    if record.hooks.lazy.filter({ $0 == hook }).count >= count || Task.isCancelled { return true }
                    record.waiters[id] = CountWaiter(hook: hook, count: count, continuation: continuation)
                    return false
                }
                if ready { continuation.resume() }
            }
        } onCancel: {
            let waiter = self.record.withLock { $0.waiters.removeValue(forKey: id) }
            waiter?.continuation.resume()
        }
    }

    /// Records `hook`, wakes who waits for it, and throws if a failure is set for it.
    private nonisolated func run(_ hook: Hook) throws {
        let (error, ready) = self.record.withLock { record -> ((any Error)?, [CheckedContinuation<Void, Never>]) in
            record.hooks.append(hook)
            var error: (any Error)?
            if var failure = record.failures[hook] {
                error = failure.error
                failure.remaining -= 1
                record.failures[hook] = failure.remaining > 0 ? failure : nil
            }
            let counts = record.hooks
            let due = record.waiters.filter { entry in
                counts.lazy.filter { $0 == entry.value.hook }.count >= entry.value.count
            }
            for id in due.keys { record.waiters[id] = nil }
            return (error, due.values.map(\.continuation))
        }
        self.log?.append("\(self.name).\(hook)")
        for waiter in ready { waiter.resume() }
        if let error { throw error }
    }

    /// Records the hook and returns the dependencies (it cannot throw; a failure set for it is ignored).
    public func initDependencies() -> [any Service] {
        try? self.run(.initDependencies)
        return self.dependencies
    }

    /// Records the hook; throws if told to.
    public func onFirstStart() throws { try self.run(.firstStart) }
    /// Records the hook; throws if told to.
    public func onStart() throws { try self.run(.start) }
    /// Records the hook; throws if told to.
    public func onStarted() throws { try self.run(.started) }
    /// Records the hook; throws if told to.
    public func onStop() throws { try self.run(.stop) }
    /// Records the hook; throws if told to.
    public func onShutdown() throws { try self.run(.shutdown) }
    /// Records the hook; throws if told to.
    public func onRestart() throws { try self.run(.restart) }

    /// The idle tasks named at creation, and the crash task if one is planned.
    public func backgroundTasks() -> [BackgroundTask] {
        var tasks: [BackgroundTask] = self.taskNames.map { name in
            .task(name) { await self.waitUntilStopped() }
        }
        if let plan = self.record.withLock({ $0.crashPlan }) {
            tasks.append(
                .task("crash") {
                    await self.sleep(for: plan.delay)
                    guard !self.shouldStop else { return }
                    try? self.run(.crashed)
                    throw plan.error
                }
            )
        }
        return tasks
    }
}

/// A log that several ``MockService``s (or a test) write to, to check the order of hooks across services.
///
/// ```swift
/// let log = MockHookLog()
/// let child = MockService("child", log: log)
/// let parent = MockService("parent", dependencies: [child], log: log)
/// try await parent.start()
/// #expect(log.entries == ["parent.initDependencies", "parent.firstStart", "parent.start",
///                         "child.initDependencies", "child.firstStart", "child.start", "child.started",
///                         "parent.started"])
/// ```
///
/// Safe to use from any task.
public final class MockHookLog: Sendable {
    private let storage = Locked<[String]>([])

    /// Creates an empty log.
    public init() {}

    /// Appends `entry`.
    public func append(_ entry: String) {
        self.storage.withLock { $0.append(entry) }
    }

    /// Every entry, in order.
    public var entries: [String] { self.storage.withLock { $0 } }

    /// The entries that start with `prefix` (a service's label and a dot, say), in order.
    public func entries(withPrefix prefix: String) -> [String] { self.entries.filter { $0.hasPrefix(prefix) } }
}
