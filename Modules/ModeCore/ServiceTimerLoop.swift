/// The work of a `BackgroundTask.timer`: registers the timer, then runs its body at every tick until the
/// service stops.
///
/// The declaration's parameters live here, in the task's closure, and the loop is one function whose async
/// frame holds little more than the iterator: with thousands of timers every tick touches its task's frames
/// cold, so the fewer and smaller they are, the fewer cache misses (and the more of them fit the task's first
/// allocator slab, next to the task itself).
struct ServiceTimerLoop: Sendable {
    let name: String
    let interval: Duration
    let runFirst: Bool
    let scheduling: TimerScheduling
    let jitter: TimerJitter
    let onError: TimerErrorPolicy
    let monitor: TimerMonitor?
    let tolerance: Duration?
    let body: @concurrent @Sendable () async throws -> Void

    /// Runs the timer of `service` (the service object itself: its first lines are prefetched each tick, see
    /// below) until the service stops.
    func run(_ runtime: ServiceRuntime, service: AnyObject) async throws {
        let monitor = self.monitor ?? TimerMonitor()
        let registration = runtime.registerTimer(self.name, interval: self.interval, monitor: monitor)
        defer { runtime.unregisterTimer(registration) }
        var ticking = Ticking(
            ticks: try self.makeTicks(runtime, monitor: monitor),
            meter: runtime.timerMetrics(self.name).map { TimerTickMeter($0, monitor: monitor) },
            name: self.name,
            onError: self.onError,
            body: self.body
        )
        if self.runFirst, !runtime.shouldStop {
            try await self.onError.run(self.name, runtime: runtime, self.body)
        }
        guard let scheduler = ticking.ticks.clock.scheduler?.scheduler else {
            try await ticking.run(runtime)
            return
        }
        // One sleeper for the timer's whole life: its cancellation handler is installed once, not per tick.
        try await scheduler.withSleeper { sleeper in
            ticking.ticks.sleeper = sleeper
            // What a tick reads first, for the scheduler's driver to prefetch before it resumes this task: the
            // runtime's stop flag, the counters, the tick's state here in the task's frame, and the service
            // object (an actor: the body's call into it takes its lock, in the object's first lines). Only their
            // addresses are kept, as hints; all live as long as the sleeper (the loop and the task hold them, and
            // the frame is this function's).
            var prefetch = TimerScheduler.Prefetch()
            prefetch.add(runtime, bytes: 64)
            prefetch.add(service, bytes: 192)
            let counters = monitor.storageSpan
            prefetch.add(counters.address, bytes: counters.bytes)
            withUnsafeMutablePointer(to: &ticking) { prefetch.add(UnsafeRawPointer($0), bytes: MemoryLayout<Ticking>.size) }
            scheduler.setPrefetch(prefetch, for: sleeper)
            try await ticking.run(runtime)
        }
    }

    /// Everything a tick reads, side by side in one value (one stretch of the task's memory).
    private struct Ticking {
        var ticks: ServiceTimerSequence.Iterator
        var meter: TimerTickMeter?
        let name: String
        let onError: TimerErrorPolicy
        let body: @concurrent @Sendable () async throws -> Void

        /// Runs the body at every tick until the ticks end.
        @inline(__always)
        mutating func run(_ runtime: ServiceRuntime) async throws {
            while await self.ticks.next() != nil {
                self.meter?.tick()
                try await self.onError.run(self.name, runtime: runtime, self.body)
            }
        }
    }

    /// The ticks, built outside the async frame (the timer and its clock are only needed to make them).
    private func makeTicks(_ runtime: ServiceRuntime, monitor: TimerMonitor) throws -> ServiceTimerSequence.Iterator {
        ServiceTimerSequence(
            runtime: runtime,
            timer: try IntervalTimer(
                every: self.interval,
                name: self.name,
                scheduling: self.scheduling,
                jitter: self.jitter,
                logger: runtime.serviceLogger,
                monitor: monitor,
                tolerance: self.tolerance,
                clock: ServiceTimerClock(
                    runtime: runtime,
                    wakesOnStop: false,
                    coalescing: ServiceTimerClock.coalescing(for: self.interval)
                )
            )
        ).makeAsyncIterator()
    }
}
