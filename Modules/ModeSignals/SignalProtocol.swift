/// What every signal offers besides sending: its name for logs and the management of its receivers.
///
/// Both ``Signal`` and ``SyncSignal`` conform, so code that lists or resets the signals of a service can
/// handle either:
///
/// ```swift
/// func resetAll(_ signals: [any SignalProtocol]) {
///     for signal in signals { signal.disconnectAll() }
/// }
/// ```
///
/// Conforming types are `Sendable` classes; every member is safe to call from any task.
public protocol SignalProtocol<Sender, Value>: AnyObject, Sendable, CustomStringConvertible {
    /// The type of the object that sends.
    associatedtype Sender: Sendable
    /// The type of the value sent.
    associatedtype Value: Sendable

    /// The signal's name, such as `"onRebalance"`; empty if none was given.
    var name: String { get }

    /// The name of the type that declares the signal, such as `"Consumer"`, if one was given.
    var owner: String? { get }

    /// What the signal does when a receiver throws.
    var errorPolicy: ReceiverErrorPolicy { get }

    /// The number of connected receivers, filtered or not, whose weak target and sender are alive.
    var receiverCount: Int { get }

    /// Disconnects the receiver that `connection` refers to.
    ///
    /// - Parameter connection: A connection returned by this signal (or a copy sharing its receivers).
    /// - Returns: `true` if it was connected until this call; `false` if not, or if it belongs to another
    ///   signal.
    @discardableResult
    func disconnect(_ connection: SignalConnection) -> Bool

    /// Disconnects every receiver, including those of copies that share this signal's receivers.
    func disconnectAll()
}

extension SignalProtocol {
    /// The name to show in logs: `"Owner.name"` when the signal has an owner, else the name.
    public var label: String {
        guard let owner = self.owner else { return self.name }
        return "\(owner).\(self.name)"
    }
}

/// The name of `type` as written in code, without its module: `"Outer.Inner"`.
///
/// A `private`, `fileprivate` or function-local type reflects as `Module.(unknown context at $…).Name`;
/// the name is then what follows the last such segment (`"Name"`, or `"Name.Inner"` for a type nested in
/// it), as a service's label is the bare type name.
func qualifiedTypeName(_ type: any Any.Type) -> String {
    let reflected = String(reflecting: type)
    if let name = nameAfterAnonymousContext(reflected) { return name }
    let moduleName = String(reflected.prefix { $0 != "." && $0 != "<" })
    guard !moduleName.isEmpty, moduleName.allSatisfy({ $0 == "_" || $0.isLetter || $0.isNumber }),
        reflected.dropFirst(moduleName.count).first == "."
    else {
        return reflected
    }
    return String(reflected.dropFirst(moduleName.count + 1))
}

/// `name` without its module and anything up to its last `(unknown context at $…).` segment, the runtime's
/// spelling of a private or function-local scope: `"M.(unknown context at $1).P.Inner"` becomes `"P.Inner"`.
///
/// Such a scope may be a function, whose enclosing types are no part of the name one writes, so only what
/// follows the last one is kept. Returns `nil` when `name` has no such segment.
private func nameAfterAnonymousContext(_ name: String) -> String? {
    let marker = "(unknown context at "
    // A tuple or function type is left alone: cutting inside it would break its parentheses.
    guard name.first != "(" else { return nil }
    // Only the part before any generic arguments decides; the arguments are kept as they are.
    let head = name.prefix { $0 != "<" }
    guard let start = head.ranges(of: marker).last?.lowerBound,
        let close = head[start...].firstIndex(of: ")")
    else { return nil }
    var rest = name[name.index(after: close)...]
    if rest.first == "." { rest = rest.dropFirst() }
    return rest.isEmpty ? nil : String(rest)
}
