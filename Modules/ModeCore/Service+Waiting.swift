/// How a wait on a service ended: the awaited work completed, the service stopped (or crashed) first, or
/// the timeout passed first.
///
/// The Python original reports a timeout as "stopped"; here the three are apart.
public enum WaitOutcome<Value: Sendable>: Sendable {
    /// The awaited work finished first, with this value.
    case completed(Value)
    /// The service was asked to stop, or crashed, first.
    case stopped
    /// The timeout passed first.
    case timedOut

    /// The value if the work completed, otherwise `nil`.
    public var value: Value? {
        if case .completed(let value) = self { return value }
        return nil
    }
}

extension WaitOutcome: Equatable where Value: Equatable {}

extension Service {
    /// Sleeps for `duration` on the service's clock, or until the service stops or crashes, whichever comes
    /// first.
    ///
    /// Use it in loops instead of `Task.sleep`, so a stopping service does not wait out the sleep. Returns at
    /// once for a duration that is not positive, and early if the calling task is cancelled. A huge duration
    /// such as `.seconds(Int64.max)` means "until the service stops" (the clock never overflows).
    // Inlinable so that it is no frame of its own: a sleeping task keeps its whole call chain in the first slab of
    // its allocator (about 1 KB), and this frame was what pushed a `sleep(for:)` loop into a second one.
    @inlinable
    public func sleep(for duration: Duration) async {
        guard duration > .zero else { return }
        await self.runtime.sleep(for: duration)
    }

    /// Waits until the service is asked to stop or crashes (or the calling task is cancelled).
    public func waitUntilStopped() async {
        _ = await self.runtime.waitUntilShouldStop()
    }

    /// Waits until the service is asked to stop or crashes, at most `timeout`.
    ///
    /// A zero timeout checks once and returns `.timedOut` unless the service is already stopping; a huge one
    /// such as `.seconds(Int64.max)` means "until the service stops".
    ///
    /// - Returns: `.stopped`, or `.timedOut` if the timeout passed first.
    /// - Throws: ``ServiceError`` `.invalidArgument` for a negative timeout;
    ///   `CancellationError` if the calling task is cancelled.
    public func waitUntilStopped(timeout: Duration) async throws -> WaitOutcome<Void> {
        try Self.validate(timeout: timeout)
        let stopped = await self.runtime.waitUntilShouldStop(timeout: timeout)
        try Task.checkCancellation()
        return stopped ? .stopped : .timedOut
    }

    /// Runs `operation` until it finishes, the service stops or crashes, or `timeout` passes.
    ///
    /// The operation runs in a child task; if the service stops or the timeout passes first, it is cancelled.
    /// `nil` or a huge timeout such as `.seconds(Int64.max)` means no limit; with a zero timeout the
    /// operation races the timeout and either may win.
    ///
    /// ```swift
    /// switch try await wait(timeout: .seconds(5), { try await queue.get() }) {
    /// case .completed(let item): handle(item)
    /// case .stopped: return
    /// case .timedOut: logger.warning("idle")
    /// }
    /// ```
    ///
    /// - Throws: What `operation` throws, ``ServiceError`` `.invalidArgument` for a negative
    ///   timeout, and `CancellationError` if the calling task is cancelled.
    public func wait<T: Sendable>(
        timeout: Duration? = nil,
        _ operation: @escaping @Sendable () async throws -> T
    ) async throws -> WaitOutcome<T> {
        if let timeout { try Self.validate(timeout: timeout) }
        let runtime = self.runtime
        if runtime.shouldStop { return .stopped }
        let outcome = try await withThrowingTaskGroup(of: WaitOutcome<T>.self, returning: WaitOutcome<T>.self) {
            group in
            group.addTask { .completed(try await operation()) }
            group.addTask {
                _ = await runtime.waitUntilShouldStop()
                return .stopped
            }
            if let timeout {
                group.addTask {
                    try? await runtime.clock.sleep(for: timeout)
                    return .timedOut
                }
            }
            defer { group.cancelAll() }
            return try await group.next() ?? .stopped
        }
        try Task.checkCancellation()
        return outcome
    }

    /// Runs every operation at once and waits for all of them, the service to stop, or `timeout`.
    ///
    /// - Returns: `.completed` with the results in the order of `operations`, `.stopped` or `.timedOut` (the
    ///   unfinished operations are then cancelled).
    /// - Throws: The first error an operation throws (the others are cancelled), and as ``wait(timeout:_:)``.
    public func waitMany<T: Sendable>(
        timeout: Duration? = nil,
        _ operations: [@Sendable () async throws -> T]
    ) async throws -> WaitOutcome<[T]> {
        try await self.wait(timeout: timeout) {
            try await withThrowingTaskGroup(of: (Int, T).self, returning: [T].self) { group in
                for (index, operation) in operations.enumerated() {
                    group.addTask { (index, try await operation()) }
                }
                var results = [T?](repeating: nil, count: operations.count)
                while let (index, value) = try await group.next() { results[index] = value }
                return results.compactMap { $0 }
            }
        }
    }

    /// Runs every operation at once and waits for the first to finish, the service to stop, or `timeout`.
    ///
    /// - Returns: `.completed` with the index and value of the first operation to finish (the others are
    ///   cancelled), `.stopped` or `.timedOut`.
    /// - Throws: ``ServiceError`` `.invalidArgument` for an empty list or a negative timeout; the
    ///   error of the first operation to finish if it threw; as ``wait(timeout:_:)``.
    public func waitFirst<T: Sendable>(
        timeout: Duration? = nil,
        _ operations: [@Sendable () async throws -> T]
    ) async throws -> WaitOutcome<(index: Int, value: T)> {
        guard !operations.isEmpty else {
            throw ServiceError.invalidArgument("waitFirst needs at least one operation to wait for")
        }
        return try await self.wait(timeout: timeout) {
            try await withThrowingTaskGroup(of: (Int, T).self, returning: (index: Int, value: T).self) { group in
                for (index, operation) in operations.enumerated() {
                    group.addTask { (index, try await operation()) }
                }
                defer { group.cancelAll() }
                guard let (index, value) = try await group.next() else { throw CancellationError() }
                return (index, value)
            }
        }
    }

    /// Runs every operation at once and waits for all of them; see the overload that takes an array.
    public func waitMany<T: Sendable>(
        timeout: Duration? = nil,
        _ operations: (@Sendable () async throws -> T)...
    ) async throws -> WaitOutcome<[T]> {
        try await self.waitMany(timeout: timeout, operations)
    }

    /// Runs every operation at once and waits for the first to finish; see the overload that takes an array.
    public func waitFirst<T: Sendable>(
        timeout: Duration? = nil,
        _ operations: (@Sendable () async throws -> T)...
    ) async throws -> WaitOutcome<(index: Int, value: T)> {
        try await self.waitFirst(timeout: timeout, operations)
    }

    private static func validate(timeout: Duration) throws {
        if timeout < .zero {
            throw ServiceError.invalidArgument("a timeout cannot be negative (got \(timeout))")
        }
    }
}
