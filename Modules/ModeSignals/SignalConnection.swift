/// A handle to one connected receiver; use it to disconnect that receiver.
///
/// Every call to `connect` returns a new connection, even when the same closure is connected twice, and
/// each connection is called once per send. Keep the connection if you will need to disconnect; dropping
/// it does not disconnect (receivers are strong by default, as in Python Mode).
///
/// ```swift
/// let connection = signal.connect { sender, value in print(value) }
/// connection.disconnect()
/// ```
///
/// `SignalConnection` is `Sendable`: disconnect from any task, at any time, even while the signal is
/// sending (a dispatch already under way finishes with the receivers it started with).
public struct SignalConnection: Hashable, Sendable {
    private let store: any ReceiverRemoving
    let id: UInt64

    init(store: any ReceiverRemoving, id: UInt64) {
        self.store = store
        self.id = id
    }

    /// Disconnects the receiver, so later sends no longer call it.
    ///
    /// Disconnecting twice, or after the receiver's weak target went away, is harmless.
    ///
    /// - Returns: `true` if the receiver was connected until this call, `false` otherwise.
    @discardableResult
    public func disconnect() -> Bool {
        self.store.removeReceiver(id: self.id)
    }

    /// Whether the receiver is still connected.
    ///
    /// A weak receiver whose target went away counts as connected until the signal notices (on its next
    /// send, or when `receiverCount` is read).
    public var isConnected: Bool {
        self.store.containsReceiver(id: self.id)
    }

    /// Whether this connection belongs to the receivers `store` holds.
    func belongs(to store: any ReceiverRemoving) -> Bool {
        self.store === store
    }

    /// Whether two values refer to the same connection.
    public static func == (lhs: Self, rhs: Self) -> Bool {
        lhs.store === rhs.store && lhs.id == rhs.id
    }

    /// Hashes the connection's identity.
    public func hash(into hasher: inout Hasher) {
        hasher.combine(ObjectIdentifier(self.store))
        hasher.combine(self.id)
    }
}
