import Logging
import ModeLogging
import Testing

@Suite struct CompositeLoggerTests {
    @Test func formatterRewritesEveryMessage() {
        let collector = LineCollector()
        let log = CompositeLogger(logger: Logger(label: "app") { _ in collectingHandler(collector) }) {
            level,
            message in "<\(level.modeNumber)> \(message)"
        }
        log.info("a")
        log.warn("b")
        log.crit("c", metadata: ["k": "v"])
        #expect(
            collector.all == [
                "[2026-11-21 15:47:12,159: INFO]: <20> a",
                "[2026-11-21 15:47:12,159: WARNING]: <30> b",
                "[2026-11-21 15:47:12,159: CRITICAL]: <50> c k=v",
            ]
        )
        #expect(log.format(.error, "x") == "<40> x")
    }

    @Test func severityMethodsUseTheirLevels() {
        let collector = LineCollector()
        let log = CompositeLogger(
            logger: Logger(label: "app") { _ in collectingHandler(collector) },
            developmentLogging: true
        )
        log.dev("0")
        log.debug("1")
        log.info("2")
        log.notice("3")
        log.warning("4")
        log.error("5")
        log.critical("6")
        #expect(
            collector.all.map { String($0.dropFirst(26)) } == [
                "INFO]: 0", "DEBUG]: 1", "INFO]: 2", "NOTICE]: 3", "WARNING]: 4", "ERROR]: 5", "CRITICAL]: 6",
            ]
        )
    }

    @Test func devLogsOnlyWhenDevelopmentLoggingIsOn() {
        let collector = LineCollector()
        let logger = Logger(label: "app") { _ in collectingHandler(collector) }
        CompositeLogger(logger: logger, developmentLogging: false).dev("hidden")
        CompositeLogger(logger: logger, developmentLogging: true).dev("shown")
        #expect(collector.all == ["[2026-11-21 15:47:12,159: INFO]: shown"])
    }

    @Test func exceptionLogsAnErrorWithTheErrorAttached() {
        struct Broken: Error, CustomStringConvertible { var description: String { "broken" } }
        let collector = LineCollector()
        let log = CompositeLogger(logger: Logger(label: "app") { _ in collectingHandler(collector) })
        log.exception("Crashed", error: Broken())
        #expect(collector.all == ["[2026-11-21 15:47:12,159: ERROR]: Crashed error=broken"])
    }

    @Test func formatterIsNotCalledBelowTheLevel() {
        let collector = LineCollector()
        let calls = LineCollector()
        var logger = Logger(label: "app") { _ in collectingHandler(collector) }
        logger.logLevel = .warning
        let log = CompositeLogger(logger: logger) { _, message in
            calls.output.write(message + "\n")
            return message
        }
        log.info("skipped")
        log.error("kept")
        #expect(calls.all == ["kept"])
        #expect(collector.all.count == 1)
    }
}
