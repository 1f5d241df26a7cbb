import ModeLogging
import Testing

@Suite struct LoggingErrorTests {
    @Test func equalityIsOnCodeOnly() {
        #expect(LoggingError.unknownLevel("a") == LoggingError.unknownLevel("b"))
        #expect(LoggingError.unknownLevel("a") != LoggingError.levelOutOfRange(99))
        #expect(Set([LoggingError.unknownLevel("a"), .unknownLevel("b")]).count == 1)
    }

    @Test func messagesSayWhatAndWhatToDo() {
        let unknown = LoggingError.unknownLevel("loud")
        #expect(unknown.description.contains("\"loud\""))
        #expect(unknown.description.contains("warning"))
        #expect(LoggingError.levelOutOfRange(99).description.contains("0 (NOTSET) to 50 (CRITICAL)"))
        let file = LoggingError.cannotOpenFile("/nope/x.log", errno: 2)
        #expect(file.code == .cannotOpenFile)
        #expect(file.description.contains("/nope/x.log"))
        #expect(file.description.contains("No such file or directory"))
        let redirect = LoggingError.redirectFailed("pipe", errno: 24)
        #expect(redirect.code == .redirectFailed)
        #expect(redirect.description.contains("pipe failed"))
        #expect(LoggingError.Code.redirectFailed.description == "redirectFailed")
    }
}
