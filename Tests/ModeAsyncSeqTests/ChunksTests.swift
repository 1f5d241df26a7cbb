import ModeAsyncSeq
import Testing

@Suite(.timeLimit(.minutes(1)))
struct ChunksTests {
    @Test(arguments: [
        (11, 2, [[0, 1], [2, 3], [4, 5], [6, 7], [8, 9], [10]]),
        (11, 3, [[0, 1, 2], [3, 4, 5], [6, 7, 8], [9, 10]]),
        (10, 2, [[0, 1], [2, 3], [4, 5], [6, 7], [8, 9]]),
        (3, 5, [[0, 1, 2]]),
        (0, 4, []),
    ])
    func groupsLikePythonMode(count: Int, size: Int, expected: [[Int]]) async throws {
        #expect(try await arange(count).chunks(of: size).collect() == expected)
    }

    @Test func sizeOneYieldsOneElementChunks() async throws {
        // Python Mode's chunks(it, 1) yields one chunk holding everything; fixed here.
        #expect(try await arange(4).chunks(of: 1).collect() == [[0], [1], [2], [3]])
    }

    @Test(arguments: [0, -1, Int.min])
    func nonPositiveSizeThrows(size: Int) throws {
        let error = try #require(throws: AsyncSeqError.self) { try arange(4).chunks(of: size) }
        #expect(error == .nonPositiveChunkSize(size))
        #expect(error.code == .nonPositiveChunkSize)
        #expect(error.description.hasPrefix("AsyncSeqError.nonPositiveChunkSize: "))
    }

    @Test func cancellationEndsWithAShortLastChunk() async throws {
        let task = Task { () -> [[Int]] in
            var chunks: [[Int]] = []
            let counted = arange(Int.max).map { value in
                if value == 4 { withUnsafeCurrentTask { $0?.cancel() } }
                return value
            }
            for try await chunk in try counted.chunks(of: 2) { chunks.append(chunk) }
            return chunks
        }
        #expect(try await task.value == [[0, 1], [2, 3], [4]])
    }
}
