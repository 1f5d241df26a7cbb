#if canImport(Glibc)
public import Glibc
#elseif canImport(Musl)
public import Musl
#elseif canImport(Darwin)
public import Darwin
#endif

/// A value guarded by a pthread mutex: the lock every Mode module uses for shared mutable state.
///
/// It has the shape of the standard library's `Synchronization.Mutex` (`withLock { state in ... }`), but it is
/// built on `pthread_mutex_t`. The reason is ThreadSanitizer: on Linux, a contended `Mutex` takes a futex path
/// that TSan cannot see, so it reports races on the guarded state that do not exist (reproduced on Swift 6.3.1
/// with 16 tasks incrementing one dictionary: a report on every run, none with a pthread mutex). TSan
/// understands pthread mutexes, so CI's `swift test --sanitize=thread` stays meaningful. swift-log and
/// swift-nio lock the same way.
///
/// It is public only so that the `@inlinable` hot paths of ModeQueues can use it: the module is internal to
/// Mode (no product exports it) and is not API.
///
/// Do not call out (resume continuations, call user closures, log, await) inside `withLock`: decide under the
/// lock, act after it.
// SAFETY: `value` is only read or written inside `withLock`, between `pthread_mutex_lock` and
// `pthread_mutex_unlock` on `mutex`, which is heap-allocated so it never moves.
public final class Locked<Value: Sendable>: @unchecked Sendable {
    @usableFromInline let mutex: UnsafeMutablePointer<pthread_mutex_t>
    @usableFromInline var value: Value

    /// Creates a lock guarding `value`.
    public init(_ value: Value) {
        self.value = value
        self.mutex = UnsafeMutablePointer<pthread_mutex_t>.allocate(capacity: 1)
        self.mutex.initialize(to: pthread_mutex_t())
        var attributes = pthread_mutexattr_t()
        pthread_mutexattr_init(&attributes)
        #if DEBUG
        pthread_mutexattr_settype(&attributes, Int32(PTHREAD_MUTEX_ERRORCHECK))
        #endif
        let error = pthread_mutex_init(self.mutex, &attributes)
        pthread_mutexattr_destroy(&attributes)
        precondition(error == 0, "pthread_mutex_init failed: \(error)")
    }

    deinit {
        pthread_mutex_destroy(self.mutex)
        self.mutex.deinitialize(count: 1)
        self.mutex.deallocate()
    }

    /// Runs `body` with exclusive access to the value.
    ///
    /// Inlinable so that callers in other modules get it specialised to their state and closure.
    @inlinable
    public func withLock<Result, Failure: Error>(
        _ body: (inout Value) throws(Failure) -> Result
    ) throws(Failure) -> Result {
        let lockError = pthread_mutex_lock(self.mutex)
        precondition(lockError == 0, "pthread_mutex_lock failed: \(lockError) (a lock taken twice by one thread?)")
        defer {
            let unlockError = pthread_mutex_unlock(self.mutex)
            precondition(unlockError == 0, "pthread_mutex_unlock failed: \(unlockError)")
        }
        return try body(&self.value)
    }
}
