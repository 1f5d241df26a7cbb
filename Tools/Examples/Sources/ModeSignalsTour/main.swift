// A tour of ModeSignals: typed observer signals, as in Python Mode's `Signal` and `SyncSignal`.
import ModeSignals

/// A service-like actor that announces partition changes.
actor Consumer: CustomStringConvertible {
    nonisolated let name: String
    /// Declared as a property with a name and an owner, so logs read "Consumer.onRebalance".
    let onRebalance = Signal<Consumer, [Int]>(name: "onRebalance", owner: Consumer.self)

    init(name: String) {
        self.name = name
    }

    nonisolated var description: String { "Consumer(\(self.name))" }

    func rebalance(to partitions: [Int]) async throws {
        try await self.onRebalance.send(partitions, from: self)
    }
}

/// An observer that lives only as long as the tour keeps it.
final class Dashboard: Sendable {
    func show(_ line: String) { print("  dashboard: \(line)") }
}

let consumer = Consumer(name: "orders")
print("signal:", consumer.onRebalance)  // <Signal: Consumer.onRebalance>

// 1. A strong receiver for every sender; keep the connection to disconnect later.
let logging = consumer.onRebalance.connect { sender, partitions in
    print("  log: \(sender) now owns \(partitions)")
}

// 2. A weak receiver: it goes away with its target.
var dashboard: Dashboard? = Dashboard()
consumer.onRebalance.connect(weak: dashboard!) { dashboard, _, partitions in
    dashboard.show("\(partitions.count) partitions")
}

// 3. A receiver filtered on one sender (actors and classes match by identity).
let other = Consumer(name: "payments")
consumer.onRebalance.connect(from: other) { sender, _ in
    print("  only for payments: \(sender)")
}

print("rebalance orders:")
try await consumer.rebalance(to: [0, 1, 2])
print("rebalance payments (same signal, other sender):")
try await consumer.onRebalance.send([7], from: other)

// 4. A bound copy sends from, and connects for, a fixed sender; it shares the receivers.
let ordersSignal = consumer.onRebalance.withDefaultSender(consumer)
ordersSignal.connect { _, partitions in print("  bound receiver: \(partitions)") }
print("send through the bound copy:", ordersSignal)
try await ordersSignal.send([3])

// 5. Disconnect by handle; drop the weak target.
logging.disconnect()
dashboard = nil
print("after disconnect and dropping the dashboard:")
try await consumer.rebalance(to: [4])
print("receivers left:", consumer.onRebalance.receiverCount)

// 6. Error policies: the default aborts on the first error; callAllThenThrow runs everyone first.
struct Refused: Error {}
let audited = SyncSignal<String, Int>(name: "onCommit", owner: "Ledger", errorPolicy: .callAllThenThrow)
audited.connect { _, _ in throw Refused() }
audited.connect { sender, offset in print("  \(sender) committed \(offset)") }
do {
    try audited.send(42, from: "ledger")
} catch let error as SignalError {
    print("  \(error.code): \(error)")
}

// 7. A signal that carries no value: send(from:) and, on a bound copy, send().
let onFlush = Signal<Consumer, Void>(name: "onFlush", owner: Consumer.self)
onFlush.connect { sender, _ in print("  \(sender) flushed") }
try await onFlush.send(from: consumer)
try await onFlush.withDefaultSender(other).send()
