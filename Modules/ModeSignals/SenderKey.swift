/// The identity receivers are filtered by: an equal value for `Hashable` senders, the same instance for
/// other classes and actors.
///
/// The key is computed from the sender's dynamic type, so the same sender gets the same key wherever it
/// is computed (in a generic function or at a concrete call site). A `Hashable` class is matched by
/// equality, as Python Mode matches senders by `hash()`.
@usableFromInline
struct SenderKey<Sender: Sendable>: Hashable, Sendable {
    private enum Storage: Sendable {
        case value(Sender)
        case object(ObjectIdentifier)
    }

    private let storage: Storage

    /// The key of `sender`, or `nil` when it is neither `Hashable` nor a class instance.
    @usableFromInline
    init?(_ sender: Sender) {
        if sender is any Hashable {
            self.storage = .value(sender)
        } else if let object = Self.object(sender) {
            self.storage = .object(ObjectIdentifier(object))
        } else {
            return nil
        }
    }

    /// Whether this key matches by identity (and so must be checked against a weak reference).
    var isObjectIdentity: Bool {
        if case .object = self.storage { return true }
        return false
    }

    /// `sender` as a class instance, or `nil` when its dynamic type is not a class.
    static func object(_ sender: Sender) -> AnyObject? {
        guard type(of: sender as Any) is AnyObject.Type else { return nil }
        // A class instance converts to AnyObject as itself, without a box.
        return sender as AnyObject
    }

    @usableFromInline
    static func == (lhs: Self, rhs: Self) -> Bool {
        switch (lhs.storage, rhs.storage) {
        case (.value(let left), .value(let right)):
            guard let left = left as? any Hashable, let right = right as? any Hashable else { return false }
            return AnyHashable(left) == AnyHashable(right)
        case (.object(let left), .object(let right)):
            return left == right
        default:
            return false
        }
    }

    @usableFromInline
    func hash(into hasher: inout Hasher) {
        switch self.storage {
        case .value(let value):
            if let value = value as? any Hashable { hasher.combine(AnyHashable(value)) }
        case .object(let identifier):
            hasher.combine(identifier)
        }
    }
}

/// A sender filter: the key to look receivers up by and, for identity keys, a weak reference that tells
/// whether the sender is still alive (so a new object at a dead sender's address never inherits its
/// receivers, and the receivers of a dead sender are pruned).
@usableFromInline
struct SenderFilter<Sender: Sendable>: Sendable {
    @usableFromInline let key: SenderKey<Sender>
    @usableFromInline let reference: WeakReference?

    init?(_ sender: Sender) {
        guard let key = SenderKey(sender) else { return nil }
        self.key = key
        if key.isObjectIdentity, let object = SenderKey.object(sender) {
            self.reference = WeakReference(object)
        } else {
            self.reference = nil
        }
    }
}
