import Logging
import ModeLogging
import Testing

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

@Suite struct LogOutputTests {
    @Test func fileOutputAppendsWholeLines() throws {
        let path = temporaryPath("app.log")
        defer { unlink(path) }
        do {
            let output = try LogOutput.file(path: path)
            #expect(!output.isTerminal)
            let logger = Logger(label: "app") { label in
                ModeLogHandler(label: label, output: output, colors: .always, timeSource: fixedTime)
            }
            logger.info("first")
            logger.error("second", metadata: ["k": "v"])
        }
        do {
            let again = try LogOutput.file(path: path)
            again.write("third\n")
        }
        let colour = LogColors.escape(for: .info)
        #expect(
            readFile(path) == "[2026-11-21 15:47:12,159: INFO]: \(colour)first\u{1B}[0m\n"
                + "[2026-11-21 15:47:12,159: ERROR]: \(LogColors.escape(for: .error))second k=v\u{1B}[0m\nthird\n"
        )
    }

    @Test func unopenableFileIsATypedError() {
        #expect(throws: LoggingError.cannotOpenFile("", errno: 0)) {
            try LogOutput.file(path: "/nonexistent-dir-\(getpid())/app.log")
        }
    }

    @Test func pipeIsNotATerminalAndGetsPlainLines() {
        let (readEnd, writeEnd) = makePipe()
        defer { close(readEnd) }
        do {
            let output = LogOutput(fileDescriptor: writeEnd, closeOnDeinit: true)
            #expect(!output.isTerminal)
            let handler = ModeLogHandler(label: "app", output: output, timeSource: fixedTime)
            #expect(!handler.usesColor)
            Logger(label: "app") { _ in handler }.warning("piped")
        }
        #expect(drain(readEnd) == "[2026-11-21 15:47:12,159: WARNING]: piped\n")
    }

    @Test func standardStreamsAreCopiesOfTheRealDescriptors() {
        #expect(LogOutput.standardError !== LogOutput.standardOutput)
        #expect(LogOutput.standardError.isTerminal == (isatty(STDERR_FILENO) == 1))
    }
}
