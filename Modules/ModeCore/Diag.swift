import ModeConcurrencyHelpers

/// Diagnostic flags of a service: short strings saying what it is doing right now.
///
/// Set a flag while a slow step runs so a dump of the service tree shows where a stuck service is; each set
/// records when it happened (an offset on the service's clock).
///
/// ```swift
/// try await transition("FLUSH") { try await flushBuffers() }
/// ```
///
/// Safe to use from any task.
public final class Diag: Sendable {
    private struct State {
        var flags: Set<String> = []
        var lastTransition: [String: Duration] = [:]
    }

    private let state = Locked(State())
    private let clock: ServiceClock

    init(clock: ServiceClock) {
        self.clock = clock
    }

    /// The flags set now.
    public var flags: Set<String> { self.state.withLock { $0.flags } }

    /// When each flag was last set, as an offset on the service's clock from when the service was created.
    public var lastTransition: [String: Duration] { self.state.withLock { $0.lastTransition } }

    /// Sets `flag` and records the time.
    public func setFlag(_ flag: String) {
        let now = self.clock.now
        self.state.withLock { state in
            state.flags.insert(flag)
            state.lastTransition[flag] = now
        }
    }

    /// Clears `flag`; its last transition time is kept.
    public func unsetFlag(_ flag: String) {
        _ = self.state.withLock { $0.flags.remove(flag) }
    }
}
