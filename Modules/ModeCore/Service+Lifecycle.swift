public import Logging

extension Service {
    /// Starts the service: dependencies and `onFirstStart` (first start only), `onStart`, background tasks,
    /// children in order, `onStarted`.
    ///
    /// If the service is asked to stop (or crashes) while it starts, `start()` stops early and returns
    /// without error; a stop request is completed before it returns. If a step throws, what was already started
    /// is stopped again, the service reads ``ServiceState/failed``, and the error is rethrown.
    ///
    /// - Throws: ``ServiceError`` `.alreadyStarted`, `.stopping`, `.stopped` or `.failed` when the service is
    ///   not in its initial state (use ``restart()`` to run a stopped service again), or what a hook or child
    ///   threw.
    public func start() async throws {
        try await self.runtime.start(self)
    }

    /// Starts the service unless it was already started; returns whether this call started it.
    @discardableResult
    public func maybeStart() async throws -> Bool {
        try await self.runtime.maybeStart(self)
    }

    /// Stops the service: `onStop`, children in reverse order, the optional wait for ``setShutdown()``, owned
    /// tasks cancelled and awaited, cleanups in reverse order, `onShutdown`.
    ///
    /// Idempotent, and safe to call from many tasks at once: every caller returns once the one stop has
    /// finished. Errors of hooks and children are logged, never thrown, and never keep the rest from stopping.
    /// Called from inside the service's own `start()` (a hook) or one of its own tasks, it requests the stop
    /// and returns at once; the running start completes it.
    public func stop() async {
        await self.runtime.stop(self)
    }

    /// Stops the service, resets its flags (and its children's), calls `onRestart`, and starts it again.
    ///
    /// `initDependencies` and `onFirstStart` do not run again; ``restartCount`` grows by one.
    ///
    /// - Throws: What the new start throws.
    public func restart() async throws {
        try await self.runtime.restart(self)
    }

    /// Marks the service crashed with `error` and tells whoever must act.
    ///
    /// A crash stops nothing by itself: it sets ``shouldStop`` and wakes every sleeper and waiter. With a
    /// supervisor set, only the supervisor is told. Without one, the crash climbs the tree: every ancestor up to
    /// the root (or up to the nearest ancestor that has a supervisor, which is then told) is marked crashed,
    /// so a Worker at the root sees it and exits with a failure status. The service's own subtree is marked
    /// crashed too.
    public func crash(_ error: any Error) {
        self.runtime.crash(error, service: self)
    }

    /// The lifecycle state; ``ServiceState/crashed`` wins over the others.
    public var state: ServiceState { self.runtime.serviceState }

    /// Whether the service was asked to stop or has crashed: loops should end when this is true.
    public var shouldStop: Bool { self.runtime.shouldStop }

    /// Whether `start()` was called since the service was created or last reset.
    public var isStarted: Bool { self.runtime.isStarted }

    /// Whether the service crashed since it was created or last reset.
    public var isCrashed: Bool { self.runtime.isCrashed }

    /// The error the service crashed with, if it crashed.
    public var crashReason: (any Error)? { self.runtime.crashReason }

    /// How many times ``restart()`` reset the service.
    public var restartCount: Int { self.runtime.restartCount }

    /// The service's node in the service tree.
    public var beacon: Node<ServiceNode> { self.runtime.beaconNode(for: self) }

    /// The services this one depends on, in start order.
    public var children: [any Service] { self.runtime.children }

    /// The diagnostic flags of the service.
    public var diag: Diag { self.runtime.diag }

    /// A logger whose lines carry the service's label and tree depth as metadata (`mode.service`, `mode.depth`).
    ///
    /// With ModeLogging's handler the line reads `[^--Label]: message`.
    public var logger: Logger {
        self.runtime.bind(self)
        return self.runtime.serviceLogger
    }

    /// Sets the shutdown flag a stopping service waits for when it is configured with `waitForShutdown`.
    public func setShutdown() {
        self.runtime.setShutdown()
    }

    /// Adds `service` as a child: it starts after this service's background tasks, in the order added, and
    /// stops before this service's tasks, in reverse order. It is not started now (see
    /// ``addRuntimeDependency(_:)``). Adding the same child twice does nothing.
    ///
    /// - Returns: `service`, for chaining.
    /// - Throws: ``ServiceError`` `.dependencyCycle` if `service` is this service or one of its
    ///   ancestors.
    @discardableResult
    public func addDependency<S: Service>(_ service: S) throws -> S {
        try self.runtime.addChild(service, to: self)
        return service
    }

    /// Adds `service` as a child and, if this service has started and is not stopping, starts it now.
    ///
    /// - Returns: `service`, for chaining.
    /// - Throws: ``ServiceError`` `.dependencyCycle`, or what the child's start throws.
    @discardableResult
    public func addRuntimeDependency<S: Service>(_ service: S) async throws -> S {
        try self.runtime.addChild(service, to: self)
        if self.isStarted, !self.shouldStop {
            try await service.maybeStart()
        }
        return service
    }

    /// Stops `service` and removes it from this service's children.
    ///
    /// - Throws: ``ServiceError`` `.notAChild` if it is not a child of this service.
    public func removeDependency(_ service: some Service) async throws {
        guard self.runtime.children.contains(where: { $0 === service }) else {
            throw ServiceError.notAChild(service.runtime.label, self.runtime.label)
        }
        await service.stop()
        try self.runtime.removeChild(service)
    }

    /// Sets the diagnostic `flag` while `body` runs, and clears it when `body` returns or throws.
    public func transition<T>(_ flag: String, _ body: () async throws -> T) async rethrows -> T {
        self.diag.setFlag(flag)
        defer { self.diag.unsetFlag(flag) }
        return try await body()
    }
}
