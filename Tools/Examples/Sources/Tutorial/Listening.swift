import Mode

/// Tells a service that its Hummingbird server is listening: the server's `onServerRunning` calls `signal()`,
/// the service's `onStarted` waits for it. So the Worker reports ready only once both ports take connections.
struct Listening: Sendable {
    private let events: AsyncStream<Void>
    private let continuation: AsyncStream<Void>.Continuation

    init() {
        (events, continuation) = AsyncStream.makeStream(bufferingPolicy: .bufferingNewest(1))
    }

    func signal() {
        continuation.yield()
    }

    /// Waits for `signal()`, at most `timeout`.
    ///
    /// - Returns: `true` once the server listens; `false` if `service` stops or crashes first (as it does when
    ///   the server cannot bind its port: the crash climbs to the Worker, which stops and exits 1).
    /// - Throws: `TutorialError` when the server is not listening after `timeout`.
    func wait(in service: some Service, timeout: Duration = .seconds(30)) async throws -> Bool {
        let events = self.events
        switch try await service.wait(timeout: timeout, { for await _ in events { return } }) {
        case .completed: return true
        case .stopped: return false
        case .timedOut: throw TutorialError("\(service.label): the server was not listening after \(timeout)")
        }
    }
}
