import Logging
import ModeConcurrencyHelpers
import ModeCore
import ModeSupervisors
import UnixSignals

// The Worker's run: the event loop that reacts to the start, signals, crashes, the idle check and the stop
// deadline, and the pieces it drives (see `Worker.execute()`).
extension Worker {
    func drive(
        _ events: AsyncStream<Event>,
        sink: AsyncStream<Event>.Continuation,
        group: inout TaskGroup<Void>
    ) async -> WorkerExitCode {
        if let hook = self.hooks.onWorkerStart {
            do {
                try await hook(self)
            } catch {
                self.logger.error("Error: onWorkerStart failed: \(error)")
                return .failure
            }
        }
        self.notifier.notify("STATUS=Starting \(self.services.count) service(s)")
        let startTask = Task(name: "Worker.start") { await self.runStart(sink) }
        var stopTask: Task<Void, Never>?
        var firstSignalAt: ContinuousClock.Instant?
        var startFailed = false
        loop: for await event in events {
            switch event {
            case .started:
                if stopTask == nil, !self.options.daemon {
                    group.addTask {
                        await self.waitUntilIdle()
                        if !Task.isCancelled { sink.yield(.idle) }
                    }
                }
            case .startFailed:
                startFailed = true
                if stopTask == nil {
                    self.markStopBegun()
                    self.notifier.notify("STOPPING=1", "STATUS=Start failed")
                    break loop
                }
            case .shouldStop:
                guard stopTask == nil else { continue }
                if let reason = self.crashReason {
                    self.logger.error("Stopping after a crash: \(reason)")
                    stopTask = self.beginStop("crash", sink: sink, group: &group)
                } else {
                    stopTask = self.beginStop("stop requested", sink: sink, group: &group)
                }
            case .idle:
                guard stopTask == nil else { continue }
                self.logger.info("The services' work is done; stopping (non-daemon mode)")
                stopTask = self.beginStop("work done", sink: sink, group: &group)
            case .signal(let signal):
                switch signal {
                case .sigint, .sigterm:
                    if stopTask == nil {
                        firstSignalAt = .now
                        self.logger.info("Stopping on signal received: \(signal)")
                        stopTask = self.beginStop("\(signal)", sink: sink, group: &group)
                    } else if let first = firstSignalAt, first.duration(to: .now) < self.options.duplicateSignalWindow {
                        self.logger.debug("Ignoring \(signal): a duplicate delivery of the stop signal")
                    } else {
                        return self.forcedExit("a second \(signal) arrived while stopping")
                    }
                case .sigusr1:
                    self.logger.notice("Service tree (SIGUSR1):\n\(renderServiceTree(self))")
                case .sighup:
                    group.addTask { await self.reload() }
                default:
                    self.logger.debug("Ignoring signal \(signal)")
                }
            case .deadlinePassed:
                self.shared.withLock { $0.stopOverdue = true }
                let deadline = self.options.stopDeadline.map { "\($0)" } ?? "none"
                return self.forcedExit("the stop deadline (\(deadline)) passed")
            case .stopped:
                break loop
            }
        }
        // The start has finished (the stop waited for it); its error, if any, is logged once, here.
        if let error = await startTask.value {
            self.logger.error("Error: \(error)")
            startFailed = true
        }
        if let stopTask { await stopTask.value }
        let code: WorkerExitCode = startFailed || self.crashReason != nil ? .failure : .success
        if let hook = self.hooks.onWorkerShutdown { await hook(self, code) }
        self.notifier.notify("STATUS=Stopped, exit status \(code.rawValue)")
        self.logger.debug("Exiting with status \(code)")
        return code
    }

    @concurrent
    private nonisolated func runStart(_ sink: AsyncStream<Event>.Continuation) async -> (any Error)? {
        do {
            try await self.start()
            sink.yield(.started)
            return nil
        } catch {
            sink.yield(.startFailed)
            return error
        }
    }

    @concurrent
    private nonisolated func runStop(_ sink: AsyncStream<Event>.Continuation) async {
        await self.stop()
        sink.yield(.stopped)
    }

    private func beginStop(
        _ reason: String,
        sink: AsyncStream<Event>.Continuation,
        group: inout TaskGroup<Void>
    ) -> Task<Void, Never> {
        self.markStopBegun()
        self.notifier.notify("STOPPING=1", "STATUS=Stopping (\(reason))")
        if let deadline = self.options.stopDeadline {
            let clock = self.options.clock
            group.addTask {
                do {
                    try await clock.sleepBounded(for: deadline)
                    sink.yield(.deadlinePassed)
                } catch {}
            }
        }
        return Task(name: "Worker.stop") { await self.runStop(sink) }
    }

    /// Readiness ends here: waiters for it learn that it will not come.
    nonisolated func markStopBegun() {
        let waiters = self.shared.withLock { shared in
            shared.stopBegun = true
            return shared.takeReadyWaiters()
        }
        for waiter in waiters { waiter.resume(returning: false) }
    }

    private func forcedExit(_ reason: String) -> WorkerExitCode {
        let stopping = servicesStillStopping(self)
        let threads = ServiceThread.runningThreadNames()
        var message = "Forced exit: \(reason). Still stopping: "
        message += stopping.isEmpty ? "none" : stopping.joined(separator: ", ")
        if !threads.isEmpty { message += ". Threads still running: " + threads.joined(separator: ", ") }
        self.logger.error("\(message)")
        self.notifier.notify("STATUS=Forced exit: \(reason)")
        return .forced
    }

    private func reload() async {
        guard let hook = self.hooks.onReload else {
            self.logger.info("SIGHUP received: no reload hook is set, nothing to reload")
            return
        }
        guard !self.reloading else {
            self.logger.info("SIGHUP received while a reload runs: ignored")
            return
        }
        self.reloading = true
        defer { self.reloading = false }
        self.logger.info("Reloading on SIGHUP")
        self.notifier.notify("RELOADING=1", "STATUS=Reloading")
        do {
            try await hook(self)
            self.logger.info("Reloaded")
        } catch {
            self.logger.error("Reload failed: \(error)")
        }
        if !self.shared.withLock({ $0.stopBegun }) {
            self.notifier.notify("READY=1", "STATUS=Running \(self.services.count) service(s)")
        }
    }

    nonisolated func post(_ event: Event) {
        let sink = self.shared.withLock { shared -> AsyncStream<Event>.Continuation? in
            if shared.sink == nil, !shared.finished { shared.pending.append(event) }
            return shared.sink
        }
        sink?.yield(event)
    }

    nonisolated func executorEvent(_ event: ExecutorMonitor.Event) {
        switch event {
        case .blocked(let late):
            let flags = describeDiagFlags(self)
            self.logger.warning(
                """
                Blocked executor: the heartbeat is \(late) late (threshold \(self.executorMonitor.threshold), \
                \(self.executorMonitor.blockedCount) time(s) so far). Some code blocks a thread of the \
                cooperative pool; move blocking work to a ServiceThread. Diag flags set: \
                \(flags.isEmpty ? "none" : flags.joined(separator: "; ")). Service tree:
                \(renderServiceTree(self))
                """
            )
            self.notifier.notify("STATUS=Executor blocked (\(late) late)")
        case .recovered(let worst):
            self.logger.warning("Executor unblocked; the heartbeat was up to \(worst) late")
            self.notifier.notify("STATUS=Running \(self.services.count) service(s)")
        }
    }

    nonisolated func pingWatchdog(every interval: Duration) async {
        let clock = self.options.clock
        while !Task.isCancelled {
            do {
                try await clock.sleepBounded(for: max(interval, .milliseconds(1)))
            } catch {
                return
            }
            let overdue = self.shared.withLock { $0.stopOverdue }
            if self.executorMonitor.isHealthy, !overdue { self.notifier.notify("WATCHDOG=1") }
        }
    }

    private nonisolated func waitUntilIdle() async {
        let clock = self.options.clock
        while !Task.isCancelled {
            if self.services.allSatisfy(Self.isIdle) { return }
            do {
                try await clock.sleep(for: .milliseconds(10))
            } catch {
                return
            }
        }
    }

    /// Whether no service of the subtree has a running task; a supervisor's own loop does not count.
    private static func isIdle(_ service: any Service) -> Bool {
        (service is Supervisor || service.runningTaskNames.isEmpty) && service.children.allSatisfy(Self.isIdle)
    }
}
