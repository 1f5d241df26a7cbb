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

    /// Waits for `signal()`, at most `timeout`; returns early (without error) if `service` stops or crashes
    /// first, as it does when the server cannot bind its port.
    func wait(in service: some Service, timeout: Duration = .seconds(30)) async throws {
        let events = self.events
        let outcome = try await service.wait(timeout: timeout) {
            for await _ in events { return }
        }
        if case .timedOut = outcome {
            throw TutorialError("\(service.label): the server was not listening after \(timeout)")
        }
    }
}

/// An error of the tutorial program, with what went wrong.
struct TutorialError: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}
