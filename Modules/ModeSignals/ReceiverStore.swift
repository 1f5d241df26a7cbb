import ModeConcurrencyHelpers

/// The receivers of one signal and of every bound copy made with `withDefaultSender`.
///
/// Receivers live in an immutable ``ReceiverTable`` that is replaced, never mutated, on every connect and
/// disconnect. A send takes the lock once to retain the current table and then iterates it with the lock
/// released, so receivers may connect, disconnect or send from inside a dispatch without deadlocking.
///
/// Safe to use from any task: the table reference and the id counter are behind a lock. Old tables are
/// released after the lock is dropped, so no receiver's captured state is deinitialized while it is held.
@usableFromInline
final class ReceiverStore<Sender: Sendable, Receiver: Sendable>: ReceiverRemoving, Sendable {
    private struct State: Sendable {
        var table: ReceiverTable<Sender, Receiver>
        var nextID: UInt64
    }

    private let state = Locked(State(table: ReceiverTable(), nextID: 1))

    @usableFromInline init() {}

    private func withState<Result>(_ body: (inout State) -> Result) -> Result {
        self.state.withLock(body)
    }

    /// The current receivers (a retained snapshot).
    @usableFromInline
    var table: ReceiverTable<Sender, Receiver> {
        self.withState { $0.table }
    }

    /// Adds a receiver after every existing one and returns its id.
    func add(
        _ receiver: Receiver,
        target: WeakReference?,
        filter: SenderFilter<Sender>?
    ) -> UInt64 {
        let (id, old) = self.withState { state -> (UInt64, ReceiverTable<Sender, Receiver>) in
            let id = state.nextID
            state.nextID &+= 1
            let entry = ReceiverEntry(id: id, receiver: receiver, target: target, sender: filter?.reference)
            let old = state.table
            state.table = old.adding(entry, for: filter?.key)
            return (id, old)
        }
        _ = old  // released here, outside the lock
        return id
    }

    func removeReceiver(id: UInt64) -> Bool {
        self.remove(ids: [id])
    }

    /// Removes the receivers with the given ids; returns whether any was connected.
    @usableFromInline
    @discardableResult
    func remove(ids: [UInt64]) -> Bool {
        let old = self.withState { state -> ReceiverTable<Sender, Receiver>? in
            guard let smaller = state.table.removing(ids: ids) else { return nil }
            let old = state.table
            state.table = smaller
            return old
        }
        return old != nil
    }

    func containsReceiver(id: UInt64) -> Bool {
        self.table.contains(id: id)
    }

    /// Removes every receiver.
    func removeAll() {
        let old = self.withState { state -> ReceiverTable<Sender, Receiver> in
            let old = state.table
            state.table = ReceiverTable()
            return old
        }
        _ = old
    }

    /// The number of receivers whose weak target and weak sender (if any) are alive; prunes the others.
    var liveCount: Int {
        let table = self.table
        var live = 0
        var dead: [UInt64] = []
        table.forEachEntry { entry in
            if entry.isAlive { live += 1 } else { dead.append(entry.id) }
        }
        if !dead.isEmpty { self.remove(ids: dead) }
        return live
    }
}

/// What a ``SignalConnection`` needs from the store that made it, without the store's generic types.
protocol ReceiverRemoving: AnyObject, Sendable {
    func removeReceiver(id: UInt64) -> Bool
    func containsReceiver(id: UInt64) -> Bool
}

/// An immutable set of receivers: the unfiltered ones and, per sender, the filtered ones.
///
/// Every list is sorted by id, which is the connection order.
@usableFromInline
final class ReceiverTable<Sender: Sendable, Receiver: Sendable>: Sendable {
    @usableFromInline let global: [ReceiverEntry<Receiver>]
    @usableFromInline let filtered: [SenderKey<Sender>: [ReceiverEntry<Receiver>]]
    /// The unfiltered receivers' closures when none of them is weak (the fast path of a send), else `nil`.
    @usableFromInline let strongGlobalReceivers: [Receiver]?

    @usableFromInline
    init(
        global: [ReceiverEntry<Receiver>] = [],
        filtered: [SenderKey<Sender>: [ReceiverEntry<Receiver>]] = [:]
    ) {
        self.global = global
        self.filtered = filtered
        self.strongGlobalReceivers = global.contains { $0.isWeak } ? nil : global.map(\.receiver)
    }

    /// Whether some receivers are filtered by sender (so a send has to compute the sender's key).
    @inlinable
    var hasFilteredReceivers: Bool { !self.filtered.isEmpty }

    /// The receivers for a send from the sender with `key`, in connection order.
    @inlinable
    func entries(for key: SenderKey<Sender>?) -> MergedEntries<Receiver> {
        guard let key, let filtered = self.filtered[key] else {
            return MergedEntries(self.global, [])
        }
        return MergedEntries(self.global, filtered)
    }

    func adding(_ entry: ReceiverEntry<Receiver>, for key: SenderKey<Sender>?) -> ReceiverTable {
        guard let key else {
            return ReceiverTable(global: self.global + [entry], filtered: self.filtered)
        }
        var filtered = self.filtered
        filtered[key, default: []].append(entry)
        return ReceiverTable(global: self.global, filtered: filtered)
    }

    /// A table without the given ids, or `nil` when none of them is here.
    func removing(ids: [UInt64]) -> ReceiverTable? {
        var removedAny = false
        let global = self.global.filter { entry in
            let drop = ids.contains(entry.id)
            removedAny = removedAny || drop
            return !drop
        }
        var filtered = self.filtered
        for (key, entries) in self.filtered {
            let kept = entries.filter { !ids.contains($0.id) }
            guard kept.count != entries.count else { continue }
            removedAny = true
            filtered[key] = kept.isEmpty ? nil : kept
        }
        return removedAny ? ReceiverTable(global: global, filtered: filtered) : nil
    }

    func contains(id: UInt64) -> Bool {
        var found = false
        self.forEachEntry { entry in found = found || entry.id == id }
        return found
    }

    func forEachEntry(_ body: (ReceiverEntry<Receiver>) -> Void) {
        for entry in self.global { body(entry) }
        for entries in self.filtered.values {
            for entry in entries { body(entry) }
        }
    }
}

/// One connected receiver.
@usableFromInline
struct ReceiverEntry<Receiver: Sendable>: Sendable {
    /// The connection order; also the id a ``SignalConnection`` refers to.
    @usableFromInline let id: UInt64
    @usableFromInline let receiver: Receiver
    /// The owner of a weak receiver; the receiver is gone when it is.
    @usableFromInline let target: WeakReference?
    /// A sender matched by identity; its receivers are gone when it is.
    @usableFromInline let sender: WeakReference?
    /// Whether a liveness check is needed before a call.
    @usableFromInline let isWeak: Bool

    init(id: UInt64, receiver: Receiver, target: WeakReference?, sender: WeakReference?) {
        self.id = id
        self.receiver = receiver
        self.target = target
        self.sender = sender
        self.isWeak = target != nil || sender != nil
    }

    /// Whether the weak target and the weak sender, if any, are still alive.
    @inlinable
    var isAlive: Bool {
        guard self.isWeak else { return true }
        return (self.target?.isAlive ?? true) && (self.sender?.isAlive ?? true)
    }
}

/// The unfiltered and the sender's filtered receivers, merged into connection order without allocating.
@usableFromInline
struct MergedEntries<Receiver: Sendable> {
    @usableFromInline let first: [ReceiverEntry<Receiver>]
    @usableFromInline let second: [ReceiverEntry<Receiver>]
    @usableFromInline var firstIndex = 0
    @usableFromInline var secondIndex = 0

    @inlinable
    init(_ first: [ReceiverEntry<Receiver>], _ second: [ReceiverEntry<Receiver>]) {
        self.first = first
        self.second = second
    }

    @inlinable
    mutating func next() -> ReceiverEntry<Receiver>? {
        if self.firstIndex < self.first.count {
            if self.secondIndex < self.second.count,
                self.second[self.secondIndex].id < self.first[self.firstIndex].id
            {
                defer { self.secondIndex += 1 }
                return self.second[self.secondIndex]
            }
            defer { self.firstIndex += 1 }
            return self.first[self.firstIndex]
        }
        if self.secondIndex < self.second.count {
            defer { self.secondIndex += 1 }
            return self.second[self.secondIndex]
        }
        return nil
    }
}

/// A weak reference that tells whether an object is still alive, shareable across tasks.
// `object` is a `weak let` (immutable after init; weak loads are thread-safe) and is only compared with nil,
// never handed out, so the object's own Sendability does not matter.
// SAFETY: immutable weak reference, only tested for nil; no shared mutable state.
@usableFromInline
final class WeakReference: @unchecked Sendable {
    @usableFromInline weak let object: AnyObject?

    init(_ object: AnyObject) {
        self.object = object
    }

    @inlinable
    var isAlive: Bool { self.object != nil }
}
