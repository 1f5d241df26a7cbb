import InMemoryLogging
import Logging
import ModeLogging
import Testing

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Serialized: these tests swap process-wide descriptors.
@Suite(.serialized, .timeLimit(.minutes(1)))
struct StdioRedirectionTests {
    @Test func privateDescriptorIsLoggedLineByLineAndRestored() throws {
        let (readEnd, writeEnd) = makePipe()
        defer { close(readEnd) }
        let memory = InMemoryLogHandler()
        let logger = Logger(label: "mode.redirect") { _ in memory }
        let redirection = try StdioRedirection.start(
            logger: logger,
            streams: [StdioRedirection.Stream(fileDescriptor: writeEnd)]
        )
        writeRaw(writeEnd, "hello\n  padded  \n\n")
        writeRaw(writeEnd, "split ")
        writeRaw(writeEnd, "line\npartial")
        redirection.restore()
        #expect(memory.entries.map(\.message) == ["hello", "padded", "split line", "partial"])
        #expect(memory.entries.allSatisfy { $0.level == .warning })
        writeRaw(writeEnd, "after restore\n")
        close(writeEnd)
        #expect(drain(readEnd) == "after restore\n")
        #expect(memory.entries.count == 4)
    }

    @Test func capturedLinesUseTheChosenLevel() throws {
        let (readEnd, writeEnd) = makePipe()
        defer {
            close(readEnd)
            close(writeEnd)
        }
        let memory = InMemoryLogHandler()
        let redirection = try StdioRedirection.start(
            logger: Logger(label: "r") { _ in memory },
            level: .info,
            streams: [StdioRedirection.Stream(fileDescriptor: writeEnd)]
        )
        writeRaw(writeEnd, "x\n")
        redirection.restore()
        redirection.restore()
        #expect(memory.entries.map(\.level) == [.info])
    }

    @Test func realStandardOutputIsCapturedIncludingPrint() throws {
        let marker = "mode-redirect-\(UInt32.random(in: 0...UInt32.max))"
        let memory = InMemoryLogHandler()
        let redirection = try StdioRedirection.start(
            logger: Logger(label: "mode.redirect") { _ in memory },
            streams: [.standardOutput]
        )
        writeRaw(STDOUT_FILENO, "\(marker) raw\n")
        print("\(marker) print")
        redirection.restore()
        let messages = memory.entries.map(\.message.description)
        #expect(messages.contains("\(marker) raw"))
        #expect(messages.contains("\(marker) print"))
    }

    @Test func scopedRedirectRestoresWhenBodyThrows() async throws {
        struct Failure: Error {}
        let (readEnd, writeEnd) = makePipe()
        defer { close(readEnd) }
        let memory = InMemoryLogHandler()
        await #expect(throws: Failure.self) {
            try await withRedirectedStdio(
                to: Logger(label: "r") { _ in memory },
                streams: [StdioRedirection.Stream(fileDescriptor: writeEnd)]
            ) {
                writeRaw(writeEnd, "inside\n")
                throw Failure()
            }
        }
        #expect(memory.entries.map(\.message) == ["inside"])
        writeRaw(writeEnd, "outside\n")
        close(writeEnd)
        #expect(drain(readEnd) == "outside\n")
    }

    @Test func badDescriptorIsATypedErrorAndChangesNothing() {
        let memory = InMemoryLogHandler()
        #expect(throws: LoggingError.redirectFailed("", errno: 0)) {
            try StdioRedirection.start(
                logger: Logger(label: "r") { _ in memory },
                streams: [StdioRedirection.Stream(fileDescriptor: 9_999)]
            )
        }
    }
}
