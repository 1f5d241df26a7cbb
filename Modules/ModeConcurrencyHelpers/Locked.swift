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
///
/// The mutex sits in the same allocation as the value (the tail of a `ManagedBuffer`), so a lock costs one
/// heap object, not two: a service keeps a few of them, and an idle service's memory is mostly such objects.
// SAFETY: the value is only read or written inside `withLock`, between `pthread_mutex_lock` and
// `pthread_mutex_unlock` on the mutex, which lives in the buffer's tail storage and so never moves.
public struct Locked<Value: Sendable>: @unchecked Sendable {
    @usableFromInline let buffer: LockedBuffer<Value>

    /// Creates a lock guarding `value`.
    public init(_ value: Value) {
        self.buffer = LockedBuffer.make(value)
    }

    /// Where the lock's storage (the value, then the mutex) starts and how many bytes it spans, for a cache
    /// prefetch hint; never read through it.
    public var storageSpan: (address: UnsafeRawPointer, bytes: Int) {
        (
            UnsafeRawPointer(Unmanaged.passUnretained(self.buffer).toOpaque()),
            // The object header, the value, the mutex (rounded up to its alignment).
            2 * MemoryLayout<Int>.stride + MemoryLayout<Value>.stride + MemoryLayout<pthread_mutex_t>.stride
                + MemoryLayout<pthread_mutex_t>.alignment
        )
    }

    /// Runs `body` with exclusive access to the value.
    ///
    /// Inlinable so that callers in other modules get it specialised to their state and closure.
    @inlinable
    public func withLock<Result, Failure: Error>(
        _ body: (inout Value) throws(Failure) -> Result
    ) throws(Failure) -> Result {
        try self.buffer.withLock(body)
    }
}

/// The storage of a ``Locked``: the value as the header, one `pthread_mutex_t` as the tail element.
/// Not `Sendable` itself (`ManagedBuffer` is not): ``Locked`` is, and only it hands the buffer around.
@usableFromInline
final class LockedBuffer<Value: Sendable>: ManagedBuffer<Value, pthread_mutex_t> {
    static func make(_ value: Value) -> LockedBuffer<Value> {
        let buffer = unsafeDowncast(Self.create(minimumCapacity: 1) { _ in value }, to: LockedBuffer<Value>.self)
        buffer.withUnsafeMutablePointerToElements { mutex in
            mutex.initialize(to: pthread_mutex_t())
            var attributes = pthread_mutexattr_t()
            pthread_mutexattr_init(&attributes)
            #if DEBUG
            pthread_mutexattr_settype(&attributes, Int32(PTHREAD_MUTEX_ERRORCHECK))
            #endif
            let error = pthread_mutex_init(mutex, &attributes)
            pthread_mutexattr_destroy(&attributes)
            precondition(error == 0, "pthread_mutex_init failed: \(error)")
        }
        return buffer
    }

    deinit {
        self.withUnsafeMutablePointerToElements { mutex in
            pthread_mutex_destroy(mutex)
            mutex.deinitialize(count: 1)
        }
    }

    @inlinable
    func withLock<Result, Failure: Error>(
        _ body: (inout Value) throws(Failure) -> Result
    ) throws(Failure) -> Result {
        try self.withUnsafeMutablePointers { (value, mutex) throws(Failure) -> Result in
            let lockError = pthread_mutex_lock(mutex)
            precondition(lockError == 0, "pthread_mutex_lock failed: \(lockError) (a lock taken twice by one thread?)")
            defer {
                let unlockError = pthread_mutex_unlock(mutex)
                precondition(unlockError == 0, "pthread_mutex_unlock failed: \(unlockError)")
            }
            return try body(&value.pointee)
        }
    }
}
