import Logging
import ModeConcurrencyHelpers
import ModeLogging
import Synchronization

/// The engine of one service: its state machine, children, owned tasks, flags, cleanups and beacon node.
///
/// A service keeps exactly one runtime in a stored property and never shares it:
///
/// ```swift
/// actor Cache: Service {
///     let runtime = ServiceRuntime()
/// }
/// ```
///
/// You rarely call the runtime directly: the `Service` extensions (`start()`, `stop()`, `addTask(_:_:)`,
/// `sleep(for:)`, ...) do. All of its state sits behind one `Mutex`, and every method is safe to call from any
/// task. Lifecycle operations (start, stop, restart) of one service are serialised by an async lock, so
/// concurrent callers always see a legal state: a second `stop()` waits for the first to finish.
public final class ServiceRuntime: Sendable, AlarmTarget {
    /// The settings this runtime was created with.
    public let configuration: ServiceConfiguration
    /// A copy of `shouldStop` that reads without the lock, for the checks that run often (a start's checkpoints,
    /// a timer's every tick, `shouldStop` itself). Written under the lock, by `updateStopFlag`, wherever the stop or
    /// crash flag changes. Declared right after the configuration, so that it sits in that struct's tail bytes
    /// and the runtime stays one 64-byte allocation.
    let stopFlag = Atomic<Bool>(false)
    /// Diagnostic flags: what the service is doing right now, for dumps and debugging (made on first use).
    public var diag: Diag {
        if let diag = self.state.withLock({ $0.diag }) { return diag }
        let fresh = Diag(clock: self.configuration.serviceClock)
        return self.state.withLock { state in
            if let diag = state.diag { return diag }
            state.diag = fresh
            return fresh
        }
    }

    /// The async lock of `start()`, `stop()` and `restart()`; its state lives in ``state``.
    var lifecycle: LifecycleLock { LifecycleLock(runtime: self) }
    let state: Locked<State>

    /// Creates a runtime with `configuration`.
    public init(configuration: ServiceConfiguration = ServiceConfiguration()) {
        self.configuration = configuration
        self.state = Locked(State())
    }

    /// Creates a runtime whose waits, sleeps and timers use `clock`.
    public convenience init<C: Clock<Duration>>(clock: C) {
        self.init(configuration: ServiceConfiguration(clock: clock))
    }

    var clock: ServiceClock { self.configuration.serviceClock }

    // MARK: - State

    enum Phase: Sendable {
        case initial, starting, running, failed, stopping, stopped
    }

    struct OwnedTask: Sendable {
        var name: String
        /// The task itself, to cancel it and to know it: its `hashValue` is what `withUnsafeCurrentTask` gives
        /// inside the task. One pointer (see ``OwnedTaskHandle``).
        var handle: OwnedTaskHandle

        /// A declared background task's entry: its `Task` as it is.
        init(name: String, handle: Task<Void, Never>) {
            self.name = name
            self.handle = .background(handle)
        }

        /// Any other task's entry (`addTask`): its `Task` in a box.
        init(name: String, handle: some CancellableTask) {
            self.name = name
            self.handle = .boxed(OwnedTaskHandle.Box(handle))
        }
    }

    struct Cleanup: Sendable {
        var name: String
        var run: @Sendable ((any Error)?) async throws -> Void
    }

    enum WaiterSlot {
        case reserved
        case waiting(condition: @Sendable (State) -> Bool, continuation: UnsafeContinuation<Bool, Never>)
        /// A `sleep(for:)`: waits for `shouldStop`, and owns its alarm (whoever ends the sleep cancels it).
        case sleeping(continuation: UnsafeContinuation<Void, Never>, alarm: UInt64?)
        case expired
    }

    struct State: Sendable {
        var node: Node<ServiceNode>?
        var label = "Service"
        var children: [any Service] = []
        var tasks = OwnedTasks()
        var waiters = SmallTable<WaiterSlot>()
        var nextID = 0
        var introspection = RuntimeIntrospection()
        /// What most services never use, kept out of line: an empty array is one pointer and no allocation, and
        /// the first write of a non-default value makes its one element. Read and written through the
        /// properties below.
        private var rare: [Rare] = []
        // The lock's state ends in an optional, and the flags below fill the bytes after it: every service keeps
        // one `State`, so its size is an idle service's cost (see Docs/ModeCore.md, "Memory").
        var lifecycleLock = LifecycleLock.State()
        /// Whether `bind` recorded the service and its label.
        var bound = false
        var phase = Phase.initial {
            didSet { self.noteTransition(from: self.crashed ? .crashed : oldValue.state) }
        }
        var started = false
        var stopRequested = false
        var shutdown = false
        var crashed = false {
            didSet { self.noteTransition(from: oldValue ? .crashed : self.lifecycleState) }
        }
        var acceptingTasks = true

        var shouldStop: Bool { self.stopRequested || self.crashed }

        /// The fields of ``rare``.
        struct Rare: Sendable {
            var pendingTransitions: [(from: ServiceState, to: ServiceState)] = []
            var restartCount = 0
            var crashReason: (any Error)?
            var abandonedTasks: [Int: String] = [:]
            var cleanups: [Cleanup] = []
            weak var supervisor: (any ServiceSupervisor)?
            var diag: Diag?
            var loggerCache: LoggerCache?
            var timers: [Int: RuntimeIntrospection.RegisteredTimer] = [:]
        }

        /// Writes `value` into the rare fields; a default value where there are none yet allocates nothing.
        private mutating func setRare<Value>(_ field: WritableKeyPath<Rare, Value>, _ value: Value, isDefault: Bool) {
            if self.rare.isEmpty {
                if isDefault { return }
                self.rare.append(Rare())
            }
            self.rare[0][keyPath: field] = value
        }

        var pendingTransitions: [(from: ServiceState, to: ServiceState)] {
            get { self.rare.first?.pendingTransitions ?? [] }
            set { self.setRare(\.pendingTransitions, newValue, isDefault: newValue.isEmpty) }
        }
        /// How many times `restart()` reset the service (out of line: most services are never restarted).
        var restartCount: Int {
            get { self.rare.first?.restartCount ?? 0 }
            set { self.setRare(\.restartCount, newValue, isDefault: newValue == 0) }
        }
        var crashReason: (any Error)? {
            get { self.rare.first?.crashReason }
            set { self.setRare(\.crashReason, newValue, isDefault: newValue == nil) }
        }
        var abandonedTasks: [Int: String] {
            get { self.rare.first?.abandonedTasks ?? [:] }
            set { self.setRare(\.abandonedTasks, newValue, isDefault: newValue.isEmpty) }
        }
        var cleanups: [Cleanup] {
            get { self.rare.first?.cleanups ?? [] }
            set { self.setRare(\.cleanups, newValue, isDefault: newValue.isEmpty) }
        }
        var supervisor: (any ServiceSupervisor)? {
            get { self.rare.first?.supervisor }
            set { self.setRare(\.supervisor, newValue, isDefault: newValue == nil) }
        }
        var diag: Diag? {
            get { self.rare.first?.diag }
            set { self.setRare(\.diag, newValue, isDefault: newValue == nil) }
        }
        var loggerCache: LoggerCache? {
            get { self.rare.first?.loggerCache }
            set { self.setRare(\.loggerCache, newValue, isDefault: newValue == nil) }
        }
        /// The service's timers, for snapshots (see `registerTimer`).
        var timers: [Int: RuntimeIntrospection.RegisteredTimer] {
            get { self.rare.first?.timers ?? [:] }
            set { self.setRare(\.timers, newValue, isDefault: newValue.isEmpty) }
        }

        /// Records the service's label, unless a label was recorded already (the first service wins).
        mutating func bind(label: String) {
            guard !self.bound else { return }
            self.bound = true
            self.label = label
        }

        mutating func makeID() -> Int {
            self.nextID &+= 1
            return self.nextID
        }

        /// The lifecycle phase as a public state, without the crash flag.
        var lifecycleState: ServiceState { self.phase.state }

        var serviceState: ServiceState { self.crashed ? .crashed : self.lifecycleState }

        /// Removes the waiters whose condition holds now and returns their continuations (and the alarms of
        /// the sleeps among them, to cancel).
        mutating func satisfiedWaiters() -> Satisfied {
            var ready = Satisfied()
            guard !self.waiters.isEmpty else { return ready }
            for (id, slot) in self.waiters {
                switch slot {
                case .waiting(let condition, let continuation) where condition(self):
                    ready.waits.append(continuation)
                    self.waiters[id] = nil
                case .sleeping(let continuation, let alarm) where self.shouldStop:
                    ready.sleeps.append((continuation, alarm))
                    self.waiters[id] = nil
                default:
                    break
                }
            }
            return ready
        }
    }

    struct Satisfied {
        var waits: [UnsafeContinuation<Bool, Never>] = []
        var sleeps: [(continuation: UnsafeContinuation<Void, Never>, alarm: UInt64?)] = []
    }

    /// Copies `state`'s `shouldStop` into ``stopFlag``; call under the lock after changing the stop or crash flag.
    func updateStopFlag(_ state: State) {
        self.stopFlag.store(state.shouldStop, ordering: .releasing)
    }

    /// Wakes every waiter whose condition now holds; call after any change a waiter may wait for.
    func signal() {
        let ready = self.state.withLock { state in
            assert(
                self.stopFlag.load(ordering: .relaxed) == state.shouldStop,
                "stopFlag out of date: a change of the stop or crash flag did not call updateStopFlag"
            )
            return state.satisfiedWaiters()
        }
        for continuation in ready.waits { continuation.resume(returning: true) }
        guard !ready.sleeps.isEmpty else { return }
        let alarms = self.clock.alarms
        for sleep in ready.sleeps {
            if let alarm = sleep.alarm { alarms.cancel(alarm) }
            sleep.continuation.resume()
        }
    }

    // MARK: - Binding to the service

    /// Records the service this runtime belongs to; the first service wins.
    ///
    /// The beacon node is made later, by ``beaconNode(for:)``, when something needs it (a parent or child, the
    /// `beacon` property): until then the service is the root of its own one-node tree (depth 1, path = its
    /// label), and a service that never joins a tree pays for no node.
    ///
    /// The runtime keeps no reference to its service: the callers that need it pass it in, and the beacon node
    /// links to it (see ``ServiceLink``). A first weak reference to an object gives it a side table (48 bytes),
    /// which makes its retains and releases slower and which an idle service outside a tree need not pay for.
    func bind(_ service: some Service) {
        if self.state.withLock({ $0.bound }) { return }
        let label = service.shortLabel
        self.state.withLock { $0.bind(label: label) }
    }

    /// The service's beacon node, made on first use.
    func beaconNode(for service: some Service) -> Node<ServiceNode> {
        self.beaconNode(for: service, keeping: false)
    }

    /// The service's beacon node, made on first use; a node made here for `addChildren` keeps its service
    /// (see ``ServiceLink``), any other observes it.
    private func beaconNode(for service: some Service, keeping: Bool) -> Node<ServiceNode> {
        // One look for the node and the label; binding, if still needed, goes with storing the new node.
        let (existing, bound, boundLabel) = self.state.withLock { ($0.node, $0.bound, $0.label) }
        if let existing { return existing }
        let label = bound ? boundLabel : service.shortLabel
        let link = keeping ? ServiceLink(keeping: service) : ServiceLink(observing: service)
        return self.state.withLock { state in
            if let node = state.node { return node }
            state.bind(label: label)
            // The bound label: a concurrent `bind` may have been first.
            let fresh = Node(ServiceNode(label: state.label, link: link))
            state.node = fresh
            return fresh
        }
    }

    /// Makes the beacon node observe its service instead of keeping it: at the end of every stop (and of a
    /// failed start), and when the service leaves its parent.
    func releaseService() {
        self.state.withLock { $0.node }?.value.link.release()
    }

    var label: String { self.state.withLock { $0.label } }
    /// The labels from the root of the tree down to this service, as `App/Webserver`.
    var labelPath: String {
        let (label, node) = self.state.withLock { ($0.label, $0.node) }
        return node?.path ?? label
    }

    /// The lifecycle phase alone, without the crash flag that ``serviceState`` puts first.
    public var lifecycleState: ServiceState { self.state.withLock { $0.lifecycleState } }

    /// The service state: `crashed` wins, then the lifecycle phase.
    public var serviceState: ServiceState { self.state.withLock { $0.serviceState } }
    /// Whether the service was asked to stop or crashed: loops in tasks should end.
    public var shouldStop: Bool { self.stopFlag.load(ordering: .acquiring) }
    /// Whether `start()` was called since the last reset.
    public var isStarted: Bool { self.state.withLock { $0.started } }
    /// Whether the service crashed since the last reset.
    public var isCrashed: Bool { self.state.withLock { $0.crashed } }
    /// The error the service crashed with, if it crashed.
    public var crashReason: (any Error)? { self.state.withLock { $0.crashReason } }
    /// How many times the service was reset by `restart()`.
    public var restartCount: Int { self.state.withLock { $0.restartCount } }
    /// The names of the owned tasks that are running now.
    public var runningTaskNames: [String] { self.state.withLock { $0.tasks.values.map(\.name) }.sorted() }
    /// The names of the owned tasks that ignored cancellation past the grace period of a stop and still run.
    public var abandonedTaskNames: [String] { self.state.withLock { $0.abandonedTasks.values.sorted() } }
    /// The children, in the order they were added.
    public var children: [any Service] { self.state.withLock { $0.children } }
    /// The supervisor that restarts this service when it crashes, if one is set.
    public var supervisor: (any ServiceSupervisor)? { self.state.withLock { $0.supervisor } }

    /// Sets or clears the supervisor that is woken when this service crashes.
    public func setSupervisor(_ supervisor: (any ServiceSupervisor)?) {
        self.state.withLock { $0.supervisor = supervisor }
    }

    // MARK: - Logging

    func metadata() -> Logger.Metadata {
        let (label, node) = self.state.withLock { ($0.label, $0.node) }
        return [
            ServiceRuntime.serviceMetadataKey: .string(label),
            ServiceRuntime.depthMetadataKey: .string(String(node?.depth ?? 1)),
        ]
    }

    /// The configured logger with this service's label and depth as metadata.
    ///
    /// Made once and kept until a node of any tree moves (the depth may have changed), so the `logger` a
    /// service logs through in a loop costs a lock, not a new metadata dictionary per line.
    var serviceLogger: Logger {
        let generation = Node<ServiceNode>.treeGeneration
        if let cached = self.state.withLock({ $0.loggerCache }), cached.generation == generation {
            return cached.logger
        }
        var logger = self.configuration.logger
        for (key, value) in self.metadata() { logger[metadataKey: key] = value }
        let fresh = LoggerCache(generation: generation, logger: logger)
        self.state.withLock { $0.loggerCache = fresh }
        return logger
    }

    /// A service logger and the tree generation it was made at.
    final class LoggerCache: Sendable {
        let generation: Int
        let logger: Logger

        init(generation: Int, logger: Logger) {
            self.generation = generation
            self.logger = logger
        }
    }

    func log(_ level: Logger.Level, _ message: @autoclosure () -> Logger.Message) {
        self.configuration.logger.log(level: level, message(), metadata: self.metadata())
    }

    /// The metadata key holding the service's short label on every log line of a service
    /// (ModeLogging's `ModeMetadataKey.service`).
    public static let serviceMetadataKey = ModeMetadataKey.service
    /// The metadata key holding the service's depth in the tree (the root is 1) on every log line of a service
    /// (ModeLogging's `ModeMetadataKey.depth`).
    public static let depthMetadataKey = ModeMetadataKey.depth

    // MARK: - Waiting

    /// Suspends until `condition` holds, `timeout` passes, or the calling task is cancelled.
    ///
    /// - Returns: Whether the condition holds (`false` on timeout or cancellation).
    func suspend(
        until condition: @escaping @Sendable (State) -> Bool,
        timeout: Duration? = nil,
        cancellable: Bool = true
    ) async -> Bool {
        let id: Int? = self.state.withLock { state in
            if condition(state) { return nil }
            let id = state.makeID()
            state.waiters[id] = .reserved
            return id
        }
        guard let id else { return true }
        guard let timeout else { return await self.park(id, condition, cancellable: cancellable) }
        // No helper task races the clock: an alarm of the clock ends the wait at its deadline, through the same
        // slot a stop, a crash or a cancellation resumes (whichever comes first wins; the others find it gone).
        let clock = self.clock
        let alarm = clock.alarms.set(at: clock.now + timeout, runtime: self, waiter: id)
        if alarm == nil { self.expire(id) }  // not in the future: time is up before the wait begins
        let result = await self.park(id, condition, cancellable: cancellable)
        if let alarm { clock.alarms.cancel(alarm) }
        return result
    }

    /// Sleeps for `duration` on the service's clock, or until the service should stop, or the task is cancelled:
    /// `Service.sleep(for:)`.
    ///
    /// ``suspend(until:timeout:cancellable:)`` made flat: an idle service's task spends its life here, and every
    /// frame of its call chain takes room in the task's allocator (see ``spawnBackground(_:service:_:)``). So the
    /// sleep keeps nothing across its suspension: the slot holds the continuation and the alarm, and whoever
    /// empties the slot (a stop or crash, a cancellation, the alarm) resumes the one and cancels the other.
    @usableFromInline
    func sleep(for duration: Duration) async {
        let id: Int? = self.state.withLock { state in
            if state.shouldStop { return nil }
            let id = state.makeID()
            state.waiters[id] = .reserved
            return id
        }
        guard let id else { return }
        await withTaskCancellationHandler {
            await withUnsafeContinuation { (continuation: UnsafeContinuation<Void, Never>) in
                let clock = self.clock
                let alarm = clock.alarms.set(at: clock.now + duration, runtime: self, waiter: id)
                let parked: Bool = self.state.withLock { state in
                    guard case .reserved = state.waiters[id], alarm != nil, !state.shouldStop, !Task.isCancelled
                    else {
                        state.waiters[id] = nil
                        return false
                    }
                    state.waiters[id] = .sleeping(continuation: continuation, alarm: alarm)
                    return true
                }
                if !parked {
                    if let alarm { clock.alarms.cancel(alarm) }
                    continuation.resume()
                }
            }
        } onCancel: {
            self.expire(id)
        }
    }

    /// Ends the wait `waiter` unsatisfied: its deadline came (see ``SleepAlarms``).
    package func alarmRang(_ waiter: Int) {
        self.expire(waiter)
    }

    private func park(
        _ id: Int,
        _ condition: @escaping @Sendable (State) -> Bool,
        cancellable: Bool = true
    ) async -> Bool {
        guard cancellable else {
            return await withUnsafeContinuation { self.wait(id, condition, $0, honouringCancellation: false) }
        }
        return await withTaskCancellationHandler {
            await withUnsafeContinuation { self.wait(id, condition, $0, honouringCancellation: true) }
        } onCancel: {
            self.expire(id)
        }
    }

    /// Parks `continuation` in the slot `id`, or resumes it at once when the condition holds already, the wait
    /// expired before it parked, or (when `honouringCancellation`) the task is cancelled.
    private func wait(
        _ id: Int,
        _ condition: @escaping @Sendable (State) -> Bool,
        _ continuation: UnsafeContinuation<Bool, Never>,
        honouringCancellation: Bool
    ) {
        let immediate: Bool? = self.state.withLock { state in
            if condition(state) {
                state.waiters[id] = nil
                return true
            }
            if case .expired = state.waiters[id] {
                state.waiters[id] = nil
                return false
            }
            if honouringCancellation, Task.isCancelled {
                state.waiters[id] = nil
                return false
            }
            state.waiters[id] = .waiting(condition: condition, continuation: continuation)
            return nil
        }
        if let immediate { continuation.resume(returning: immediate) }
    }

    /// Ends the wait `id` unsatisfied (timeout or cancellation), even before it parked.
    private func expire(_ id: Int) {
        let ended: (wait: UnsafeContinuation<Bool, Never>?, sleep: UnsafeContinuation<Void, Never>?, alarm: UInt64?) =
            self.state.withLock { state in
                switch state.waiters[id] {
                case .reserved:
                    state.waiters[id] = .expired
                    return (nil, nil, nil)
                case .waiting(_, let continuation):
                    state.waiters[id] = nil
                    return (continuation, nil, nil)
                case .sleeping(let continuation, let alarm):
                    state.waiters[id] = nil
                    return (nil, continuation, alarm)
                case .expired, nil:
                    return (nil, nil, nil)
                }
            }
        ended.wait?.resume(returning: false)
        if let alarm = ended.alarm { self.clock.alarms.cancel(alarm) }  // a no-op when it is the alarm that rang
        ended.sleep?.resume()
    }

    /// Suspends until the service should stop (stopped or crashed) or the calling task is cancelled.
    func waitUntilShouldStop(timeout: Duration? = nil) async -> Bool {
        await self.suspend(until: { $0.shouldStop }, timeout: timeout)
    }

    // MARK: - Owned tasks

    // An owned task is known by its identity (the hash of the running task, as `LifecycleLock` keeps it), not by
    // a task-local value: pushing one costs room in the task's allocator that an idle task cannot spare (see
    // `spawnBackground`). `requestStop(from:)` and `stopTasks()` look for the caller among the owned tasks by it.
    // A child task of an owned task is not the owned task; `stopTasks()` still finds out when its caller runs
    // inside one.

    /// Starts `operation` as a task owned by this service: named, cancelled and awaited on stop.
    func spawn<Success: Sendable>(
        _ name: String,
        service: some Service,
        _ operation: @escaping @Sendable () async throws -> Success
    ) throws -> Task<Success, any Error> {
        let result: Result<Task<Success, any Error>, ServiceError> = self.state.withLock { state in
            guard state.acceptingTasks else {
                return .failure(.notRunning(state.label, adding: "task \"\(name)\""))
            }
            let id = state.makeID()
            // Creating the task under the lock only enqueues it; its first access to this state waits for the
            // lock, so the entry below is always in place before the task can remove it.
            let task = Task<Success, any Error>(name: "\(state.label).\(name)") {
                do {
                    let value = try await operation()
                    self.taskEnded(id)
                    return value
                } catch {
                    self.taskFailed(id, name: name, error: error, service: service)
                    throw error
                }
            }
            state.tasks[id] = OwnedTask(name: name, handle: task)
            return .success(task)
        }
        return try result.get()
    }

    /// Starts a declared background task: as ``spawn(_:service:_:)``, but not generic, calling the operation
    /// directly, and without a Swift task name (the runtime keeps the name: logs, `runningTaskNames`, snapshots
    /// and stop warnings show it).
    ///
    /// An idle service's task sleeps with its whole call chain in its task allocator, whose first slab holds
    /// about 1 KB. A generic wrapper, one more closure layer, a task-local value or a task name there each make
    /// a task that sleeps in `Task.sleep` take a second slab: another kilobyte per idle service.
    func spawnBackground(
        _ name: String,
        service: any Service,
        _ operation: BackgroundTask.Operation
    ) throws {
        try self.state.withLock { state in
            guard state.acceptingTasks else {
                throw ServiceError.notRunning(state.label, adding: "task \"\(name)\"")
            }
            let id = state.makeID()
            // Created under the lock, as in `spawn`: the entry below is in place before the task can remove it.
            // One task body per kind of operation, so that its closure captures the operation without the
            // enum's tag, and `service` without `self` (its runtime): the closure's box (which also holds the
            // task's isolation) takes 72 bytes, a malloc chunk of 80, where it took 88 in one of 96.
            let task: Task<Void, Never>
            switch operation {
            case .plain(let operation):
                task = Task {
                    do {
                        try await operation()
                        service.runtime.taskEnded(id)
                    } catch {
                        service.runtime.backgroundTaskFailed(id, error: error, service: service)
                    }
                }
            case .withRuntime(let operation):
                task = Task {
                    do {
                        try await operation(service.runtime, service)
                        service.runtime.taskEnded(id)
                    } catch {
                        service.runtime.backgroundTaskFailed(id, error: error, service: service)
                    }
                }
            }
            state.tasks[id] = OwnedTask(name: name, handle: task)
        }
    }

    /// A declared background task threw `error`.
    private func backgroundTaskFailed(_ id: Int, error: any Error, service: any Service) {
        // The name is read back rather than captured: the task's context stays smaller.
        let name = self.state.withLock { $0.tasks[id]?.name ?? $0.abandonedTasks[id] } ?? "task"
        self.taskFailed(id, name: name, error: error, service: service)
    }

    private func taskEnded(_ id: Int) {
        let drained = self.state.withLock { state -> Bool in
            state.tasks[id] = nil
            state.abandonedTasks[id] = nil
            return state.tasks.count <= 1
        }
        if drained { self.signal() }
    }

    private func taskFailed(_ id: Int, name: String, error: any Error, service: some Service) {
        let stopping = self.state.withLock { !$0.acceptingTasks || $0.stopRequested }
        if error is CancellationError {
            if !stopping {
                self.log(self.configuration.mundaneLevel, "Terminating cancelled task: \(name)")
            }
        } else {
            self.crash(error, service: service)
        }
        self.taskEnded(id)
    }

    /// Cancels every owned task and waits for them, at most the grace period; the rest are reported and
    /// abandoned.
    func stopTasks() async {
        let current = LifecycleLock.currentTaskID()  // a stop step's task counts as the task that runs the stop
        var (me, cancels) = self.state.withLock { state -> (Int?, [(id: Int, handle: any CancellableTask)]) in
            state.acceptingTasks = false
            let me = state.tasks.first { $0.value.handle.hashValue == current }?.key
            return (me, state.tasks.filter { $0.key != me }.map { ($0.key, $0.value.handle) })
        }
        guard !cancels.isEmpty else { return }
        // A stop called from a child task of an owned task (a task group or `wait` inside it) must not wait for
        // that owned task, which waits for the caller: cancelling it cancels the caller too, which tells which
        // one it is.
        let checkAncestor = me == nil && !Task.isCancelled
        for (id, handle) in cancels {
            handle.cancel()
            if checkAncestor, me == nil, Task.isCancelled { me = id }
        }
        let caller = me
        let drained = await self.suspend(
            until: { state in state.tasks.keys.allSatisfy { $0 == caller } },  // all done but the caller's own task
            timeout: self.configuration.taskCancellationGracePeriod,
            cancellable: !checkAncestor || caller == nil  // the caller was cancelled with its owned task just now
        )
        if !drained {
            let names = self.state.withLock { state -> [String] in
                let abandoned = state.tasks.filter { $0.key != me }
                for (id, task) in abandoned {
                    state.tasks[id] = nil
                    state.abandonedTasks[id] = task.name
                }
                return abandoned.map(\.value.name).sorted()
            }
            if !names.isEmpty {
                self.log(
                    .warning,
                    "Abandoning tasks that ignored cancellation for \(self.configuration.taskCancellationGracePeriod): \(names.joined(separator: ", "))"
                )
            }
        }
    }

    // MARK: - Cleanups

    func addCleanup(_ name: String, _ run: @escaping @Sendable ((any Error)?) async throws -> Void) throws {
        try self.state.withLock { state in
            guard state.acceptingTasks else { throw ServiceError.notRunning(state.label, adding: "cleanup \"\(name)\"") }
            state.cleanups.append(Cleanup(name: name, run: run))
        }
    }

    func checkAccepting(_ what: String) throws {
        try self.state.withLock { state in
            guard state.acceptingTasks else { throw ServiceError.notRunning(state.label, adding: what) }
        }
    }

    private func runCleanups(error: (any Error)?) async {
        let cleanups = self.state.withLock { state -> [Cleanup] in
            defer { state.cleanups = [] }
            return state.cleanups
        }
        for cleanup in cleanups.reversed() {
            await self.runStopStep("cleanup \(cleanup.name)") {
                do {
                    try await cleanup.run(error)
                } catch {
                    self.log(.error, "Error in cleanup \(cleanup.name): \(error)")
                }
            }
        }
    }

    // MARK: - Children

    func addChild(_ child: any Service, to parent: some Service) throws {
        let parentNode = self.beaconNode(for: parent)
        let childNode = child.runtime.beaconNode(for: child)
        guard child.runtime !== self else {
            throw ServiceError.dependencyCycle(self.label, self.label)
        }
        if childNode.parent === parentNode { return }
        let previousParent = childNode.parent?.value.runtime
        try childNode.reattach(to: parentNode)
        // A service has one parent: added to a second one, it moves (the beacon node moved above). Leaving it
        // in the old parent's list too would let the lists form a cycle that the tree check cannot see.
        if let previousParent, previousParent !== self {
            previousParent.state.withLock { $0.children.removeAll { $0 === child } }
        }
        self.state.withLock { state in
            if !state.children.contains(where: { $0 === child }) { state.children.append(child) }
        }
    }

    /// Adds `dependencies` as children of `parent`, in order (the first start's `initDependencies`).
    func addChildren(_ dependencies: [any Service], to parent: some Service) throws {
        guard !dependencies.isEmpty else { return }
        let parentNode = self.beaconNode(for: parent)
        var added: [any Service] = []
        added.reserveCapacity(dependencies.count)
        // Also when a later dependency is refused (a cycle): the ones attached before it are children, so the
        // failed start's teardown stops them, and their nodes stop keeping them (see `ServiceLink`).
        defer {
            self.state.withLock { state in
                for child in added where !state.children.contains(where: { $0 === child }) {
                    state.children.append(child)
                }
            }
        }
        for child in dependencies {
            guard child.runtime !== self else { throw ServiceError.dependencyCycle(self.label, self.label) }
            let childNode = child.runtime.beaconNode(for: child, keeping: true)
            let previousParent = try childNode.move(to: parentNode)
            if previousParent === parentNode { continue }
            if let previous = previousParent?.value.runtime, previous !== self {
                previous.state.withLock { $0.children.removeAll { $0 === child } }
            }
            added.append(child)
        }
    }

    func removeChild(_ child: any Service) throws {
        let childLabel = child.runtime.label  // read before taking this lock: never hold two services' locks
        try self.state.withLock { state in
            guard let index = state.children.firstIndex(where: { $0 === child }) else {
                throw ServiceError.notAChild(childLabel, state.label)
            }
            state.children.remove(at: index)
        }
        let childNode = child.runtime.state.withLock { $0.node }
        childNode?.detach()
        childNode?.value.link.release()
    }

    // MARK: - Crash

    func crash(_ error: any Error, service: some Service) {
        self.bind(service)
        self.log(.error, "Crashed reason=\(error)")
        // Test and set in one step, so that of two concurrent crashes only one tells the supervisor.
        let (alreadyCrashed, supervisor) = self.state.withLock { state in
            let crashed = state.crashed
            state.crashed = true
            state.crashReason = error
            self.updateStopFlag(state)
            return (crashed, state.supervisor)
        }
        self.reportTransitions(service)
        if !alreadyCrashed {
            self.recordCrashMetric()
            if let supervisor {
                self.markCrashed(error, service: service)
                supervisor.serviceDidCrash(service, reason: error)
                return
            }
            // Unsupervised: the crash climbs the beacon to the root, or to the nearest supervised ancestor (a
            // service without a node has no parent).
            let ancestors = self.state.withLock { $0.node }?.walk().dropFirst() ?? []
            for ancestor in ancestors {
                guard let ancestorService = ancestor.value.service else { continue }
                let runtime = ancestorService.runtime
                if let ancestorSupervisor = runtime.supervisor {
                    runtime.log(.error, "Crashed reason=\(error)")
                    runtime.markCrashed(error, service: ancestorService)
                    ancestorSupervisor.serviceDidCrash(ancestorService, reason: error)
                    break
                }
                runtime.markCrashed(error, service: ancestorService)
            }
        }
        self.markCrashed(error, service: service)
    }

    /// Marks this service and its whole subtree crashed with `reason`.
    func markCrashed(_ reason: any Error, service: some Service) {
        let children = self.state.withLock { state -> [any Service] in
            state.crashed = true
            state.crashReason = reason
            self.updateStopFlag(state)
            return state.children
        }
        self.reportTransitions(service)
        self.signal()
        for child in children { child.runtime.markCrashed(reason, service: child) }
    }

    // MARK: - Shutdown flag

    /// Sets the shutdown flag that `stop()` waits for when `waitForShutdown` is configured.
    public func setShutdown() {
        self.state.withLock { $0.shutdown = true }
        self.signal()
    }

    // MARK: - Lifecycle

    /// Marks the stop request and wakes sleepers; returns `false` when the service has already stopped.
    func requestStop() -> Bool {
        self.requestStop(from: LifecycleLock.currentTaskID()).proceed
    }

    /// What ``requestStop(from:)`` found, besides setting the flag.
    struct StopRequest {
        /// `false` when the service has already stopped.
        var proceed: Bool
        /// Whether the service has its label (``bind(_:)`` ran).
        var bound: Bool
        /// Whether the calling task holds the lifecycle lock (a stop from inside the service's start or stop).
        var heldByCaller: Bool
        /// Whether the calling task is one of the service's own tasks.
        var callerIsOwned: Bool
    }

    /// Marks the stop request and wakes sleepers, and reads in the same look what a stop decides next.
    func requestStop(from me: Int) -> StopRequest {
        let (request, hasWaiters) = self.state.withLock { state -> (StopRequest, Bool) in
            let request = StopRequest(
                proceed: state.phase != .stopped,
                bound: state.bound,
                heldByCaller: state.lifecycleLock.holder == me,
                callerIsOwned: state.tasks.contains { $0.value.handle.hashValue == me }
            )
            if request.proceed {
                state.stopRequested = true
                self.updateStopFlag(state)
            }
            return (request, !state.waiters.isEmpty)
        }
        if hasWaiters { self.signal() }
        return request
    }

    func start(_ service: some Service) async throws {
        let me = LifecycleLock.currentTaskID()
        var step = self.tryBeginStart(me)
        if case .unbound = step {
            self.bind(service)
            step = self.tryBeginStart(me)
        }
        let restartCount: Int
        switch step {
        case .began(let count, let metrics):
            self.reportTransitions(service)
            self.recordStartMetric(metrics)
            restartCount = count
        case .refused(let error):
            throw error
        case .heldByCurrentTask:
            throw ServiceError.alreadyStarted(self.label)
        case .heldByOther, .unbound:
            // Refuse at once when the phase already rules a start out, rather than queue behind a running stop.
            try self.checkCanStart()
            await self.lifecycle.lock()
            do {
                restartCount = try self.beginStart(service)
            } catch {
                self.lifecycle.unlock()
                throw error
            }
            self.recordStartMetric()
        }
        defer { self.lifecycle.unlock() }
        try await self.performStart(service, firstStart: restartCount == 0)
    }

    /// What the first look of a start found.
    private enum StartStep {
        /// The service was never bound: bind it and look again.
        case unbound
        /// The lifecycle lock was free and the phase allowed a start: the lock is taken, the service is
        /// `starting`, and this is its restart count and its metrics slot.
        case began(restartCount: Int, metrics: MetricsSlot)
        /// The lock was free, but the phase rules a start out.
        case refused(ServiceError)
        case heldByCurrentTask
        case heldByOther
    }

    /// Takes the lifecycle lock and moves to `starting` in one step when both are possible: what a start
    /// usually does, for the price of one lock of the state.
    private func tryBeginStart(_ me: Int) -> StartStep {
        self.state.withLock { state in
            guard state.bound else { return .unbound }
            switch state.lifecycleLock.tryAcquire(for: me) {
            case .acquired:
                do throws(ServiceError) {
                    try Self.checkCanStart(state)
                } catch {
                    state.lifecycleLock.release()
                    return .refused(error)
                }
                state.phase = .starting
                state.started = true
                state.acceptingTasks = true
                return .began(restartCount: state.restartCount, metrics: state.introspection.metrics)
            case .heldByCurrentTask: return .heldByCurrentTask
            case .heldByOther: return .heldByOther
            }
        }
    }

    private func checkCanStart() throws(ServiceError) {
        try self.state.withLock { state throws(ServiceError) in try Self.checkCanStart(state) }
    }

    private static func checkCanStart(_ state: State) throws(ServiceError) {
        switch state.phase {
        case .initial: return
        case .starting, .running: throw ServiceError.alreadyStarted(state.label)
        case .stopping: throw ServiceError.stopping(state.label)
        case .stopped: throw ServiceError.stopped(state.label)
        case .failed: throw ServiceError.failed(state.label)
        }
    }

    /// Moves to `starting`; returns the restart count.
    private func beginStart(_ service: some Service) throws -> Int {
        let restartCount = try self.state.withLock { state in
            try Self.checkCanStart(state)
            state.phase = .starting
            state.started = true
            state.acceptingTasks = true
            return state.restartCount
        }
        self.reportTransitions(service)
        return restartCount
    }

    private func performStart(_ service: some Service, firstStart: Bool) async throws {
        // Hooks the type leaves at their defaults do nothing: they are not called, and a check for a stop that
        // would follow no code of the service's own is not made twice (see `DefaultHooks`).
        let defaults = DefaultHooks.defaults(of: type(of: service))
        do {
            if firstStart {
                try self.addChildren(await service.initDependencies(), to: service)
                if !defaults.contains(.onFirstStart) { try await service.onFirstStart() }
            }
            if await self.bailIfStopping(service) { return }
            self.log(self.configuration.mundaneLevel, "Starting...")
            if !defaults.contains(.onStart) {
                try await service.onStart()
                if await self.bailIfStopping(service) { return }
            }
            if !defaults.contains(.backgroundTasks) {
                let tasks = await service.backgroundTasks()
                if let invalid = tasks.lazy.compactMap(\.invalid).first { throw invalid }
                for task in tasks {
                    try self.spawnBackground(task.name, service: service, task.operation)
                }
            }
            for child in self.children {
                if await self.bailIfStopping(service) { return }
                _ = try await child.runtime.maybeStart(child)
            }
            if !defaults.contains(.onStarted) {
                if await self.bailIfStopping(service) { return }
                self.log(.debug, "Started.")
                try await service.onStarted()
            }
            // One look: still wanted (and running from now on), or a stop or crash came in during the start.
            let interrupted = self.state.withLock { state -> Bool in
                if state.shouldStop { return true }
                if state.phase == .starting { state.phase = .running }
                return false
            }
            if interrupted {
                _ = await self.bailIfStopping(service)
                return
            }
            if defaults.contains(.onStarted) { self.log(.debug, "Started.") }
            self.reportTransitions(service)
        } catch {
            if self.shouldStop, (error as? ServiceError)?.code == .notRunning {
                _ = await self.bailIfStopping(service)
                return
            }
            // A stop that gave up waiting for this start (a hung hook that threw at last) owns the teardown.
            let phase = self.state.withLock { $0.phase }
            if phase == .stopping || phase == .stopped { throw error }
            // The failed start is torn down like a stop: loops that test `shouldStop` (or sleep on the service)
            // must end now, not at the end of the grace period.
            self.state.withLock { state in
                state.stopRequested = true
                self.updateStopFlag(state)
            }
            self.signal()
            await self.teardown(service, error: error, runHooks: false)
            self.state.withLock { $0.phase = .failed }
            self.releaseService()
            self.reportTransitions(service)
            self.signal()
            throw error
        }
    }

    /// At a start checkpoint: if a stop was requested, finish the stop here; if the service crashed, leave
    /// it running-but-crashed for its supervisor or owner. Returns whether start should return now.
    private func bailIfStopping(_ service: some Service) async -> Bool {
        // Neither a stop nor a crash (the flag is written with them, under the lock): nothing to do, no lock.
        if !self.stopFlag.load(ordering: .acquiring) { return false }
        let (stopRequested, crashed, phase) = self.state.withLock { ($0.stopRequested, $0.crashed, $0.phase) }
        if stopRequested {
            // A stop that gave up waiting for this start (its deadline passed) is tearing it down, or has:
            // that stop owns the teardown, and this start only ends.
            if phase != .stopped, phase != .stopping { await self.performStop(service) }
            return true
        }
        if crashed {
            self.state.withLock { state in
                if state.phase == .starting { state.phase = .running }
            }
            self.reportTransitions(service)
            return true
        }
        return false
    }

    /// Starts the service unless it was started, or stopped before it ever started; returns whether it did.
    ///
    /// A stop that arrives before the first start is remembered: the service stays stopped, and the start of
    /// its parent skips it rather than fail on it.
    func maybeStart(_ service: some Service) async throws -> Bool {
        // No look of its own first: the start's first step refuses a started, stopping, stopped or failed
        // service before it does anything, and that refusal is the skip.
        do {
            try await self.start(service)
            return true
        } catch let error as ServiceError
            where error.code == .alreadyStarted || error.code == .stopping || error.code == .stopped
            || error.code == .failed
        {
            return false
        }
    }

    func stop(_ service: some Service) async {
        let request = self.requestStop(from: LifecycleLock.currentTaskID())
        if !request.bound { self.bind(service) }
        guard request.proceed else { return }
        if request.heldByCaller { return }
        let locked: Bool
        if request.callerIsOwned {
            // Called from one of this service's own tasks: run the stop now if nothing else is, otherwise the
            // running start or stop completes it (and cancels this task).
            guard self.lifecycle.tryLock() else { return }
            locked = true
        } else {
            // A start that never finishes (a hung hook) must not hang the stop: past the stop deadline the
            // service is stopped without the lock, and the start, if it ever goes on, ends at its next check.
            locked = await self.lockForStop()
        }
        defer { if locked { self.lifecycle.unlock() } }
        let phase = self.state.withLock { $0.phase }
        guard phase != .stopped, phase != .failed else { return }
        if !locked, phase == .stopping {
            // The holder is a stop that outlived its deadline; it logs what it still waits for.
            return
        }
        await self.performStop(service)
    }

    private func performStop(_ service: some Service) async {
        let (metrics, hasWaiters) = self.state.withLock { state in
            state.phase = .stopping
            state.stopRequested = true
            self.updateStopFlag(state)
            return (state.introspection.metrics, !state.waiters.isEmpty)
        }
        let stopBegan = self.beginStopMetric(metrics)
        self.reportTransitions(service)
        if hasWaiters { self.signal() }
        self.log(self.configuration.mundaneLevel, "Stopping...")
        await self.teardown(service, error: nil, runHooks: true)
        let (supervisor, node, waiters) = self.state.withLock { state in
            state.phase = .stopped
            return (state.supervisor, state.node, !state.waiters.isEmpty)
        }
        node?.value.link.release()
        self.reportTransitions(service)
        if waiters { self.signal() }
        self.recordStopMetric(since: stopBegan)
        self.log(.debug, "-Stopped!")
        supervisor?.serviceDidStop(service)
    }

    /// Stops children in reverse order, waits for the shutdown flag, ends tasks and runs cleanups; with
    /// `runHooks`, `onStop` comes first and `onShutdown` last.
    private func teardown(_ service: some Service, error: (any Error)?, runHooks: Bool) async {
        let defaults = runHooks ? DefaultHooks.defaults(of: type(of: service)) : []
        if runHooks, !defaults.contains(.onStop) {
            await self.runStopStep("onStop") {
                do { try await service.onStop() } catch { self.log(.error, "Error in onStop: \(error)") }
            }
        }
        // A child's stop is not wrapped in a step of its own: its hooks, cleanups and lock wait are each
        // bounded by its own deadline, so it ends in finite time, and its warnings name its label path.
        for child in self.children.reversed() {
            await child.runtime.stop(child)
        }
        if runHooks, self.configuration.waitForShutdown {
            self.log(.debug, "Waiting for shutdown")
            let shutdown = await self.suspend(until: { $0.shutdown }, timeout: self.configuration.shutdownTimeout)
            if !shutdown {
                self.log(
                    .warning,
                    "setShutdown() was not called within \(self.configuration.shutdownTimeout); stopping anyway"
                )
            } else {
                self.log(.debug, "Shutting down now")
            }
        }
        await self.stopTasks()
        await self.runCleanups(error: error)
        if runHooks, !defaults.contains(.onShutdown) {
            await self.runStopStep("onShutdown") {
                do { try await service.onShutdown() } catch { self.log(.error, "Error in onShutdown: \(error)") }
            }
        }
    }

    func restart(_ service: some Service) async throws {
        self.bind(service)
        if self.lifecycle.isHeldByCurrentTask {
            throw ServiceError.invalidArgument(
                "\(self.label): restart() cannot be called from inside its own start() or stop()"
            )
        }
        _ = self.requestStop()
        await self.lifecycle.lock()
        defer { self.lifecycle.unlock() }
        let phase = self.state.withLock { $0.phase }
        if phase != .stopped, phase != .failed {
            await self.performStop(service)
        } else {
            // Already torn down, but a child may have been started on its own since: the reset below must not
            // leave it running with its old tasks while a new start begins.
            for child in self.children.reversed() {
                await child.runtime.stop(child)
            }
        }
        self.reset(service)
        try await service.onRestart()
        _ = try self.beginStart(service)
        self.recordStartMetric()
        try await self.performStart(service, firstStart: false)
    }

    /// Clears the flags for a new run and counts a restart, for this service and its whole subtree.
    func reset(_ service: some Service) {
        self.recordRestartMetric()
        let children = self.state.withLock { state -> [any Service] in
            state.restartCount += 1
            state.phase = .initial
            state.started = false
            state.stopRequested = false
            state.shutdown = false
            state.crashed = false
            state.crashReason = nil
            self.updateStopFlag(state)
            state.acceptingTasks = true
            return state.children
        }
        self.reportTransitions(service)
        for child in children { child.runtime.reset(child) }
    }
}

/// An owned task's handle as the runtime keeps it: something to cancel, and its identity (`hashValue`).
protocol CancellableTask: Sendable {
    func cancel()
    var hashValue: Int { get }
}

extension Task: CancellableTask {}

/// An owned task's handle in one pointer: a declared background task's `Task<Void, Never>` as it is, any other
/// task (`addTask`, generic in its result) in a box of its own. An `any CancellableTask` would take 40 bytes in
/// every entry.
enum OwnedTaskHandle: CancellableTask {
    case background(Task<Void, Never>)
    case boxed(Box)

    /// Another task, type-erased.
    final class Box: Sendable {
        let task: any CancellableTask

        init(_ task: some CancellableTask) {
            self.task = task
        }
    }

    func cancel() {
        switch self {
        case .background(let task): task.cancel()
        case .boxed(let box): box.task.cancel()
        }
    }

    var hashValue: Int {
        switch self {
        case .background(let task): task.hashValue
        case .boxed(let box): box.task.hashValue
        }
    }
}

/// The owned tasks of a runtime, by id: the first in place, the others in a ``SmallTable``.
///
/// Most services own one task, and every service keeps this in its state: a first entry in place costs its
/// 32 bytes there, where a one-entry array costs a 112-byte allocation (see Docs/ModeCore.md, "Memory").
struct OwnedTasks: Sequence, Sendable {
    typealias Element = (key: Int, value: ServiceRuntime.OwnedTask)

    private var head: Element?
    private var rest = SmallTable<ServiceRuntime.OwnedTask>()

    subscript(id: Int) -> ServiceRuntime.OwnedTask? {
        get {
            if let head = self.head, head.key == id { return head.value }
            return self.rest[id]
        }
        set {
            if let head = self.head, head.key == id {
                if let newValue {
                    self.head = (id, newValue)
                } else {
                    self.head = nil
                }
            } else if self.rest[id] != nil || self.head != nil {
                self.rest[id] = newValue
            } else if let newValue {
                self.head = (id, newValue)
            }
        }
    }

    var count: Int { (self.head == nil ? 0 : 1) + self.rest.count }
    var isEmpty: Bool { self.head == nil && self.rest.isEmpty }
    var keys: [Int] { self.map(\.key) }
    var values: [ServiceRuntime.OwnedTask] { self.map(\.value) }

    func makeIterator() -> Iterator { Iterator(head: self.head, rest: self.rest.makeIterator()) }

    struct Iterator: IteratorProtocol {
        var head: Element?
        var rest: IndexingIterator<[Element]>

        mutating func next() -> Element? {
            if let head = self.head {
                self.head = nil
                return head
            }
            return self.rest.next()
        }
    }
}

/// A table by `Int` id kept as an array searched by id rather than a dictionary: a service owns one to a few
/// tasks and has one to a few waiters, and a one-entry dictionary takes twice the memory (about 140 bytes more
/// per idle service). Lookups are linear: fine for tens of entries, slower than a dictionary for thousands.
struct SmallTable<Value>: Sequence {
    typealias Element = (key: Int, value: Value)

    private var entries: [Element] = []

    subscript(id: Int) -> Value? {
        get { self.entries.first { $0.key == id }?.value }
        set {
            if let index = self.entries.firstIndex(where: { $0.key == id }) {
                if let newValue {
                    self.entries[index].value = newValue
                } else {
                    self.entries.swapAt(index, self.entries.count - 1)
                    self.entries.removeLast()
                }
            } else if let newValue {
                self.entries.append((id, newValue))
            }
        }
    }

    var count: Int { self.entries.count }
    var isEmpty: Bool { self.entries.isEmpty }
    var keys: [Int] { self.entries.map(\.key) }
    var values: [Value] { self.entries.map(\.value) }

    func makeIterator() -> IndexingIterator<[Element]> { self.entries.makeIterator() }
}

extension SmallTable: Sendable where Value: Sendable {}

/// What a service's beacon node holds: the service's short label and a link back to the service.
public struct ServiceNode: Sendable, CustomStringConvertible {
    /// The service's short label.
    public let label: String
    let link: ServiceLink

    init(label: String, link: ServiceLink) {
        self.label = label
        self.link = link
    }

    /// The service, while it exists.
    public var service: (any Service)? { self.link.service }

    /// The service's runtime, while the service exists.
    var runtime: ServiceRuntime? { self.service?.runtime }

    /// The label.
    public var description: String { self.label }
}

/// How a beacon node reaches its service: by keeping it, or by a weak reference.
///
/// A weak reference is not free: the first one to an object gives it a side table, and every later retain
/// and release of that object takes a slower path. A tree start retains and releases each service many times,
/// so the nodes that a start attaches under their parent (`addChildren`, the first start's dependencies)
/// keep their service instead, until that service's stop ends, when the link turns weak. While it keeps the
/// service, the link is part of a cycle (service → runtime → node → link → service) that the stop breaks:
/// a started service stays in memory until it is stopped, as one with a running background task always did.
/// Nodes made on their own (the root of a tree, `beacon` of a lone service) and nodes attached by
/// `addDependency` observe their service weakly from the start.
// SAFETY: `kept` and `observed` are only read or written under `withNodeLinksLock`, the pthread-backed
// `Locked` that guards every node's links.
final class ServiceLink: @unchecked Sendable {
    private var kept: (any Service)?
    private weak var observed: (any Service)?

    /// A link that keeps `service` until ``release()``.
    init(keeping service: any Service) {
        self.kept = service
    }

    /// A link that observes `service` weakly.
    init(observing service: any Service) {
        self.observed = service
    }

    /// The service, while it exists.
    var service: (any Service)? {
        withNodeLinksLock { self.kept ?? self.observed }
    }

    /// Stops keeping the service, and observes it weakly from now on; does nothing for a link that observes.
    func release() {
        // The last reference to the service may go with `kept`: its deinit runs after the lock, not under it.
        let released: (any Service)? = withNodeLinksLock {
            guard let kept = self.kept else { return nil }
            self.observed = kept
            self.kept = nil
            return kept
        }
        _ = released
    }
}

/// Something that is told when a service it supervises crashes; ModeSupervisors' supervisors adopt it.
///
/// Set it with `service.runtime.setSupervisor(_:)`. A crash of a supervised service marks that service crashed
/// and calls ``serviceDidCrash(_:reason:)``, and goes no further up the tree.
public protocol ServiceSupervisor: AnyObject, Sendable {
    /// Called synchronously by `crash(_:)`; wake the supervisor and return at once.
    func serviceDidCrash(_ service: any Service, reason: any Error)

    /// Called synchronously when a stop of a supervised service has finished (whoever asked for it), so the
    /// supervisor learns that a service ended without watching it with a task; return at once.
    func serviceDidStop(_ service: any Service)
}

extension ServiceSupervisor {
    /// Does nothing.
    public func serviceDidStop(_ service: any Service) {}
}
