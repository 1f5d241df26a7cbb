import Logging
import ModeConcurrencyHelpers
public import ModeCore

/// A service that supervises other services: when one crashes it restarts it, its group, or gives up,
/// according to its ``SupervisorStrategy``: Python Mode's supervisors, with OTP's rest-for-one, restart types,
/// restart intensity and escalation, and Akka's backoff.
///
/// The supervised services are the supervisor's children in the service tree: they start, in order, when it
/// starts (after its `onStart`), and stop, last first, when it stops. A crash of one reaches the supervisor at
/// once (no polling); the supervisor then acts on its own task, one failure at a time:
///
/// ```swift
/// let supervisor = Supervisor(
///     [reader, parser, writer],
///     strategy: .restForOne,
///     intensity: try RestartIntensity(maxRestarts: 5, within: .seconds(10)),
///     backoff: try .exponential(minimum: .milliseconds(100), maximum: .seconds(5))
/// )
/// try await supervisor.start()
/// ```
///
/// - Restart intensity: more than ``RestartIntensity/maxRestarts`` restarts within ``RestartIntensity/window``
///   make the supervisor stop its services and crash itself with
///   ``SupervisorError`` `.maxRestartsExceeded`, so the failure climbs to its own supervisor or
///   to the root.
/// - Restart types (``RestartType``): permanent services are restarted after a crash and after stopping on their
///   own; transient ones after a crash only; temporary ones never.
/// - `restartIf` decides which crash reasons are restarted; a service that crashed with any other reason is
///   given up on (stopped and left stopped).
/// - `replacement` builds a new service for a crashed one; the new one takes the old one's slot.
///
/// An actor: every method is safe to call from any task. Adding, discarding and inserting services while the
/// supervisor runs is allowed; the supervisor handles one failure at a time, in the order they happened.
public actor Supervisor: Service, ServiceSupervisor {
    /// Builds a new service to take the place of a crashed one; gets the crashed service and its index.
    public typealias Replacement = @Sendable (any Service, Int) async throws -> any Service

    /// The engine of the supervisor as a service.
    public nonisolated let runtime: ServiceRuntime
    /// What the supervisor does when a service crashes.
    public nonisolated let strategy: SupervisorStrategy
    /// How many restarts are allowed before the supervisor escalates.
    public nonisolated let intensity: RestartIntensity
    /// The delay before each restart.
    public nonisolated let backoff: RestartBackoff

    private nonisolated let name: String
    private nonisolated let restartIf: @Sendable (any Error) -> Bool
    private nonisolated let replacement: Replacement?
    private nonisolated let onEvent: (@Sendable (SupervisorEvent) -> Void)?
    private nonisolated let inbox = SupervisorInbox()
    /// The run token each watched service is in, by service: ``serviceDidStop(_:)`` reports a stop of that run
    /// as an exit. The supervisor's own stops remove the entry first (``renew(_:)``), so they are not reported.
    private nonisolated let watched = Locked<[ObjectIdentifier: Int]>([:])

    private struct Member {
        var service: any Service
        var restart: RestartType
        /// Changes whenever the supervisor starts or stops the service, so a watcher's report of an older run
        /// is recognised as stale.
        var token: Int
        /// Restarts since the service last ran stably (for the backoff).
        var attempts = 0
        var lastRestart: Duration?
    }

    private var members: [Member] = []
    private var nextToken = 0
    private var window = RestartWindow()
    private var busy = false
    private var idleWaiters: [CheckedContinuation<Void, Never>] = []

    /// Creates a supervisor of `services` (each permanent; add others with ``add(_:restart:)``).
    ///
    /// - Parameters:
    ///   - services: The services to supervise, in start order. They are supervised from now on; a service
    ///     listed twice is supervised once.
    ///   - strategy: What to do when a service crashes.
    ///   - intensity: The most restarts within a window before the supervisor escalates.
    ///   - backoff: The delay before each restart; none by default.
    ///   - restartIf: Which crash reasons are restarted; the others are given up on. All by default.
    ///   - replacement: Builds a new service for a crashed one instead of restarting it.
    ///   - label: The supervisor's name in logs and in the service tree.
    ///   - configuration: The supervisor's clock (for the window and the backoff), logger and stop settings.
    ///   - onEvent: Called after every restart, give-up and escalation, on the supervisor; keep it short.
    public init(
        _ services: [any Service] = [],
        strategy: SupervisorStrategy = .oneForOne,
        intensity: RestartIntensity = .default,
        backoff: RestartBackoff = .none,
        restartIf: @escaping @Sendable (any Error) -> Bool = { _ in true },
        replacement: Replacement? = nil,
        label: String = "Supervisor",
        configuration: ServiceConfiguration = ServiceConfiguration(),
        onEvent: (@Sendable (SupervisorEvent) -> Void)? = nil
    ) {
        self.runtime = ServiceRuntime(configuration: configuration)
        self.strategy = strategy
        self.intensity = intensity
        self.backoff = backoff
        self.restartIf = restartIf
        self.replacement = replacement
        self.name = label
        self.onEvent = onEvent
        var members: [Member] = []
        for service in services where !members.contains(where: { $0.service === service }) {
            members.append(Member(service: service, restart: .permanent, token: members.count))
        }
        self.members = members
        self.nextToken = members.count
        for member in members {
            if strategy != .escalate { member.service.runtime.setSupervisor(self) }
            _ = try? self.addDependency(member.service)
        }
    }

    /// The label given at creation.
    public nonisolated var label: String { self.name }

    // MARK: - The supervised services

    /// The supervised services, in order (a replacement keeps the slot of the service it replaced).
    public var services: [any Service] { self.members.map(\.service) }

    /// The position of `service` in ``services``, or `nil` if it is not supervised here.
    public func index(of service: any Service) -> Int? {
        self.members.firstIndex { $0.service === service }
    }

    /// The restart type `service` was added with, or `nil` if it is not supervised here.
    public func restartType(of service: any Service) -> RestartType? {
        self.index(of: service).map { self.members[$0].restart }
    }

    /// Supervises `service` from now on, after the others; if the supervisor runs, starts it now.
    ///
    /// - Parameters:
    ///   - service: The service to supervise.
    ///   - restart: When it is restarted; permanent by default.
    /// - Throws: ``SupervisorError`` `.alreadySupervised` if it is supervised already (here or
    ///   elsewhere), ServiceError's `dependencyCycle` if it is an ancestor of the supervisor, or what its
    ///   start throws (it is then no longer supervised).
    public func add(_ service: any Service, restart: RestartType = .permanent) async throws {
        try self.checkNotSupervised(service)
        let token = self.makeToken()
        self.members.append(Member(service: service, restart: restart, token: token))
        do {
            try self.attach(service)
        } catch {
            self.members.removeAll { $0.service === service }
            service.runtime.setSupervisor(nil)
            throw error
        }
        try await self.startIfRunning(service, token: token)
    }

    /// Supervises each of `services`, in order; see ``add(_:restart:)``.
    public func add(contentsOf services: [any Service], restart: RestartType = .permanent) async throws {
        for service in services { try await self.add(service, restart: restart) }
    }

    /// Stops supervising `service`: stops it, and removes it from the supervisor and from the service tree.
    ///
    /// - Throws: ``SupervisorError`` `.notSupervised` if it is not supervised here.
    public func discard(_ service: any Service) async throws {
        guard let index = self.index(of: service) else {
            throw SupervisorError.notSupervised(service.label, self.name)
        }
        self.members.remove(at: index)
        await self.detach(service)
    }

    /// Puts `service` in slot `index`: the service there is stopped and discarded, and the new one takes its
    /// place (and starts now if the supervisor runs). An `index` equal to the count appends.
    ///
    /// - Throws: ``SupervisorError`` `.indexOutOfRange`,
    ///   ``SupervisorError`` `.alreadySupervised`, or as ``add(_:restart:)``.
    public func insert(_ service: any Service, at index: Int, restart: RestartType = .permanent) async throws {
        guard index >= 0, index <= self.members.count else {
            throw SupervisorError.indexOutOfRange(index, count: self.members.count)
        }
        if index == self.members.count {
            try await self.add(service, restart: restart)
            return
        }
        try self.checkNotSupervised(service)
        let old = self.members[index].service
        let token = self.makeToken()
        self.members[index] = Member(service: service, restart: restart, token: token)
        await self.detach(old)
        do {
            try self.attach(service)
        } catch {
            self.members.removeAll { $0.service === service }
            service.runtime.setSupervisor(nil)
            throw error
        }
        try await self.startIfRunning(service, token: token)
    }

    private func checkNotSupervised(_ service: any Service) throws {
        let supervisor = service.runtime.supervisor
        if self.index(of: service) != nil || (supervisor != nil && supervisor !== self) {
            throw SupervisorError.alreadySupervised(service.label)
        }
    }

    private func attach(_ service: any Service) throws {
        if self.strategy != .escalate { service.runtime.setSupervisor(self) }
        try self.addDependency(service)
    }

    private func detach(_ service: any Service) async {
        self.watched.withLock { $0[ObjectIdentifier(service)] = nil }
        if service.runtime.supervisor === self { service.runtime.setSupervisor(nil) }
        if self.children.contains(where: { $0 === service }) {
            try? await self.removeDependency(service)
        } else {
            await service.stop()
        }
    }

    private func startIfRunning(_ service: any Service, token: Int) async throws {
        guard self.isStarted, !self.shouldStop else { return }
        do {
            try await service.maybeStart()
        } catch {
            self.members.removeAll { $0.service === service }
            await self.detach(service)
            throw error
        }
        self.watch(service, token: token)
    }

    private func makeToken() -> Int {
        self.nextToken += 1
        return self.nextToken
    }

    /// Gives `service` a new token, so reports about its current run become stale; returns it.
    @discardableResult
    private func renew(_ service: any Service) -> Int? {
        guard let index = self.index(of: service) else { return nil }
        let token = self.makeToken()
        self.members[index].token = token
        self.watched.withLock { $0[ObjectIdentifier(service)] = nil }
        return token
    }

    /// Watches a permanent service's run `token`, to learn when it stops on its own.
    ///
    /// A supervised service reports the end of each stop through ``serviceDidStop(_:)``, which costs no task.
    /// Under ``SupervisorStrategy/escalate`` the supervisor is not set on its services (their crashes climb
    /// the tree), so a task waits for the stop instead.
    private func watch(_ service: any Service, token: Int) {
        guard let index = self.index(of: service), self.members[index].restart == .permanent, !self.shouldStop
        else { return }
        let inbox = self.inbox
        guard self.strategy == .escalate else {
            let id = ObjectIdentifier(service)
            self.watched.withLock { $0[id] = token }
            // Stopped before the watch began: report it now, unless the stop's own report took the entry.
            if service.runtime.lifecycleState == .stopped,
                self.watched.withLock({ $0.removeValue(forKey: id) }) != nil
            {
                inbox.post(.exited(service, token: token))
            }
            return
        }
        _ = try? self.addTask("watch \(service.label)") {
            await service.waitUntilStopped()
            if !Task.isCancelled { inbox.post(.exited(service, token: token)) }
        }
    }

    // MARK: - Service

    /// Called by a supervised service's `crash(_:)`: queues the crash and wakes the supervisor.
    public nonisolated func serviceDidCrash(_ service: any Service, reason: any Error) {
        self.inbox.post(.crashed(service, reason))
    }

    /// Called when a stop of a supervised service finished: if the supervisor watches that run, the service
    /// exited on its own (the supervisor's own stops renew the run first) and the loop is woken to handle it.
    public nonisolated func serviceDidStop(_ service: any Service) {
        guard let token = self.watched.withLock({ $0.removeValue(forKey: ObjectIdentifier(service)) }) else { return }
        self.inbox.post(.exited(service, token: token))
    }

    /// Starts the supervised services in order, with a fresh restart window.
    public func onStart() async throws {
        self.inbox.clear()
        self.window = RestartWindow()
        for service in self.members.map(\.service) {
            guard !self.shouldStop else { return }
            guard let token = self.renew(service) else { continue }
            try await service.maybeStart()
            self.watch(service, token: token)
        }
    }

    /// The supervision loop.
    public func backgroundTasks() -> [BackgroundTask] {
        [.task("supervisor") { await self.supervise() }]
    }

    /// Stops the supervised services, last first, after any restart in progress has finished.
    public func onStop() async throws {
        await self.stopAll()
        if self.busy {
            await withCheckedContinuation { self.idleWaiters.append($0) }
        }
        await self.stopAll()
    }

    private func stopAll() async {
        for service in self.members.map(\.service).reversed() {
            self.renew(service)
            await service.stop()
        }
    }

    // MARK: - Supervision

    private func supervise() async {
        while !self.shouldStop {
            await self.inbox.wait()
            if Task.isCancelled { return }
            let events = self.inbox.take()
            self.busy = true
            for event in events {
                if self.shouldStop { break }
                await self.handle(event)
            }
            self.busy = false
            let waiters = self.idleWaiters
            self.idleWaiters = []
            for waiter in waiters { waiter.resume() }
        }
    }

    private func handle(_ event: SupervisorInbox.Event) async {
        switch event {
        case .crashed(let service, let reason):
            guard let index = self.index(of: service), service.isCrashed else { return }
            await self.handleFailure(at: index, reason: reason, crashed: true)
        case .exited(let service, let token):
            guard let index = self.index(of: service), self.members[index].token == token, !service.isCrashed
            else { return }
            await self.handleFailure(at: index, reason: SupervisorError.childExited(service.label), crashed: false)
        case .restartFailed(let service, let reason, let token):
            guard let index = self.index(of: service), self.members[index].token == token else { return }
            await self.handleFailure(at: index, reason: reason, crashed: true)
        }
    }

    private func handleFailure(at index: Int, reason: any Error, crashed: Bool) async {
        let member = self.members[index]
        let service = member.service
        if !crashed {
            guard member.restart == .permanent else { return }
        } else if member.restart == .temporary || !self.restartIf(reason) {
            self.logger.critical("Giving up on crashed services: \([service.label])")
            await self.giveUp([service], failed: service, reason: reason)
            return
        }
        let all = self.members.map(\.service)
        switch self.strategy.value {
        case .oneForOne:
            await self.restart([service], failed: service, reason: reason)
        case .oneForAll:
            await self.restart(all, failed: service, reason: reason)
        case .restForOne:
            await self.restart(Array(all[index...]), failed: service, reason: reason)
        case .forfeitOneForOne:
            self.logger.critical("Giving up on crashed services: \([service.label])")
            await self.giveUp([service], failed: service, reason: reason)
        case .forfeitOneForAll:
            self.logger.critical("Giving up on all services in group because \(service.label) crashed")
            await self.giveUp(all, failed: service, reason: reason)
        case .escalate:
            await self.escalate(reason, failed: service)
        }
    }

    private func stop(_ group: [any Service]) async {
        for service in group.reversed() {
            self.renew(service)
            await service.stop()
        }
    }

    private func giveUp(_ group: [any Service], failed: any Service, reason: any Error) async {
        await self.stop(group)
        self.runtime.recordSupervisorMetric(escalated: false)
        self.emit(.gaveUp, failed: failed, services: group, reason: reason)
    }

    private func escalate(_ error: any Error, failed: any Service) async {
        let all = self.members.map(\.service)
        await self.stop(all)
        self.runtime.recordSupervisorMetric(escalated: true)
        self.crash(error)
        self.emit(.escalated, failed: failed, services: all, reason: error)
    }

    private func restart(_ group: [any Service], failed: any Service, reason: any Error) async {
        let clock = self.runtime.configuration.serviceClock
        let now = clock.now
        guard self.window.admit(at: now, self.intensity) else {
            let error = SupervisorError.maxRestartsExceeded(self.name, self.intensity, reason: reason)
            self.logger.warning("Max restarts exceeded: \(error)")
            await self.escalate(error, failed: failed)
            return
        }
        self.logger.info("Restarting dead \(failed.label)! Last crash reason: \(reason)")
        // Services that were already stopped (finished on their own, or given up on) stay stopped.
        let group = group.filter { $0 === failed || $0.runtime.lifecycleState != .stopped }
        let delay = self.backoffDelay(for: failed, now: now)
        if delay > .zero {
            await self.stop(group)
            await self.sleep(for: delay)
        }
        await self.stop(group)
        var restarted: [any Service] = []
        for service in group {
            guard !self.shouldStop else { return }
            guard let index = self.index(of: service) else { continue }
            if self.members[index].restart == .temporary, service !== failed { continue }
            if let new = await self.restartMember(at: index) { restarted.append(new) }
        }
        guard !self.shouldStop else { return }
        self.emit(.restarted, failed: failed, services: restarted, reason: reason, delay: delay)
    }

    private func backoffDelay(for service: any Service, now: Duration) -> Duration {
        guard self.backoff.minimum > .zero, let index = self.index(of: service) else { return .zero }
        if let last = self.members[index].lastRestart, now - last >= self.backoff.resetAfter {
            self.members[index].attempts = 0
        }
        let delay = self.backoff.delay(forAttempt: self.members[index].attempts)
        self.members[index].attempts += 1
        self.members[index].lastRestart = now
        return delay
    }

    /// Restarts (or replaces) the member at `index`; returns the service now running in that slot.
    private func restartMember(at index: Int) async -> (any Service)? {
        let old = self.members[index].service
        let token = self.makeToken()
        self.members[index].token = token
        do {
            guard let replacement = self.replacement else {
                try await old.restart()
                self.watch(old, token: token)
                return old
            }
            let new = try await replacement(old, index)
            guard let slot = self.index(of: old), self.members[slot].token == token else { return nil }
            try self.checkNotSupervised(new)
            self.members[slot].service = new
            await self.detach(old)
            try self.attach(new)
            guard !self.shouldStop else { return nil }
            try await new.maybeStart()
            self.watch(new, token: token)
            return new
        } catch {
            self.logger.error("Restarting \(old.label) failed: \(error)")
            let current = self.members.first { $0.token == token }?.service ?? old
            self.inbox.post(.restartFailed(current, error, token: token))
            return nil
        }
    }

    private func emit(
        _ kind: SupervisorEvent.Kind,
        failed: any Service,
        services: [any Service],
        reason: any Error,
        delay: Duration = .zero
    ) {
        self.onEvent?(SupervisorEvent(kind: kind, failed: failed, services: services, reason: reason, delay: delay))
    }
}
