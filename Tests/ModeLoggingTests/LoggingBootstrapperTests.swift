import InMemoryLogging
import Logging
import ModeLogging
import ModeConcurrencyHelpers
import Testing

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A logging system that records what setupLogging installs, instead of swift-log's global one.
private final class FakeLoggingSystem: Sendable {
    typealias Factory = @Sendable (String, Logger.MetadataProvider?) -> any LogHandler
    private let factories = Locked<[Factory]>([])
    let externallyBootstrapped: Bool

    init(externallyBootstrapped: Bool = false) {
        self.externallyBootstrapped = externallyBootstrapped
    }

    var installCount: Int { self.factories.withLock { $0.count } }

    var bootstrapper: LoggingBootstrapper {
        LoggingBootstrapper(
            probe: { self.externallyBootstrapped },
            install: { factory in self.factories.withLock { $0.append(factory) } }
        )
    }

    func logger(_ label: String) -> Logger? {
        guard let factory = self.factories.withLock({ $0.first }) else { return nil }
        return Logger(label: label) { factory($0, nil) }
    }
}

@Suite struct LoggingBootstrapperTests {
    @Test func firstSetupInstallsAndSecondChangesNothing() throws {
        let system = FakeLoggingSystem()
        let bootstrapper = system.bootstrapper
        let collector = LineCollector()
        #expect(try setupLogging(level: .info, output: collector.output, bootstrapper: bootstrapper) == .installed)
        #expect(try setupLogging(level: .debug, bootstrapper: bootstrapper) == .alreadySetUp)
        #expect(system.installCount == 1)
        let logger = try #require(system.logger("app"))
        logger.debug("hidden: the first call's level stands")
        logger.info("shown")
        #expect(collector.all.count == 1)
        #expect(collector.all.first?.hasSuffix(": INFO]: shown") == true)
    }

    @Test func anExistingBootstrapIsKept() throws {
        let system = FakeLoggingSystem(externallyBootstrapped: true)
        let bootstrapper = system.bootstrapper
        #expect(try setupLogging(bootstrapper: bootstrapper) == .keptExistingBootstrap)
        #expect(try setupLogging(bootstrapper: bootstrapper) == .keptExistingBootstrap)
        #expect(system.installCount == 0)
    }

    @Test func concurrentSetupsInstallOnce() async {
        let system = FakeLoggingSystem()
        let bootstrapper = system.bootstrapper
        let outcomes = await withTaskGroup(of: LoggingSetupOutcome?.self) { group in
            for _ in 0..<16 {
                group.addTask { try? setupLogging(bootstrapper: bootstrapper) }
            }
            var outcomes: [LoggingSetupOutcome?] = []
            for await outcome in group { outcomes.append(outcome) }
            return outcomes
        }
        #expect(system.installCount == 1)
        #expect(outcomes.filter { $0 == .installed }.count == 1)
        #expect(outcomes.filter { $0 == .alreadySetUp }.count == 15)
    }

    @Test func defaultLevelIsWarningAsPythonsRoot() throws {
        let system = FakeLoggingSystem()
        let collector = LineCollector()
        try setupLogging(output: collector.output, bootstrapper: system.bootstrapper)
        let logger = try #require(system.logger("app"))
        logger.info("hidden")
        logger.warning("shown")
        #expect(collector.all.count == 1)
        #expect(collector.all.first?.hasSuffix(": WARNING]: shown") == true)
    }

    @Test func fileSetupWritesUncolouredLinesToTheFile() throws {
        let system = FakeLoggingSystem()
        let path = temporaryPath("setup.log")
        defer { unlinkFile(path) }
        try setupLogging(level: .debug, file: path, colors: .always, bootstrapper: system.bootstrapper)
        let logger = try #require(system.logger("app"))
        logger.debug("to the file", metadata: [ModeMetadataKey.service: "Worker", ModeMetadataKey.depth: "1"])
        let content = try #require(readFile(path))
        #expect(content.hasSuffix(": DEBUG]: [^Worker]: to the file\n"))
        #expect(!content.contains("\u{1B}"))
    }

    @Test func badFileThrowsAndInstallsNothing() {
        let system = FakeLoggingSystem()
        #expect(throws: LoggingError.cannotOpenFile("", errno: 0)) {
            try setupLogging(file: "/nonexistent-dir/app.log", bootstrapper: system.bootstrapper)
        }
        #expect(system.installCount == 0)
    }

    @Test func extraHandlersReceiveEveryLineAtTheLevel() throws {
        let system = FakeLoggingSystem()
        let collector = LineCollector()
        let memory = InMemoryLogHandler()
        try setupLogging(
            level: .notice,
            output: collector.output,
            handlers: [{ _ in memory }],
            bootstrapper: system.bootstrapper
        )
        let logger = try #require(system.logger("app"))
        logger.info("hidden")
        logger.notice("both")
        #expect(collector.all.count == 1)
        #expect(memory.entries.map(\.message) == ["both"])
    }

    @Test func probeRecognisesSwiftLogsDefaultOnly() {
        let provider = Logger.MetadataProvider { [:] }
        #expect(
            LoggingBootstrapper.isUnconfiguredDefault(StreamLogHandler.standardError(label: "x"), metadataProvider: nil)
        )
        #expect(
            !LoggingBootstrapper.isUnconfiguredDefault(
                StreamLogHandler.standardError(label: "x"),
                metadataProvider: provider
            )
        )
        let custom = StreamLogHandler(label: "x", stream: DiscardingStream(), metadataProvider: nil)
        #expect(!LoggingBootstrapper.isUnconfiguredDefault(custom, metadataProvider: nil))
        #expect(!LoggingBootstrapper.isUnconfiguredDefault(ModeLogHandler(label: "x"), metadataProvider: nil))
        #expect(!LoggingBootstrapper.isUnconfiguredDefault(InMemoryLogHandler(), metadataProvider: nil))
        #expect(!LoggingBootstrapper.isUnconfiguredDefault(SwiftLogNoOpLogHandler(), metadataProvider: nil))
    }
}

private struct DiscardingStream: TextOutputStream, Sendable {
    mutating func write(_ string: String) {}
}

private func unlinkFile(_ path: String) {
    _ = path.withCString { unlink($0) }
}
