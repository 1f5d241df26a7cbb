import ModeConcurrencyHelpers
public import ModeCore

/// An `AsyncResource` double that records each enter and exit, and can be told to fail either.
///
/// ```swift
/// let connection = MockAsyncResource(value: "conn-1")
/// actor Client: Service {
///     let runtime = ServiceRuntime()
///     let resource: MockAsyncResource<String>
///     init(_ resource: MockAsyncResource<String>) { self.resource = resource }
///     func onStart() async throws { _ = try await addResource(resource) }
/// }
/// try await withRunningService(Client(connection)) { _ in
///     #expect(connection.isEntered)
/// }
/// #expect(connection.events == [.enter, .exit(error: nil)])
/// ```
///
/// Safe to use from any task.
public final class MockAsyncResource<Value: Sendable>: AsyncResource, Sendable {
    /// One call on the resource.
    public enum Event: Hashable, Sendable, CustomStringConvertible {
        /// `enter()` was called.
        case enter
        /// `exit(error:)` was called; `error` describes the error passed in, if any.
        case exit(error: String?)

        /// `enter` or `exit` (with the error).
        public var description: String {
            switch self {
            case .enter: "enter"
            case .exit(let error): error.map { "exit(\($0))" } ?? "exit"
            }
        }
    }

    private struct State {
        var value: Value
        var events: [Event] = []
        var enterError: (any Error)?
        var exitError: (any Error)?
    }

    private let state: Locked<State>

    /// Creates a resource whose `enter()` returns `value`.
    ///
    /// - Parameters:
    ///   - value: What `enter()` returns.
    ///   - enterError: What `enter()` throws instead, if set.
    ///   - exitError: What `exit(error:)` throws, if set.
    public init(value: Value, enterError: (any Error)? = nil, exitError: (any Error)? = nil) {
        self.state = Locked(State(value: value, enterError: enterError, exitError: exitError))
    }

    /// Records the enter and returns the value (or throws the enter error).
    public func enter() async throws -> Value {
        let (value, error) = self.state.withLock { state in
            state.events.append(.enter)
            return (state.value, state.enterError)
        }
        if let error { throw error }
        return value
    }

    /// Records the exit with the error it was given (or throws the exit error).
    public func exit(error: (any Error)?) async throws {
        let failure = self.state.withLock { state in
            state.events.append(.exit(error: error.map { "\($0)" }))
            return state.exitError
        }
        if let failure { throw failure }
    }

    /// Sets what the next enters throw; `nil` lets them succeed.
    public func setEnterError(_ error: (any Error)?) {
        self.state.withLock { $0.enterError = error }
    }

    /// Sets what the next exits throw; `nil` lets them succeed.
    public func setExitError(_ error: (any Error)?) {
        self.state.withLock { $0.exitError = error }
    }

    /// Every enter and exit, in order.
    public var events: [Event] { self.state.withLock { $0.events } }

    /// How many times `enter()` was called.
    public var enterCount: Int { self.events.lazy.filter { $0 == .enter }.count }

    /// How many times `exit(error:)` was called.
    public var exitCount: Int { self.events.count - self.enterCount }

    /// Whether there were more enters than exits: the resource is held now.
    public var isEntered: Bool { self.enterCount > self.exitCount }
}
