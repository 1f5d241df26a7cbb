import ModeConcurrencyHelpers
import ModeCore

/// Runs `body`, then proves that every service that changed state inside it has stopped and owns no task.
///
/// Every service started, stopped, crashed or restarted by `body` (on its own task or on any task created
/// from it, such as the services' own tasks) is tracked, whichever tree it belongs to and however it was
/// started. After `body` each must read stopped (or never started, or failed) and own no running or abandoned
/// task; otherwise ``ServiceLeakError`` names them. Services of other tests running in parallel are not
/// tracked: the tracking follows the task, not the process.
///
/// Works with any test framework. Swift Testing users can write `@Test(.serviceLeakCheck)` instead.
///
/// ```swift
/// func testConsumer() async throws {  // XCTest
///     try await withServiceLeakCheck {
///         let consumer = Consumer()
///         try await consumer.start()
///         await consumer.stop()
///     }
/// }
/// ```
///
/// - Returns: What `body` returns.
/// - Throws: What `body` throws (then nothing is checked), or ``ServiceLeakError``.
public func withServiceLeakCheck<T>(_ body: () async throws -> T) async throws -> T {
    let tracker = ServiceLeakTracker()
    let observation = ServiceTransitions.observe { transition in
        if ServiceLeakTracker.current === tracker { tracker.track(transition.service) }
    }
    defer { observation.cancel() }
    let result = try await ServiceLeakTracker.$current.withValue(tracker) { try await body() }
    let problems = tracker.problems()
    if !problems.isEmpty { throw ServiceLeakError(problems: problems) }
    return result
}

/// The services one ``withServiceLeakCheck(_:)`` scope saw change state.
final class ServiceLeakTracker: Sendable {
    @TaskLocal static var current: ServiceLeakTracker?

    private let services = Locked<[ObjectIdentifier: any Service]>([:])
    private let order = Locked<[ObjectIdentifier]>([])

    func track(_ service: any Service) {
        let id = ObjectIdentifier(service)
        let isNew = self.services.withLock { services -> Bool in
            if services[id] != nil { return false }
            services[id] = service
            return true
        }
        if isNew { self.order.withLock { $0.append(id) } }
    }

    /// One line per tracked service that is not stopped or still owns tasks, in the order they were first seen.
    func problems() -> [String] {
        let ids = self.order.withLock { $0 }
        let services = self.services.withLock { $0 }
        return ids.compactMap { services[$0] }.flatMap { service in
            leakProblems(of: service, path: service.beacon.path)
        }
    }
}
