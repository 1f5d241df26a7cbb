extension Service {
    /// Starts `services` in order as one step and makes them this service's children: the original's
    /// `join_services`, made all-or-nothing.
    ///
    /// Each service is added as a dependency of this one and started (unless it was started already). If one
    /// fails to start, the ones this call started are stopped again in reverse order, every service of the
    /// list is removed from this service's children, and the error is rethrown: nothing of the list is left
    /// running. Once joined, the services stop when this service stops (in reverse order, like any children),
    /// and a crash of one of them crashes this service too, unless it has a supervisor of its own.
    ///
    /// ```swift
    /// func onStart() async throws {
    ///     try await joinServices([Consumer(), Producer(), MetricsExporter()])
    /// }
    /// ```
    ///
    /// The original starts every service whatever happens to the others (crashing the owner for each failure)
    /// and then stops them all at once; this port keeps the start order and makes a failure undo the step.
    ///
    /// - Throws: What the failing service's start threw; ``ServiceError`` `.dependencyCycle` if
    ///   one of the services is this service or one of its ancestors; ``ServiceError`` `.notRunning`
    ///   (before anything starts) if this service is stopping or has crashed.
    public func joinServices(_ services: [any Service]) async throws {
        if self.shouldStop {
            throw ServiceError.notRunning(self.runtime.label, adding: "the joined services")
        }
        var added: [any Service] = []
        var started: [any Service] = []
        do {
            for service in services {
                if !self.children.contains(where: { $0 === service }) {
                    try self.runtime.addChild(service, to: self)
                    added.append(service)
                }
                if try await service.maybeStart() { started.append(service) }
            }
        } catch {
            for service in started.reversed() { await service.stop() }
            for service in added.reversed() { try? self.runtime.removeChild(service) }
            throw error
        }
    }
}
