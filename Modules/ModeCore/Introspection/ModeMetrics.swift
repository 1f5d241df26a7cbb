/// The names of the metrics Mode reports through swift-metrics, and their dimensions.
///
/// Nothing is recorded until the program bootstraps a metrics backend (`MetricsSystem.bootstrap(_:)`, say
/// with swift-prometheus) or binds one to a task with `withMetricsFactory(_:_:)`: with swift-metrics' default
/// no-op backend a service creates no metric objects at all. A service picks its backend at its first start,
/// so bootstrap before starting services.
///
/// | name | kind | dimensions | what |
/// |---|---|---|---|
/// | `mode_service_starts` | counter | `service` | starts begun (first starts and restarts) |
/// | `mode_service_stops` | counter | `service` | stops completed |
/// | `mode_service_crashes` | counter | `service` | crashes of the service itself (not ones inherited from a relative) |
/// | `mode_service_restarts` | counter | `service` | resets by `restart()`, as `restartCount` counts them |
/// | `mode_service_stop_duration` | timer | `service` | how long each stop took, on the service's clock |
/// | `mode_timer_ticks` | counter | `service`, `timer` | ticks of each `BackgroundTask.timer` |
/// | `mode_timer_overlaps` | counter | `service`, `timer` | ticks whose previous run outlasted the interval |
/// | `mode_timer_lateness` | timer | `service`, `timer` | how late each tick woke after its deadline |
/// | `mode_supervisor_give_ups` | counter | `supervisor` | failures a supervisor gave up on (services left stopped) |
/// | `mode_supervisor_escalations` | counter | `supervisor` | escalations: restart intensity exceeded, or the strategy says so |
///
/// The `service` dimension is the service's short label, `supervisor` the supervisor's.
public enum ModeMetrics {
    /// Counter of starts begun, per service.
    public static let serviceStarts = "mode_service_starts"
    /// Counter of stops completed, per service.
    public static let serviceStops = "mode_service_stops"
    /// Counter of crashes, per service.
    public static let serviceCrashes = "mode_service_crashes"
    /// Counter of restarts (resets), per service.
    public static let serviceRestarts = "mode_service_restarts"
    /// Timer of stop durations, per service.
    public static let serviceStopDuration = "mode_service_stop_duration"
    /// Counter of timer ticks, per service and timer.
    public static let timerTicks = "mode_timer_ticks"
    /// Counter of overlapping timer ticks, per service and timer.
    public static let timerOverlaps = "mode_timer_overlaps"
    /// Timer of tick lateness, per service and timer.
    public static let timerLateness = "mode_timer_lateness"
    /// Counter of supervisor give-ups, per supervisor.
    public static let supervisorGiveUps = "mode_supervisor_give_ups"
    /// Counter of supervisor escalations, per supervisor.
    public static let supervisorEscalations = "mode_supervisor_escalations"

    /// The dimension holding a service's short label.
    public static let serviceDimension = "service"
    /// The dimension holding a timer's name.
    public static let timerDimension = "timer"
    /// The dimension holding a supervisor's label.
    public static let supervisorDimension = "supervisor"
}
