import ModeConcurrencyHelpers
import Synchronization

/// A recording test double for an async function: scripted results or errors per call, the call history
/// with its arguments, and a way to await "called N times".
///
/// Inject it where the code under test takes a function (`@Sendable (Arguments) async throws -> Result`),
/// script what each call returns, and check the calls afterwards; no monkeypatching.
///
/// ```swift
/// let fetch = AsyncMock<String, Int>(returning: 0)
/// fetch.enqueue(.value(200), .error(Timeout()))         // the first two calls; later calls return 0
/// let poller = Poller(fetch: fetch.function)
/// try await poller.start()
/// await fetch.waitForCalls(count: 3)
/// #expect(fetch.calls == ["/health", "/health", "/health"])
/// ```
///
/// Each call is recorded when it begins, before its result is produced, so ``waitForCalls(count:)`` returns
/// as soon as the code under test has made the call. Every call also takes a number from one counter shared
/// by all mocks of the process, so a test can check the order of calls across mocks (``callNumbers``).
///
/// Safe to use from any task.
public final class AsyncMock<Arguments: Sendable, Result: Sendable>: Sendable {
    /// What one call does.
    public enum Outcome: Sendable {
        /// Returns the value.
        case value(Result)
        /// Throws the error.
        case error(any Error)
        /// Runs the closure with the call's arguments, and returns or throws what it does.
        case perform(@Sendable (Arguments) async throws -> Result)
    }

    private struct CountWaiter {
        var count: Int
        var continuation: CheckedContinuation<Void, Never>
    }

    private struct State {
        var script: [Outcome] = []
        var fallback: Outcome?
        var calls: [Arguments] = []
        var numbers: [Int] = []
        var waiters: [Int: CountWaiter] = [:]
        var nextID = 0
    }

    /// The name used in errors.
    public let name: String
    private let state: Locked<State>

    /// Creates a mock whose calls run the queued outcomes, then `fallback` once the queue is empty.
    ///
    /// - Parameters:
    ///   - name: The name errors use.
    ///   - fallback: What a call does when nothing is queued; without one such a call throws
    ///     ``MockError/Code-swift.struct/unscripted``.
    public init(name: String = "AsyncMock", fallback: Outcome? = nil) {
        self.name = name
        self.state = Locked(State(fallback: fallback))
    }

    /// Creates a mock that returns `value` unless an outcome is queued.
    public convenience init(name: String = "AsyncMock", returning value: Result) {
        self.init(name: name, fallback: .value(value))
    }

    /// Creates a mock that runs `body` unless an outcome is queued.
    public convenience init(
        name: String = "AsyncMock",
        _ body: @escaping @Sendable (Arguments) async throws -> Result
    ) {
        self.init(name: name, fallback: .perform(body))
    }

    /// Queues outcomes for the next calls, in order; each call takes one.
    public func enqueue(_ outcomes: Outcome...) {
        self.state.withLock { $0.script.append(contentsOf: outcomes) }
    }

    /// Replaces what a call does when nothing is queued.
    public func setFallback(_ outcome: Outcome?) {
        self.state.withLock { $0.fallback = outcome }
    }

    /// Calls the mock: records `arguments`, then runs the next queued outcome (or the fallback).
    ///
    /// - Throws: The scripted error, what a `.perform` closure throws, or ``MockError`` when nothing is
    ///   scripted.
    public func callAsFunction(_ arguments: Arguments) async throws -> Result {
        let number = mockCallCounter.add(1, ordering: .relaxed).newValue
        let (outcome, callIndex, ready) = self.state.withLock { state in
            state.calls.append(arguments)
            state.numbers.append(number)
            let outcome = state.script.isEmpty ? state.fallback : state.script.removeFirst()
            let due = state.waiters.filter { $0.value.count <= state.calls.count }
            for id in due.keys { state.waiters[id] = nil }
            return (outcome, state.calls.count, due.values.map(\.continuation))
        }
        for waiter in ready { waiter.resume() }
        switch outcome {
        case .value(let value): return value
        case .error(let error): throw error
        case .perform(let body): return try await body(arguments)
        case nil: throw MockError.unscripted(self.name, call: callIndex)
        }
    }

    /// The mock as a plain function, to inject where the code under test takes one.
    public var function: @Sendable (Arguments) async throws -> Result {
        { arguments in try await self(arguments) }
    }

    /// The arguments of every call so far, in order.
    public var calls: [Arguments] { self.state.withLock { $0.calls } }

    /// How many calls were made.
    public var callCount: Int { self.state.withLock { $0.calls.count } }

    /// The arguments of the last call, if any.
    public var lastCall: Arguments? { self.state.withLock { $0.calls.last } }

    /// The process-wide sequence number of each call, in order: a call to one mock with a smaller number
    /// than a call to another happened first.
    public var callNumbers: [Int] { self.state.withLock { $0.numbers } }

    /// Suspends until the mock has been called at least `count` times (now or earlier).
    ///
    /// Returns early if the calling task is cancelled. A count of zero or less returns at once.
    public func waitForCalls(count: Int) async {
        let id = self.state.withLock { state -> Int in
            state.nextID += 1
            return state.nextID
        }
        await withTaskCancellationHandler {
            await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
                let ready = self.state.withLock { state -> Bool in
                    if state.calls.count >= count || Task.isCancelled { return true }
                    state.waiters[id] = CountWaiter(count: count, continuation: continuation)
                    return false
                }
                if ready { continuation.resume() }
            }
        } onCancel: {
            let waiter = self.state.withLock { $0.waiters.removeValue(forKey: id) }
            waiter?.continuation.resume()
        }
    }

    /// Forgets the calls and the queued outcomes; the fallback stays.
    public func reset() {
        self.state.withLock { state in
            state.calls = []
            state.numbers = []
            state.script = []
        }
    }
}

extension AsyncMock where Arguments == Void {
    /// Calls a mock that takes no arguments.
    public func callAsFunction() async throws -> Result {
        try await self(())
    }
}

extension AsyncMock where Arguments: Equatable {
    /// Checks that the mock was called exactly once, with `arguments`.
    ///
    /// - Throws: ``MockError`` saying what the calls were instead.
    public func expectCalledOnce(with arguments: Arguments) throws {
        let calls = self.calls
        guard calls.count == 1, calls[0] == arguments else {
            throw MockError.unexpectedCalls(self.name, expected: "one call with \(arguments)", actual: "\(calls)")
        }
    }
}

/// The process-wide call counter behind ``AsyncMock/callNumbers``.
private let mockCallCounter = Atomic<Int>(0)

/// An error thrown by ModeTesting's doubles when a test did not script a call or a check fails.
public struct MockError: Error, Hashable, Sendable, CustomStringConvertible {
    /// The kind of mock error; new codes may appear in minor releases.
    public struct Code: Hashable, Sendable {
        private enum Value: Hashable, Sendable { case unscripted, unexpectedCalls, injected }
        private let value: Value
        /// A call found no queued outcome and no fallback.
        public static let unscripted = Code(value: .unscripted)
        /// The calls were not the ones expected.
        public static let unexpectedCalls = Code(value: .unexpectedCalls)
        /// The failure a test asked a double to produce.
        public static let injected = Code(value: .injected)
    }

    /// What went wrong.
    public let code: Code
    /// What went wrong and what to do, for the test failure.
    public let message: String

    /// Creates an error.
    public init(code: Code, message: String) {
        self.code = code
        self.message = message
    }

    /// The message.
    public var description: String { self.message }

    /// Errors are equal when their codes are; the message is context.
    public static func == (lhs: Self, rhs: Self) -> Bool { lhs.code == rhs.code }

    /// Hashes the code.
    public func hash(into hasher: inout Hasher) { hasher.combine(self.code) }

    /// Call `call` of `mock` had nothing scripted.
    public static func unscripted(_ mock: String, call: Int) -> Self {
        Self(
            code: .unscripted,
            message: "\(mock): call \(call) has no scripted outcome; enqueue one or give the mock a fallback"
        )
    }

    /// The calls of `mock` were `actual` where `expected` was wanted.
    public static func unexpectedCalls(_ mock: String, expected: String, actual: String) -> Self {
        Self(code: .unexpectedCalls, message: "\(mock): expected \(expected), got \(actual)")
    }

    /// The failure a test asked for, with a note of where.
    public static func injected(_ note: String) -> Self {
        Self(code: .injected, message: "injected failure: \(note)")
    }
}
