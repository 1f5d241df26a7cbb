import Logging
import ModeLogging
import Testing

@Suite struct LoggerLevelTests {
    @Test(arguments: [
        ("info", Logger.Level.info), ("INFO", .info), ("Info", .info), ("WARN", .warning), ("warning", .warning),
        ("debug", .debug), ("error", .error), ("CRITICAL", .critical), ("fatal", .critical), ("notset", .trace),
        ("trace", .trace), ("notice", .notice), (" info ", .info), ("20", .info), ("10", .debug),
    ])
    func parsesNames(name: String, level: Logger.Level) throws {
        #expect(try Logger.Level(parsing: name) == level)
    }

    @Test(arguments: [
        (0, Logger.Level.trace), (5, .trace), (6, .debug), (10, .debug), (15, .info), (20, .info), (25, .notice),
        (30, .warning),
        (35, .error), (40, .error), (50, .critical),
    ])
    func readsNumbersAsThresholds(number: Int, level: Logger.Level) throws {
        #expect(try Logger.Level(number: number) == level)
    }

    @Test(arguments: ["loud", "", "inf", "WARNINGS"])
    func unknownNameIsATypedError(name: String) {
        #expect(throws: LoggingError.unknownLevel(name)) { try Logger.Level(parsing: name) }
    }

    @Test(arguments: [-1, 51, 100])
    func outOfRangeNumberIsATypedError(number: Int) {
        #expect(throws: LoggingError.levelOutOfRange(number)) { try Logger.Level(number: number) }
        #expect(throws: LoggingError.levelOutOfRange(number)) { try Logger.Level(parsing: "\(number)") }
    }

    @Test func namesAndNumbersRoundTrip() throws {
        for level in Logger.Level.allCases {
            #expect(try Logger.Level(parsing: level.modeName) == level)
            #expect(try Logger.Level(number: level.modeNumber) == level)
        }
        #expect(Logger.Level.warning.modeName == "WARNING")
        #expect(Logger.Level.info.modeNumber == 20)
    }
}
