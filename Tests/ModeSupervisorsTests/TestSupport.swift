import InMemoryLogging
import Logging
import ModeCore
import ModeTesting
import ModeConcurrencyHelpers
import ModeSupervisors
import ModeTestSupport
import Testing

/// The supervisor events of one test, in order; `next()` waits for the next one.
final class EventFeed: Sendable {
    let stream: AsyncStream<SupervisorEvent>
    let continuation: AsyncStream<SupervisorEvent>.Continuation

    init() {
        (self.stream, self.continuation) = AsyncStream.makeStream(of: SupervisorEvent.self)
    }

    var handler: @Sendable (SupervisorEvent) -> Void {
        { [continuation] event in continuation.yield(event) }
    }
}

/// Waits for the next event of `iterator`.
func nextEvent(_ iterator: inout AsyncStream<SupervisorEvent>.Iterator) async throws -> SupervisorEvent {
    let event = await iterator.next(isolation: #isolation)
    return try #require(event)
}

/// A quiet child service with one idle task, so a restart really cancels and respawns work.
func makeChild(_ name: String, events: EventLog, hooks: [String: TestService.Hook] = [:]) -> TestService {
    TestService(
        name,
        events: events,
        logger: quietLogger,
        hooks: hooks,
        tasks: ["idle": { service in await service.waitUntilStopped() }]
    )
}

func labels(_ services: [any Service]) -> [String] { services.map(\.label) }

let quietLogger: Logger = {
    var logger = Logger(label: "quiet")
    logger.logLevel = .critical
    return logger
}()

func quietConfiguration(clock: ManualClock = ManualClock()) -> ServiceConfiguration {
    ServiceConfiguration(clock: clock, logger: quietLogger)
}

let manyRestarts = try! RestartIntensity(maxRestarts: 1_000, within: .seconds(1))
