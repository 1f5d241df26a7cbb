/// An observable event whose receivers are synchronous: Python Mode's `SyncSignal`.
///
/// A signal is generic over the `Sender` (the object the event happened to) and the `Value` it carries.
/// Receivers are called one at a time, in the order they were connected, each with the sender and the
/// value. A receiver can be connected for every sender or only for one sender; a bound copy of the signal
/// (`withDefaultSender(_:)`) sends from, and connects for, a fixed sender.
///
/// ```swift
/// final class Settings: Sendable {
///     let onChange = SyncSignal<Settings, String>(name: "onChange", owner: Settings.self)
///     func update(_ key: String) throws {
///         try self.onChange.send(key, from: self)
///     }
/// }
///
/// let settings = Settings()
/// let connection = settings.onChange.connect { sender, key in
///     print("\(key) changed")
/// }
/// try settings.update("timeout")
/// connection.disconnect()
/// ```
///
/// It works exactly like ``Signal`` except that receivers and `send` are not `async`: use it where the
/// event is raised from synchronous code.
///
/// Receivers are held strongly; ``connect(weak:_:)`` holds the receiver's owner weakly instead, and the
/// receiver goes away with it. When a receiver throws, ``errorPolicy`` decides whether the others run.
///
/// `SyncSignal` is `Sendable`: connect, disconnect and send from any task at once. A send works on the
/// receivers connected when it began; receivers connected or disconnected during a send take effect on
/// the next one. No lock is held while a receiver runs, so a receiver may itself connect, disconnect or
/// send.
public final class SyncSignal<Sender: Sendable, Value: Sendable>: SignalProtocol {
    /// A receiver: called with the sender and the value on every matching send.
    public typealias Receiver = @Sendable (Sender, Value) throws -> Void

    /// The signal's name, such as `"onRebalance"`; empty if none was given.
    public let name: String

    /// The name of the type that declares the signal, such as `"Consumer"`, if one was given.
    public let owner: String?

    /// What the signal does when a receiver throws; ``ReceiverErrorPolicy/abortOnFirstError`` by default.
    public let errorPolicy: ReceiverErrorPolicy

    /// The sender that ``send(_:)`` sends from and ``connect(_:)`` filters on, if this is a bound copy.
    public let defaultSender: Sender?

    @usableFromInline let defaultFilter: SenderFilter<Sender>?
    @usableFromInline let store: ReceiverStore<Sender, Receiver>

    /// Creates a signal with no receivers.
    ///
    /// - Parameters:
    ///   - name: The signal's name for logs, usually the property's name.
    ///   - owner: The name of the type that declares the signal, for logs.
    ///   - errorPolicy: What to do when a receiver throws.
    public init(name: String = "", owner: String? = nil, errorPolicy: ReceiverErrorPolicy = .abortOnFirstError) {
        self.name = name
        self.owner = owner
        self.errorPolicy = errorPolicy
        self.defaultSender = nil
        self.defaultFilter = nil
        self.store = ReceiverStore()
    }

    /// Creates a signal with no receivers, declared as a property of `owner`.
    ///
    /// ```swift
    /// let onChange = SyncSignal<Settings, String>(name: "onChange", owner: Settings.self)
    /// // onChange.label == "Settings.onChange"
    /// ```
    ///
    /// - Parameters:
    ///   - name: The signal's name for logs, usually the property's name.
    ///   - owner: The type that declares the signal; its name (without the module) becomes ``owner``.
    ///   - errorPolicy: What to do when a receiver throws.
    public convenience init(
        name: String = "",
        owner: any Any.Type,
        errorPolicy: ReceiverErrorPolicy = .abortOnFirstError
    ) {
        self.init(name: name, owner: qualifiedTypeName(owner), errorPolicy: errorPolicy)
    }

    private init(
        name: String,
        owner: String?,
        errorPolicy: ReceiverErrorPolicy,
        defaultSender: Sender?,
        defaultFilter: SenderFilter<Sender>?,
        store: ReceiverStore<Sender, Receiver>
    ) {
        self.name = name
        self.owner = owner
        self.errorPolicy = errorPolicy
        self.defaultSender = defaultSender
        self.defaultFilter = defaultFilter
        self.store = store
    }

    /// `<SyncSignal: label>`, followed by ` sender=…` on a bound copy.
    public var description: String {
        guard let sender = self.defaultSender else { return "<SyncSignal: \(self.label)>" }
        return "<SyncSignal: \(self.label) sender=\(sender)>"
    }

    /// The number of connected receivers, filtered or not, whose weak target and sender are alive.
    ///
    /// Counts the receivers shared with bound copies. Reading it prunes receivers whose weak target or
    /// sender went away.
    public var receiverCount: Int {
        self.store.liveCount
    }

    /// Connects a receiver, called on every later send.
    ///
    /// On a bound copy (one with a ``defaultSender``), the receiver is called only for sends from that
    /// sender, as in Python Mode.
    ///
    /// ```swift
    /// signal.connect { sender, value in print(value) }
    /// ```
    ///
    /// - Parameter receiver: The closure to call. It is held strongly until disconnected.
    /// - Returns: The connection; call `disconnect()` on it to remove the receiver.
    @discardableResult
    public func connect(_ receiver: @escaping Receiver) -> SignalConnection {
        self.add(receiver, target: nil, filter: self.defaultFilter)
    }

    /// Connects a receiver that lives only as long as `target`.
    ///
    /// The signal holds `target` weakly and passes it to the receiver; once `target` is gone the receiver
    /// is no longer called and is removed. Do not capture `target` strongly in the closure.
    ///
    /// ```swift
    /// signal.connect(weak: dashboard) { dashboard, sender, value in dashboard.show(value) }
    /// ```
    ///
    /// - Parameters:
    ///   - target: The object that owns the receiver.
    ///   - receiver: The closure to call with `target`, the sender and the value.
    /// - Returns: The connection; call `disconnect()` on it to remove the receiver early.
    @discardableResult
    public func connect<Target: AnyObject & Sendable>(
        weak target: Target,
        _ receiver: @escaping @Sendable (Target, Sender, Value) throws -> Void
    ) -> SignalConnection {
        self.add(Self.weakReceiver(target, receiver), target: WeakReference(target), filter: self.defaultFilter)
    }

    /// Disconnects the receiver that `connection` refers to.
    ///
    /// - Parameter connection: A connection returned by this signal or by a copy sharing its receivers.
    /// - Returns: `true` if it was connected until this call; `false` if not, or if it belongs to another
    ///   signal.
    @discardableResult
    public func disconnect(_ connection: SignalConnection) -> Bool {
        guard connection.belongs(to: self.store) else { return false }
        return connection.disconnect()
    }

    /// Disconnects every receiver, including those of copies that share this signal's receivers.
    public func disconnectAll() {
        self.store.removeAll()
    }

    /// Sends `value` from the ``defaultSender``.
    ///
    /// - Parameter value: The value to pass to the receivers.
    /// - Throws: ``SignalError`` `.missingSender` if the signal has no default sender; otherwise as
    ///   ``send(_:from:)``.
    @inlinable
    public func send(_ value: Value) throws {
        guard let sender = self.defaultSender else {
            throw SignalError.missingSender(signal: self.label)
        }
        let table = self.store.table
        if !table.hasFilteredReceivers, let receivers = table.strongGlobalReceivers {
            try self.dispatch(receivers, sender: sender, value: value)
        } else {
            try self.dispatch(table.entries(for: self.defaultFilter?.key), sender: sender, value: value)
        }
    }

    /// Sends `value` from `sender`: calls, in connection order, every unfiltered receiver and every receiver
    /// connected for `sender`.
    ///
    /// Each receiver returns before the next one is called.
    ///
    /// - Parameters:
    ///   - value: The value to pass to the receivers.
    ///   - sender: The object the event happened to.
    /// - Throws: Under ``ReceiverErrorPolicy/abortOnFirstError``, the first receiver's error, as is (the
    ///   remaining receivers are skipped). Under ``ReceiverErrorPolicy/callAllThenThrow``, a
    ///   ``SignalError`` with code `.receiversFailed` after every receiver ran. A
    ///   `CancellationError` from a receiver stops the dispatch and is rethrown untouched.
    @inlinable
    public func send(_ value: Value, from sender: Sender) throws {
        let table = self.store.table
        if !table.hasFilteredReceivers, let receivers = table.strongGlobalReceivers {
            try self.dispatch(receivers, sender: sender, value: value)
        } else {
            try self.dispatch(table.entries(for: SenderKey(sender)), sender: sender, value: value)
        }
    }

    /// Returns a new signal with the same name, owner, error policy and default sender, and no receivers.
    ///
    /// The copy does not share receivers with this signal (use `withDefaultSender(_:)` for that).
    ///
    /// - Parameter name: A new name, or `nil` to keep this signal's name.
    /// - Returns: The new signal.
    public func clone(name: String? = nil) -> SyncSignal {
        SyncSignal(
            name: name ?? self.name,
            owner: self.owner,
            errorPolicy: self.errorPolicy,
            defaultSender: self.defaultSender,
            defaultFilter: self.defaultFilter,
            store: ReceiverStore()
        )
    }

    private func add(
        _ receiver: @escaping Receiver,
        target: WeakReference?,
        filter: SenderFilter<Sender>?
    ) -> SignalConnection {
        SignalConnection(store: self.store, id: self.store.add(receiver, target: target, filter: filter))
    }

    fileprivate func connect(filter: SenderFilter<Sender>?, _ receiver: @escaping Receiver) -> SignalConnection {
        self.add(receiver, target: nil, filter: filter)
    }

    fileprivate func connect<Target: AnyObject & Sendable>(
        weak target: Target,
        filter: SenderFilter<Sender>?,
        _ receiver: @escaping @Sendable (Target, Sender, Value) throws -> Void
    ) -> SignalConnection {
        self.add(Self.weakReceiver(target, receiver), target: WeakReference(target), filter: filter)
    }

    fileprivate func bound(to sender: Sender) -> SyncSignal {
        SyncSignal(
            name: self.name,
            owner: self.owner,
            errorPolicy: self.errorPolicy,
            defaultSender: sender,
            defaultFilter: SenderFilter(sender),
            store: self.store
        )
    }

    private static func weakReceiver<Target: AnyObject & Sendable>(
        _ target: Target,
        _ receiver: @escaping @Sendable (Target, Sender, Value) throws -> Void
    ) -> Receiver {
        { [weak target] sender, value in
            guard let target else { return }
            try receiver(target, sender, value)
        }
    }

    /// Calls `receivers` in order (the fast path: no filters, no weak receivers).
    @inlinable
    func dispatch(_ receivers: [Receiver], sender: Sender, value: Value) throws {
        var errors: [any Error] = []
        for receiver in receivers {
            do {
                try receiver(sender, value)
            } catch {
                if self.errorPolicy == .abortOnFirstError || error is CancellationError { throw error }
                errors.append(error)
            }
        }
        if !errors.isEmpty {
            throw SignalError.receiversFailed(signal: self.label, errors: errors)
        }
    }

    /// Calls the receivers in `entries`, skipping and then pruning those whose weak target or sender is gone.
    @inlinable
    func dispatch(_ entries: MergedEntries<Receiver>, sender: Sender, value: Value) throws {
        var entries = entries
        var dead: [UInt64] = []
        var errors: [any Error] = []
        defer {
            if !dead.isEmpty { self.store.remove(ids: dead) }
        }
        while let entry = entries.next() {
            if entry.isWeak, !entry.isAlive {
                dead.append(entry.id)
                continue
            }
            do {
                try entry.receiver(sender, value)
            } catch {
                if self.errorPolicy == .abortOnFirstError || error is CancellationError { throw error }
                errors.append(error)
            }
        }
        if !errors.isEmpty {
            throw SignalError.receiversFailed(signal: self.label, errors: errors)
        }
    }
}

extension SyncSignal where Sender: Hashable {
    /// Connects a receiver that is called only for sends from senders equal to `sender`.
    ///
    /// - Parameters:
    ///   - sender: The sender to filter on; `Hashable` senders match by equality.
    ///   - receiver: The closure to call. It is held strongly until disconnected.
    /// - Returns: The connection; call `disconnect()` on it to remove the receiver.
    @discardableResult
    public func connect(from sender: Sender, _ receiver: @escaping Receiver) -> SignalConnection {
        self.connect(filter: SenderFilter(sender), receiver)
    }

    /// Connects a receiver that lives only as long as `target` and is called only for sends from senders
    /// equal to `sender`.
    ///
    /// - Parameters:
    ///   - target: The object that owns the receiver, held weakly.
    ///   - sender: The sender to filter on; `Hashable` senders match by equality.
    ///   - receiver: The closure to call with `target`, the sender and the value.
    /// - Returns: The connection; call `disconnect()` on it to remove the receiver early.
    @discardableResult
    public func connect<Target: AnyObject & Sendable>(
        weak target: Target,
        from sender: Sender,
        _ receiver: @escaping @Sendable (Target, Sender, Value) throws -> Void
    ) -> SignalConnection {
        self.connect(weak: target, filter: SenderFilter(sender), receiver)
    }

    /// Returns a copy bound to `sender` that shares this signal's receivers.
    ///
    /// On the copy, ``send(_:)`` sends from `sender` and ``connect(_:)`` connects receivers for `sender`
    /// only. A send from `sender` on this signal also reaches them. The copy holds `sender` strongly.
    ///
    /// - Parameter sender: The default sender.
    /// - Returns: The bound copy.
    public func withDefaultSender(_ sender: Sender) -> SyncSignal {
        self.bound(to: sender)
    }
}

extension SyncSignal where Sender: AnyObject {
    /// Connects a receiver that is called only for sends from the `sender` instance.
    ///
    /// Class and actor senders that are not `Hashable` match by identity. The signal holds `sender` weakly:
    /// when it goes away, its receivers are removed.
    ///
    /// - Parameters:
    ///   - sender: The sender to filter on.
    ///   - receiver: The closure to call. It is held strongly until disconnected or until `sender` is gone.
    /// - Returns: The connection; call `disconnect()` on it to remove the receiver.
    @_disfavoredOverload
    @discardableResult
    public func connect(from sender: Sender, _ receiver: @escaping Receiver) -> SignalConnection {
        self.connect(filter: SenderFilter(sender), receiver)
    }

    /// Connects a receiver that lives only as long as `target` and is called only for sends from the
    /// `sender` instance.
    ///
    /// - Parameters:
    ///   - target: The object that owns the receiver, held weakly.
    ///   - sender: The sender to filter on, held weakly.
    ///   - receiver: The closure to call with `target`, the sender and the value.
    /// - Returns: The connection; call `disconnect()` on it to remove the receiver early.
    @_disfavoredOverload
    @discardableResult
    public func connect<Target: AnyObject & Sendable>(
        weak target: Target,
        from sender: Sender,
        _ receiver: @escaping @Sendable (Target, Sender, Value) throws -> Void
    ) -> SignalConnection {
        self.connect(weak: target, filter: SenderFilter(sender), receiver)
    }

    /// Returns a copy bound to `sender` that shares this signal's receivers.
    ///
    /// On the copy, ``send(_:)`` sends from `sender` and ``connect(_:)`` connects receivers for `sender`
    /// only. A send from `sender` on this signal also reaches them. The copy holds `sender` strongly; a
    /// sender that stores its own bound copy forms a reference cycle, so keep the copy elsewhere or
    /// disconnect on shutdown.
    ///
    /// - Parameter sender: The default sender.
    /// - Returns: The bound copy.
    @_disfavoredOverload
    public func withDefaultSender(_ sender: Sender) -> SyncSignal {
        self.bound(to: sender)
    }
}

extension SyncSignal where Value == Void {
    /// Sends from the ``defaultSender``, for signals that carry no value.
    ///
    /// - Throws: As ``send(_:)``.
    public func send() throws {
        try self.send(())
    }

    /// Sends from `sender`, for signals that carry no value.
    ///
    /// - Parameter sender: The object the event happened to.
    /// - Throws: As ``send(_:from:)``.
    public func send(from sender: Sender) throws {
        try self.send((), from: sender)
    }
}
