import Logging
import ModeLogging
import Testing

@Suite struct ModeLogHandlerTests {
    @Test func plainLineHasTimeStampLevelAndMessage() {
        let collector = LineCollector()
        let logger = Logger(label: "app") { _ in collectingHandler(collector) }
        logger.info("Starting...")
        logger.warning("careful")
        #expect(
            collector.all == [
                "[2026-11-21 15:47:12,159: INFO]: Starting...",
                "[2026-11-21 15:47:12,159: WARNING]: careful",
            ]
        )
    }

    @Test(arguments: [
        ("1", "[^Worker]: "), ("2", "[^-Worker]: "), ("3", "[^--Worker]: "), ("5", "[^----Worker]: "),
    ])
    func servicePrefixHasOneDashPerLevelBelowRoot(depth: String, prefix: String) {
        let collector = LineCollector()
        var logger = Logger(label: "app") { _ in collectingHandler(collector) }
        logger[metadataKey: ModeMetadataKey.service] = "Worker"
        logger[metadataKey: ModeMetadataKey.depth] = .string(depth)
        logger.info("Started.")
        #expect(collector.all == ["[2026-11-21 15:47:12,159: INFO]: \(prefix)Started."])
    }

    @Test func goldenServiceLineWithMetadata() {
        let collector = LineCollector()
        var logger = Logger(label: "app") { _ in collectingHandler(collector) }
        logger[metadataKey: ModeMetadataKey.service] = "Webserver"
        logger[metadataKey: ModeMetadataKey.depth] = "3"
        logger[metadataKey: "port"] = "8080"
        logger.info("Listening", metadata: ["host": "localhost", "attempt": "2"])
        #expect(
            collector.all == [
                "[2026-11-21 15:47:12,159: INFO]: [^--Webserver]: Listening attempt=2, host=localhost, port=8080"
            ]
        )
    }

    @Test func serviceWithoutDepthIsRoot() {
        let collector = LineCollector()
        let logger = Logger(label: "app") { _ in collectingHandler(collector) }
        logger.error("boom", metadata: [ModeMetadataKey.service: "Root"])
        #expect(collector.all == ["[2026-11-21 15:47:12,159: ERROR]: [^Root]: boom"])
    }

    @Test func depthWithoutServiceIsHiddenToo() {
        let collector = LineCollector()
        let logger = Logger(label: "app") { _ in collectingHandler(collector) }
        logger.debug("plain", metadata: [ModeMetadataKey.depth: "2", "k": "v"])
        #expect(collector.all == ["[2026-11-21 15:47:12,159: DEBUG]: plain k=v"])
    }

    @Test func lineMetadataWinsOverHandlerMetadataAndProvider() {
        let collector = LineCollector()
        let provider = Logger.MetadataProvider { ["request": "42", "shared": "provider"] }
        let logger = Logger(label: "app") { label in
            var handler = ModeLogHandler(
                label: label,
                output: collector.output,
                level: .trace,
                colors: .never,
                timeSource: fixedTime,
                metadataProvider: provider
            )
            handler[metadataKey: "shared"] = "handler"
            handler[metadataKey: "fixed"] = "yes"
            return handler
        }
        logger.notice("hello", metadata: ["shared": "line"])
        #expect(collector.all == ["[2026-11-21 15:47:12,159: NOTICE]: hello fixed=yes, request=42, shared=line"])
    }

    @Test func errorPrintsAsTrailingMetadata() {
        struct Broken: Error, CustomStringConvertible { var description: String { "broken pipe" } }
        let collector = LineCollector()
        let logger = Logger(label: "app") { _ in collectingHandler(collector) }
        logger.error("Crashed", error: Broken())
        #expect(collector.all == ["[2026-11-21 15:47:12,159: ERROR]: Crashed error=broken pipe"])
    }

    @Test func levelNamesInEveryLine() {
        let collector = LineCollector()
        let logger = Logger(label: "app") { _ in collectingHandler(collector) }
        for level in Logger.Level.allCases {
            logger.log(level: level, "x")
        }
        #expect(
            collector.all.map { String($0.dropFirst(26).prefix { $0 != "]" }) } == [
                "TRACE", "DEBUG", "INFO", "NOTICE", "WARNING", "ERROR", "CRITICAL",
            ]
        )
    }

    @Test func handlerLevelFiltersLines() {
        let collector = LineCollector()
        let logger = Logger(label: "app") { label in
            ModeLogHandler(label: label, output: collector.output, level: .warning, timeSource: fixedTime)
        }
        logger.info("hidden")
        logger.warning("shown")
        #expect(collector.all == ["[2026-11-21 15:47:12,159: WARNING]: shown"])
    }

    @Test func coloursWrapMessageAndMetadataByLevel() {
        let collector = LineCollector()
        let logger = Logger(label: "app") { _ in collectingHandler(collector, colors: .always) }
        logger.warning("careful", metadata: ["k": "v"])
        logger.critical("down")
        #expect(
            collector.all == [
                "[2026-11-21 15:47:12,159: WARNING]: \u{1B}[33mcareful k=v\u{1B}[0m",
                "[2026-11-21 15:47:12,159: CRITICAL]: \u{1B}[1;31mdown\u{1B}[0m",
            ]
        )
    }

    @Test func automaticColoursAreOffWhenNotATerminal() {
        let collector = LineCollector()
        let handler = collectingHandler(collector, colors: .automatic)
        #expect(handler.usesColor == false)
        let logger = Logger(label: "app") { _ in handler }
        logger.error("plain")
        #expect(collector.all == ["[2026-11-21 15:47:12,159: ERROR]: plain"])
    }

    @Test func automaticColoursOnATerminalUnlessNoColor() {
        #expect(LogColors.automatic.isEnabled(isTerminal: true, noColor: nil))
        #expect(LogColors.automatic.isEnabled(isTerminal: true, noColor: ""))
        #expect(!LogColors.automatic.isEnabled(isTerminal: true, noColor: "1"))
        #expect(!LogColors.automatic.isEnabled(isTerminal: false, noColor: nil))
        #expect(LogColors.always.isEnabled(isTerminal: false, noColor: "1"))
        #expect(!LogColors.never.isEnabled(isTerminal: true, noColor: nil))
        let terminal = LogOutput(isTerminal: true) { _ in }
        let handler = ModeLogHandler(label: "app", output: terminal)
        #expect(handler.usesColor == LogColors.automatic.isEnabled(isTerminal: true))
    }

    @Test func colourEscapesPerLevel() {
        #expect(LogColors.escape(for: .debug) == "\u{1B}[34m")
        #expect(LogColors.escape(for: .info) == "\u{1B}[37m")
        #expect(LogColors.escape(for: .warning) == "\u{1B}[33m")
        #expect(LogColors.escape(for: .error) == "\u{1B}[31m")
        #expect(LogColors.escape(for: .critical) == "\u{1B}[1;31m")
        #expect(LogColors.reset == "\u{1B}[0m")
    }

    @Test func concurrentLoggingKeepsEveryLineWhole() async {
        let collector = LineCollector()
        let logger = Logger(label: "app") { _ in collectingHandler(collector) }
        await withTaskGroup(of: Void.self) { group in
            for task in 0..<8 {
                group.addTask {
                    for index in 0..<50 { logger.info("task \(task) line \(index)") }
                }
            }
        }
        let lines = collector.all
        #expect(lines.count == 400)
        #expect(Set(lines).count == 400)
        #expect(lines.allSatisfy { $0.hasPrefix("[2026-11-21 15:47:12,159: INFO]: task ") })
    }
}
