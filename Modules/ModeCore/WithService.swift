/// Starts `service`, runs `body`, and stops the service whether `body` returns or throws.
///
/// ```swift
/// try await withService(Cache()) { cache in
///     try await cache.put("k", "v")
/// }
/// ```
///
/// Unlike Python's `async with`, the service is not reset afterwards: it reads ``ServiceState/stopped``, and
/// `restart()` runs it again.
///
/// - Returns: What `body` returns.
/// - Throws: What `start()` or `body` throws. If `start()` throws, `body` does not run.
public func withService<S: Service, T>(
    _ service: S,
    _ body: (S) async throws -> T
) async throws -> T {
    try await service.start()
    do {
        let result = try await body(service)
        await service.stop()
        return result
    } catch {
        await service.stop()
        throw error
    }
}
