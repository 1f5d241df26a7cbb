// A tour of ModeQueues: flow control, a bounded queue read as an AsyncSequence, clearing on resume
// (the "rebalance" pattern), errors through a ThrowableQueue, and pressure callbacks.
import ModeQueues

struct PartitionRevoked: Error, CustomStringConvertible {
    var partition: Int
    var description: String { "partition \(partition) revoked" }
}

// 1. Flow control: an event starts suspended, so producers wait until it is resumed.
let flowControl = FlowControlEvent()
let events = FlowControlQueue<String>(maxsize: 4, flowControl: flowControl, clearOnResume: true)

let producer = Task {
    for offset in 0..<6 {
        try await events.put("event-\(offset)")  // waits: suspended at first, then whenever the queue is full
    }
}
print("flow active before resume:", flowControl.isActive)
flowControl.resume()

// 2. Consume as an AsyncSequence; the bounded queue keeps the producer at most 4 elements ahead.
var received: [String] = []
for await event in events {
    received.append(event)
    if received.count == 6 { break }
}
try await producer.value
print("received in order:", received)

// 3. The rebalance pattern: suspend producers, let stale work pile up, then resume. The queue was created
//    with clearOnResume, so the stale elements are gone and only what is produced afterwards comes out.
flowControl.suspend()
events.forcePut("stale")  // forcePut ignores flow control and the bound
flowControl.resume()
try await events.put("fresh")
print("after resume:", events.tryGet() ?? "nothing", "- then:", events.tryGet() ?? "nothing")

// 4. A ThrowableQueue carries errors to its consumer ahead of buffered elements.
let work = ThrowableQueue<Int>(flowControl: FlowControlEvent(initiallySuspended: false))
try await work.put(3)
try await work.put(4)
work.fail(PartitionRevoked(partition: 7))
do {
    _ = try await work.get()
} catch {
    print("consumer saw first:", error)
}
print("then:", try await work.get(), try await work.get())

// 5. Pressure: a keyed forced put reports high pressure at floor(maxsize / 1.25) elements; the drop callback
//    runs once the queue drains: a tryGet at or below floor(maxsize * 0.40) elements, or a get on an empty queue.
let buffer = FlowControlQueue<Int>(maxsize: 5, flowControl: FlowControlEvent(initiallySuspended: false))
for value in 0..<4 { buffer.forcePut(value) }
let high = buffer.forcePut(
    4,
    pressureKey: "partition-0",
    onPressureHigh: { print("pressure high: pause fetching partition-0") },
    onPressureDrop: { print("pressure dropped: resume fetching partition-0") }
)
print("high pressure reported:", high)
while let value = buffer.tryGet() { _ = value }
