import ModeConcurrencyHelpers
import Synchronization

/// Collects events from receivers running on any task, in the order they happened.
final class Recorder<Event: Sendable>: Sendable {
    private let storage = Locked<[Event]>([])

    func record(_ event: Event) {
        self.storage.withLock { $0.append(event) }
    }

    var events: [Event] {
        self.storage.withLock { $0 }
    }
}

/// A class sender that is not Hashable: matched by identity.
final class Node: Sendable, CustomStringConvertible {
    let name: String

    init(_ name: String) {
        self.name = name
    }

    var description: String { "Node(\(self.name))" }
}

/// A class sender that is Hashable: matched by equality of `key`.
final class KeyedNode: Hashable, Sendable {
    let key: String

    init(_ key: String) {
        self.key = key
    }

    static func == (lhs: KeyedNode, rhs: KeyedNode) -> Bool { lhs.key == rhs.key }

    func hash(into hasher: inout Hasher) { hasher.combine(self.key) }
}

/// The owner of weak receivers in tests.
final class Listener: Sendable {
    let recorder: Recorder<String>

    init(_ recorder: Recorder<String>) {
        self.recorder = recorder
    }
}

/// An error receivers throw in tests.
struct ReceiverFailure: Error, Equatable {
    let id: Int
}

enum Outer {
    enum Inner {}
}
