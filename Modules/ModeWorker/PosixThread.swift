#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// What a new thread runs; handed to `pthread_create` through an unmanaged pointer.
private final class ThreadStart: Sendable {
    let name: String
    let body: @Sendable () -> Void

    init(name: String, body: @escaping @Sendable () -> Void) {
        self.name = name
        self.body = body
    }

    func run() {
        // Glibc's module does not export pthread_setname_np, so on Linux the name lives only in the
        // ServiceThread and the Worker's reports.
        #if canImport(Darwin)
        _ = pthread_setname_np(self.name)
        #endif
        self.body()
    }
}

/// Starts a detached thread named `name` that runs `body`.
///
/// - Throws: ``WorkerError`` with code `.threadUnavailable` when the system
///   refuses a new thread.
func startDetachedThread(name: String, _ body: @escaping @Sendable () -> Void) throws(WorkerError) {
    let context = Unmanaged.passRetained(ThreadStart(name: name, body: body)).toOpaque()
    #if canImport(Darwin)
    var thread: pthread_t?
    let result = pthread_create(
        &thread,
        nil,
        { raw in
            let start = Unmanaged<ThreadStart>.fromOpaque(raw).takeRetainedValue()
            start.run()
            return nil
        },
        context
    )
    #else
    var thread: pthread_t = 0
    let result = pthread_create(
        &thread,
        nil,
        { raw in
            guard let raw else { return nil }
            let start = Unmanaged<ThreadStart>.fromOpaque(raw).takeRetainedValue()
            start.run()
            return nil
        },
        context
    )
    #endif
    if result == 0 {
        #if canImport(Darwin)
        if let thread { pthread_detach(thread) }
        #else
        pthread_detach(thread)
        #endif
        return
    }
    Unmanaged<ThreadStart>.fromOpaque(context).release()
    throw WorkerError(
        code: .threadUnavailable,
        message:
            "cannot start thread \"\(name)\": pthread_create failed with error \(result); raise the process's thread limit"
    )
}

/// An identity of the calling thread, comparable across calls.
func currentThreadID() -> UInt {
    #if canImport(Darwin)
    UInt(bitPattern: pthread_self())
    #else
    UInt(pthread_self())
    #endif
}
