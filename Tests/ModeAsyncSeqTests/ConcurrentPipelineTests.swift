import ModeAsyncSeq
import Testing

/// Several producer tasks feed one sequence while a consumer runs it through the helpers (checked by TSan).
@Suite(.timeLimit(.minutes(1)))
struct ConcurrentPipelineTests {
    @Test func manyProducersOneConsumerThroughEnumeratedAndChunks() async throws {
        let producers = 8
        let total = 2_000
        let (stream, continuation) = AsyncStream.makeStream(of: Int.self, bufferingPolicy: .unbounded)
        async let consumed = try stream.enumerated().chunks(of: 16).collect()
        try await withThrowingTaskGroup { group in
            for producer in 0..<producers {
                group.addTask {
                    for await value in try arange(producer, total, step: producers) {
                        continuation.yield(value)
                        await Task.yield()
                    }
                }
            }
            try await group.waitForAll()
        }
        continuation.finish()
        let chunks = try await consumed

        #expect(chunks.count == total / 16)
        #expect(chunks.allSatisfy { $0.count == 16 })
        let pairs = chunks.flatMap { $0 }
        #expect(pairs.map(\.offset) == Array(0..<total))
        #expect(pairs.map(\.element).sorted() == Array(0..<total))
        for producer in 0..<producers {  // each producer's values arrive in the order it sent them
            let mine = pairs.map(\.element).filter { $0 % producers == producer }
            #expect(mine == mine.sorted())
        }
    }

    @Test func consumerSlicesAChannelWhileProducersBlock() async throws {
        let channel = AsyncChannel<Int>()
        let producers = 4
        try await withThrowingTaskGroup { group in
            for producer in 0..<producers {
                group.addTask {
                    // Each send waits for the consumer; after finish() the remaining sends return at once.
                    for await value in arange(producer * 1_000, producer * 1_000 + 500) {
                        await channel.send(value)
                    }
                }
            }
            let picked = try await channel.slice(from: 10, to: 110, by: 10).collect()
            channel.finish()
            try await group.waitForAll()
            #expect(picked.count == 10)
            #expect(Set(picked).count == 10)
            #expect(picked.allSatisfy { (0..<producers).contains($0 / 1_000) && $0 % 1_000 < 500 })
        }
    }
}
