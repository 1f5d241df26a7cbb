import CoreMetrics

/// Turns a timer's statistics into metrics, one tick at a time; exists only when a backend is bootstrapped.
struct TimerTickMeter {
    private let metrics: TimerMetrics
    private let monitor: TimerMonitor
    private var overlaps = 0
    private var measuredTicks = 0
    private var totalLateness = Duration.zero

    init(_ metrics: TimerMetrics, monitor: TimerMonitor) {
        self.metrics = metrics
        self.monitor = monitor
        let statistics = monitor.currentCounters
        self.overlaps = statistics.overlaps
        self.measuredTicks = statistics.measuredTicks
        self.totalLateness = statistics.totalLateness
    }

    /// Records the tick that just came: one tick, an overlap if the timer counted one, and its lateness.
    mutating func tick() {
        // The counters without the histogram array: a read of `statistics` would build one per tick.
        let statistics = self.monitor.currentCounters
        self.metrics.ticks.increment()
        if statistics.overlaps > self.overlaps {
            self.metrics.overlaps.increment(by: statistics.overlaps - self.overlaps)
        }
        if statistics.measuredTicks > self.measuredTicks {
            let lateness = statistics.totalLateness - self.totalLateness
            self.metrics.lateness.recordNanoseconds(Swift.max(lateness, .zero).saturatingNanoseconds)
        }
        self.overlaps = statistics.overlaps
        self.measuredTicks = statistics.measuredTicks
        self.totalLateness = statistics.totalLateness
    }
}
