// A tour of ModeAsyncSeq: Python Mode's async-iterator helpers over Swift's AsyncSequence.
import ModeAsyncSeq

// arange: Python's range as an async sequence. `count`, `index(of:)`, `contains(value:)` answer at once.
let evens = try arange(0, 10, step: 2)
print("evens:", await evens.collect(), "count:", evens.count, "has 4:", evens.contains(value: 4))

// slice(from:to:by:): Python Mode's aslice over any async sequence; it stops pulling after the last pick.
let picked = try await arange(Int.max).slice(from: 5, to: 20, by: 5).collect()
print("picked:", picked)

// chunks(of:): fixed-size groups; the last may be short. Size 1 gives one-element chunks.
for try await batch in try arange(7).chunks(of: 3) {
    print("batch:", batch)
}

// enumerated(): Python Mode's aenumerate. `.async` (swift-async-algorithms, re-exported) wraps a
// synchronous sequence, like Python Mode's aiter over a list.
for await (offset, name) in ["ada", "grace", "linus"].async.enumerated() {
    print(offset, name)
}

// A small pipeline: producers yield into a stream; the consumer numbers and batches what arrives.
let (stream, continuation) = AsyncStream.makeStream(of: String.self)
let consumer = Task { try await stream.enumerated().chunks(of: 2).collect() }
await withTaskGroup { group in
    for producer in ["left", "right"] {
        group.addTask {
            for await index in arange(2) { continuation.yield("\(producer)-\(index)") }
        }
    }
}
continuation.finish()
let batches = try await consumer.value
print("batches:", batches.map { $0.map(\.offset) })

// Bad arguments fail where the sequence is built, with a message that says what to do.
do {
    _ = try arange(0, 10, step: 0)
} catch let error as AsyncSeqError {
    print(error)
}
