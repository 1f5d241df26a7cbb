public import ModeCore

/// Starts `service`, runs `body`, stops the service, and then proves nothing of it is left running.
///
/// After the stop every service of the tree must read stopped (or never started, or failed) and own no
/// running task, not even one abandoned by `stop()` because it ignored cancellation; otherwise a
/// ``ServiceLeakError`` naming each of them is thrown. The service is stopped even when `body` throws. Works
/// the same from Swift Testing and from XCTest (`try await` it in an `async throws` test method).
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
/// A service that was never started, or whose start failed, counts as stopped.
///
/// - Throws: ``ServiceLeakError`` naming each service that is not stopped or still has tasks.
public func assertStoppedClean(_ service: some Service) throws {
    let problems = service.beacon.traverse().flatMap { node -> [String] in
        guard let member = node.value.service else { return [] }
        return leakProblems(of: member, path: node.path)
    }
    if !problems.isEmpty { throw ServiceLeakError(problems: problems) }
}

/// What is left running of `service` alone (not its children), one line per problem.
func leakProblems(of service: any Service, path: String) -> [String] {
    var problems: [String] = []
    let phase = service.runtime.lifecycleState
    if phase != .stopped, phase != .initial, phase != .failed {
        problems.append("\(path) is \(phase), not stopped")
    }
    let tasks = service.runtime.runningTaskNames
    if !tasks.isEmpty {
        problems.append("\(path) still runs tasks: \(tasks.joined(separator: ", "))")
    }
    let abandoned = service.runtime.abandonedTaskNames
    if !abandoned.isEmpty {
        problems.append("\(path) abandoned tasks that ignored cancellation: \(abandoned.joined(separator: ", "))")
    }
    return problems
}

/// Thrown by ``withRunningService(_:_:)``, ``assertStoppedClean(_:)`` and ``withServiceLeakCheck(_:)`` when a
/// service outlived its stop.
///
/// ```swift
/// do {
///     try assertStoppedClean(app)
/// } catch let error as ServiceLeakError {
///     print(error.problems)  // ["App/Worker is running, not stopped", "App/Worker still runs tasks: poll"]
/// }
/// ```
public struct ServiceLeakError: Error, Hashable, Sendable, CustomStringConvertible {
    /// One line per service that is not stopped or still owns tasks, naming it by its path in the tree.
    public let problems: [String]

    /// Creates an error listing `problems`.
    public init(problems: [String]) {
        self.problems = problems
    }

    /// The problems, one per line, and what to do about them.
    public var description: String {
        "services left running after the test (stop them, and make their tasks end on cancellation):\n"
            + self.problems.joined(separator: "\n")
    }
}
