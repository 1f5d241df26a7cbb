import CoreMetrics
import ModeConcurrencyHelpers

/// The metric objects of one service, made once, at its first lifecycle event, when a backend is bootstrapped.
final class ServiceMetrics: Sendable {
    let factory: any MetricsFactory
    let label: String
    let starts: Counter
    let stops: Counter
    let crashes: Counter
    let restarts: Counter
    let stopDuration: CoreMetrics.Timer

    init(label: String, factory: any MetricsFactory) {
        let dimensions = [(ModeMetrics.serviceDimension, label)]
        self.factory = factory
        self.label = label
        self.starts = Counter(label: ModeMetrics.serviceStarts, dimensions: dimensions, factory: factory)
        self.stops = Counter(label: ModeMetrics.serviceStops, dimensions: dimensions, factory: factory)
        self.crashes = Counter(label: ModeMetrics.serviceCrashes, dimensions: dimensions, factory: factory)
        self.restarts = Counter(label: ModeMetrics.serviceRestarts, dimensions: dimensions, factory: factory)
        self.stopDuration = CoreMetrics.Timer(
            label: ModeMetrics.serviceStopDuration,
            dimensions: dimensions,
            factory: factory
        )
    }
}

/// The metric objects of one running `BackgroundTask.timer`.
struct TimerMetrics: Sendable {
    let ticks: Counter
    let overlaps: Counter
    let lateness: CoreMetrics.Timer

    init(service: ServiceMetrics, timer name: String) {
        let dimensions = [(ModeMetrics.serviceDimension, service.label), (ModeMetrics.timerDimension, name)]
        self.ticks = Counter(label: ModeMetrics.timerTicks, dimensions: dimensions, factory: service.factory)
        self.overlaps = Counter(label: ModeMetrics.timerOverlaps, dimensions: dimensions, factory: service.factory)
        self.lateness = CoreMetrics.Timer(
            label: ModeMetrics.timerLateness,
            dimensions: dimensions,
            factory: service.factory
        )
    }
}

/// Whether a runtime has looked up its metrics backend yet, and what it found.
enum MetricsSlot: Sendable {
    /// Not looked up yet: done at the first event.
    case unresolved
    /// The backend is swift-metrics' no-op one: record nothing, make nothing.
    case disabled
    /// A real backend: these objects.
    case enabled(ServiceMetrics)
}

extension ServiceRuntime {
    /// This service's metric objects, or `nil` when no backend is bootstrapped; looked up once.
    var metrics: ServiceMetrics? {
        self.metrics(self.state.withLock { $0.introspection.metrics })
    }

    /// The metric objects of `slot` (read under the lock by the caller), looked up and stored if unresolved.
    func metrics(_ slot: MetricsSlot) -> ServiceMetrics? {
        switch slot {
        case .disabled: return nil
        case .enabled(let metrics): return metrics
        case .unresolved: break
        }
        let factory = MetricsSystem.factory
        let resolved: MetricsSlot =
            // A type comparison, not `is`: a dynamic cast to a class costs a conformance lookup per service.
            ObjectIdentifier(type(of: factory)) == ObjectIdentifier(NOOPMetricsHandler.self)
            ? .disabled : .enabled(ServiceMetrics(label: self.label, factory: factory))
        let slot = self.state.withLock { state -> MetricsSlot in
            if case .unresolved = state.introspection.metrics { state.introspection.metrics = resolved }
            return state.introspection.metrics
        }
        if case .enabled(let metrics) = slot { return metrics }
        return nil
    }

    /// Counts a start begun.
    func recordStartMetric() {
        self.metrics?.starts.increment()
    }

    /// Counts a start begun, with the metrics slot the start read already.
    func recordStartMetric(_ slot: MetricsSlot) {
        self.metrics(slot)?.starts.increment()
    }

    /// Counts a crash of this service itself.
    func recordCrashMetric() {
        self.metrics?.crashes.increment()
    }

    /// Counts a reset by `restart()`.
    func recordRestartMetric() {
        self.metrics?.restarts.increment()
    }

    /// What a stop needs to record itself, from the metrics `slot` it read: the metrics and the clock reading
    /// it began at; `nil` (and no clock read) when no backend is bootstrapped.
    func beginStopMetric(_ slot: MetricsSlot) -> (metrics: ServiceMetrics, began: Duration)? {
        guard let metrics = self.metrics(slot) else { return nil }
        return (metrics, self.clock.now)
    }

    /// Counts a completed stop and records how long it took.
    func recordStopMetric(since begin: (metrics: ServiceMetrics, began: Duration)?) {
        guard let begin else { return }
        begin.metrics.stops.increment()
        begin.metrics.stopDuration.recordNanoseconds((self.clock.now - begin.began).saturatingNanoseconds)
    }

    /// The metric objects for the timer `name`, or `nil` when no backend is bootstrapped.
    func timerMetrics(_ name: String) -> TimerMetrics? {
        self.metrics.map { TimerMetrics(service: $0, timer: name) }
    }

    /// Counts a supervisor's give-up (`escalated: false`) or escalation; made on demand, off the hot paths.
    package func recordSupervisorMetric(escalated: Bool) {
        guard let metrics = self.metrics else { return }
        Counter(
            label: escalated ? ModeMetrics.supervisorEscalations : ModeMetrics.supervisorGiveUps,
            dimensions: [(ModeMetrics.supervisorDimension, metrics.label)],
            factory: metrics.factory
        ).increment()
    }
}

extension Duration {
    /// The duration in nanoseconds, clamped to `Int64`'s range.
    var saturatingNanoseconds: Int64 {
        let (seconds, attoseconds) = self.components
        let (scaled, overflow) = seconds.multipliedReportingOverflow(by: 1_000_000_000)
        if overflow { return seconds < 0 ? .min : .max }
        let (total, overflow2) = scaled.addingReportingOverflow(attoseconds / 1_000_000_000)
        if overflow2 { return seconds < 0 ? .min : .max }
        return total
    }
}
