import ModeConcurrencyHelpers
import Synchronization

/// Yields until `condition` holds.
///
/// It lets a test wait until other tasks have reached a known state (registered as a waiter, say) without
/// sleeping on wall time. The suite's time limit bounds it.
func eventually(_ condition: () -> Bool) async {
    while !condition() {
        await Task.yield()
    }
}

/// An error a test fails a queue with.
struct TestError: Error, Equatable {
    var id: Int
}

/// Keeps its value as a weak reference, to prove that an object was released.
final class WeakBox<Value: AnyObject> {
    weak var value: Value?

    init(_ value: Value) {
        self.value = value
    }
}

/// A counter that any task may bump.
final class Counter: Sendable {
    private let atomic = Atomic(0)

    var value: Int { self.atomic.load(ordering: .relaxed) }

    func increment() {
        self.atomic.add(1, ordering: .relaxed)
    }
}

/// A list that any task may append to.
final class Recorder<Value: Sendable>: Sendable {
    private let values = Locked<[Value]>([])

    var all: [Value] { self.values.withLock { $0 } }

    func append(_ value: Value) {
        self.values.withLock { $0.append(value) }
    }
}
