public import ModeCore

/// Starts `service`, runs `body`, stops the service, and then proves nothing of it is left running.
///
/// After the stop every service of the tree must read stopped (or never started) and own no running task;
/// otherwise a ``ServiceLeakError`` naming them is thrown. The service is stopped even when `body` throws.
///
/// ```swift
/// @Test func consumesOneMessage() async throws {
///     try await withRunningService(Consumer(clock: clock)) { consumer in
///         ...
///     }
/// }
/// ```
///
/// - Returns: What `body` returns.
/// - Throws: What `start()` or `body` throws, or ``ServiceLeakError``.
public func withRunningService<S: Service, T>(
    _ service: S,
    _ body: (S) async throws -> T
) async throws -> T {
    let result = try await withService(service, body)
    try assertStoppedClean(service)
    return result
}

/// Checks that `service` and every service under it has stopped and owns no running task.
///
/// - Throws: ``ServiceLeakError`` naming each service that is not stopped or still has tasks.
public func assertStoppedClean(_ service: some Service) throws {
    var problems: [String] = []
    for node in service.beacon.traverse() {
        guard let member = node.value.service else { continue }
        let phase = member.runtime.lifecycleState
        if phase != .stopped, phase != .initial, phase != .failed {
            problems.append("\(node.path) is \(phase), not stopped")
        }
        let tasks = member.runningTaskNames
        if !tasks.isEmpty {
            problems.append("\(node.path) still runs tasks: \(tasks.joined(separator: ", "))")
        }
    }
    if !problems.isEmpty { throw ServiceLeakError(problems: problems) }
}

/// Thrown by ``withRunningService(_:_:)`` and ``assertStoppedClean(_:)`` when a service outlived its stop.
public struct ServiceLeakError: Error, Hashable, Sendable, CustomStringConvertible {
    /// One line per service that is not stopped or still owns tasks.
    public let problems: [String]

    /// Creates an error listing `problems`.
    public init(problems: [String]) {
        self.problems = problems
    }

    /// The problems, one per line.
    public var description: String {
        "services left running after stop():\n" + self.problems.joined(separator: "\n")
    }
}
