import ModeConcurrencyHelpers
/// What a runtime keeps for introspection: its metrics backend and the timers running now.
struct RuntimeIntrospection: Sendable {
    struct RegisteredTimer: Sendable {
        var name: String
        var interval: Duration
        var monitor: TimerMonitor
    }

    var metrics = MetricsSlot.unresolved
}

extension ServiceRuntime {
    /// Records a running timer so snapshots can show it; returns the id to unregister it with.
    func registerTimer(_ name: String, interval: Duration, monitor: TimerMonitor) -> Int {
        self.state.withLock { state in
            let id = state.makeID()
            state.timers[id] = RuntimeIntrospection.RegisteredTimer(
                name: name,
                interval: interval,
                monitor: monitor
            )
            return id
        }
    }

    /// Forgets a timer that ended.
    func unregisterTimer(_ id: Int) {
        _ = self.state.withLock { $0.timers.removeValue(forKey: id) }
    }
}
