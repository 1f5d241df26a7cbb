import Logging
import ModeConcurrencyHelpers

extension ServiceRuntime {
    /// Whether the calling task is the timer of a stop deadline.
    ///
    /// Test clocks read it to leave such timers out of their sleeper counts (ModeTesting's `ManualClock` does),
    /// so a test that waits for "one sleeper" waits for its own code, not for the library's watchdog.
    @TaskLocal public static var isDeadlineTimer = false

    /// Runs one step of a stop (a hook, a cleanup, a child's stop) and waits for it at most the configured
    /// ``ServiceConfiguration/stopTimeout``.
    ///
    /// The step runs in a task of its own that starts at once on the calling thread, so a step that finishes
    /// without suspending costs no scheduling and no timer. Only a step that suspends gets a timer. Past the
    /// deadline the step's task is cancelled, a warning names `what` and the time waited, and this returns:
    /// the teardown goes on without it. The step's task carries the stopping task's identity, so the step
    /// can call `stop()` on a service whose stop or start the caller holds without waiting for itself.
    ///
    /// - Returns: Whether the step finished in time.
    @discardableResult
    func runStopStep(_ what: @autoclosure () -> String, _ body: @escaping @Sendable () async -> Void) async -> Bool {
        guard let timeout = self.configuration.stopTimeout else {
            await body()
            return true
        }
        let gate = StepGate()
        let task = LifecycleLock.$inheritedIdentity.withValue(LifecycleLock.currentTaskID()) {
            Self.startImmediately {
                await body()
                gate.finish()
            }
        }
        if gate.isFinished { return true }
        let clock = self.clock
        let timer = Self.$isDeadlineTimer.withValue(true) {
            Task(name: "\(self.label).stop-deadline") {
                try? await clock.sleep(for: Swift.max(timeout, .zero))
                gate.expire()
            }
        }
        let finished = await gate.wait()
        timer.cancel()
        if !finished {
            task.cancel()
            self.log(
                .warning,
                "Stop deadline: gave up on \(what()) of \(self.labelPath) after \(Swift.max(timeout, .zero)); going on with the rest of the stop"
            )
        }
        return finished
    }

    /// Starts `operation` in a new task that runs on the calling thread, isolated to the caller's actor (if
    /// any), until its first suspension; a step that does not suspend is then done when this returns.
    private static func startImmediately(
        isolation: isolated (any Actor)? = #isolation,
        _ operation: @escaping @Sendable () async -> Void
    ) -> Task<Void, Never> {
        if #available(macOS 26.0, iOS 26.0, watchOS 26.0, tvOS 26.0, visionOS 26.0, *) {
            return Task.immediate {
                _ = isolation  // capturing the isolated parameter keeps the task on the caller's actor
                await operation()
            }
        }
        return Task {
            _ = isolation
            await operation()
        }
    }

    /// Takes the lifecycle lock for a stop, waiting at most the stop deadline for a start or restart that
    /// holds it.
    ///
    /// - Returns: Whether the lock was taken; `false` means the holder did not finish in time, a warning was
    ///   logged, and the caller stops the service without the lock.
    func lockForStop() async -> Bool {
        guard let timeout = self.configuration.stopTimeout else {
            await self.lifecycle.lock()
            return true
        }
        let clock = self.clock
        var timer: Task<Void, Never>?
        let locked = await self.lifecycle.lock { giveUp in
            // Only when the lock is held: a free lock costs no timer (and no look for the label).
            let label = self.label
            timer = Self.$isDeadlineTimer.withValue(true) {
                Task(name: "\(label).stop-deadline") {
                    guard (try? await clock.sleep(for: Swift.max(timeout, .zero))) != nil else { return }
                    giveUp()
                }
            }
        }
        timer?.cancel()
        if !locked {
            self.log(
                .warning,
                "Stop deadline: a start or restart of \(self.labelPath) did not finish within \(Swift.max(timeout, .zero)); stopping it anyway"
            )
        }
        return locked
    }
}

/// Which service types keep the default (empty) hooks, learnt when a default runs.
///
/// A stop runs a hook in a step with a deadline only when the hook may be the service's own code, and a start
/// calls a hook (and checks for a stop after it) only when it may do something: once a type's default hook has
/// run, later starts and stops of that type skip it. This keeps a tree start and stop cheap for services that
/// implement few hooks: one lookup per start or stop instead of a call per hook.
enum DefaultHooks {
    /// A set of hooks.
    struct Hooks: OptionSet {
        let rawValue: UInt8

        static let onStop = Hooks(rawValue: 1 << 0)
        static let onShutdown = Hooks(rawValue: 1 << 1)
        static let onFirstStart = Hooks(rawValue: 1 << 2)
        static let onStart = Hooks(rawValue: 1 << 3)
        static let onStarted = Hooks(rawValue: 1 << 4)
        static let backgroundTasks = Hooks(rawValue: 1 << 5)
    }

    private static let known = Locked<[ObjectIdentifier: UInt8]>([:])

    /// Records that `type` uses the default `hook`.
    static func note(_ type: any Service.Type, _ hook: Hooks) {
        let id = ObjectIdentifier(type)
        self.known.withLock { $0[id, default: 0] |= hook.rawValue }
    }

    /// The hooks that `type` is known to leave at their defaults.
    static func defaults(of type: any Service.Type) -> Hooks {
        let id = ObjectIdentifier(type)
        return Hooks(rawValue: self.known.withLock { $0[id] ?? 0 })
    }
}

/// A one-shot meeting point between a stop step and the stop that waits for it.
final class StepGate: Sendable {
    private enum State {
        case running
        case waiting(UnsafeContinuation<Bool, Never>)
        case finished
        case expired
    }

    private let state = Locked(State.running)

    /// Whether the step has finished.
    var isFinished: Bool {
        self.state.withLock { state in
            if case .finished = state { return true }
            return false
        }
    }

    /// Records that the step finished and wakes the waiter.
    func finish() { self.resolve(to: .finished, result: true) }

    /// Records that the deadline passed and wakes the waiter.
    func expire() { self.resolve(to: .expired, result: false) }

    private func resolve(to final: State, result: Bool) {
        let continuation: UnsafeContinuation<Bool, Never>? = self.state.withLock { state in
            switch state {
            case .running:
                state = final
                return nil
            case .waiting(let continuation):
                state = final
                return continuation
            case .finished, .expired:
                return nil
            }
        }
        continuation?.resume(returning: result)
    }

    /// Waits until the step finishes (`true`) or the deadline passes (`false`).
    func wait() async -> Bool {
        await withUnsafeContinuation { (continuation: UnsafeContinuation<Bool, Never>) in
            let immediate: Bool? = self.state.withLock { state in
                switch state {
                case .running:
                    state = .waiting(continuation)
                    return nil
                case .finished: return true
                case .expired: return false
                case .waiting: return nil
                }
            }
            if let immediate { continuation.resume(returning: immediate) }
        }
    }
}
