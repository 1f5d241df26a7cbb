#if canImport(Testing)
public import Testing

/// A Swift Testing trait that fails a test which leaves a service running or a service's task alive.
///
/// Each test case runs inside ``withServiceLeakCheck(_:)``: every service that changed state during the test
/// must be stopped at its end and own no task. A leak is recorded as an issue at the test, naming each
/// service by its path in the tree and each task left. On a suite it applies to every test in it.
///
/// ```swift
/// @Suite(.serviceLeakCheck)
/// struct ConsumerTests {
///     @Test func consumesOneMessage() async throws {
///         let consumer = Consumer()
///         try await consumer.start()
///         #expect(await consumer.handled == 0)
///         await consumer.stop()  // forget this and the test fails: "Consumer is running, not stopped"
///     }
/// }
/// ```
public struct ServiceLeakCheckTrait: TestTrait, SuiteTrait, TestScoping {
    /// Applies to every test of a suite it is put on.
    public var isRecursive: Bool { true }

    /// Scopes each test case, not the suite as a whole.
    public func scopeProvider(for test: Test, testCase: Test.Case?) -> Self? {
        testCase == nil ? nil : self
    }

    /// Runs the test case, then records an issue for each service left running.
    public func provideScope(
        for test: Test,
        testCase: Test.Case?,
        performing function: @concurrent @Sendable () async throws -> Void
    ) async throws {
        do {
            try await withServiceLeakCheck { try await function() }
        } catch let error as ServiceLeakError {
            Issue.record(Comment(rawValue: error.description), sourceLocation: test.sourceLocation)
        }
    }
}

extension Trait where Self == ServiceLeakCheckTrait {
    /// Fails the test when a service it started is left running or leaves a task alive.
    public static var serviceLeakCheck: Self { ServiceLeakCheckTrait() }
}
#endif
