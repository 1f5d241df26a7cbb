import ArgumentParser
import Logging
import ModeLogging
import ModeWorker
import Testing

@Suite struct WorkerArgumentsTests {
    @Test func parsesTheLoggingOptions() throws {
        let arguments = try WorkerArguments.parse([
            "--loglevel", "debug", "--logfile", "/tmp/x.log", "--quiet", "--no-color",
        ])
        let options = try arguments.options()
        #expect(options.logLevel == .debug)
        #expect(options.logFile == "/tmp/x.log")
        #expect(options.quiet)
        #expect(options.colors == .never)
    }

    @Test func keepsTheBaseWhenNothingIsGiven() throws {
        var base = WorkerOptions()
        base.logLevel = .error
        base.daemon = false
        let options = try WorkerArguments.parse([]).options(base)
        #expect(options.logLevel == .error)
        #expect(options.daemon == false)
        #expect(options.colors == .automatic)
        #expect(options.quiet == false)
    }

    @Test func rejectsAnUnknownLevelAsAUsageError() {
        #expect(throws: (any Error).self) { try WorkerArguments.parse(["--loglevel", "loud"]) }
        #expect(throws: (any Error).self) { try WorkerArguments.parse(["--logfile", ""]) }
    }

    @Test func embedsInTheProgramsOwnCommand() throws {
        struct Server: ParsableCommand {
            @OptionGroup var worker: WorkerArguments
            @Option var port = 8000
        }
        let server = try Server.parse(["--port", "9000", "--loglevel", "warning"])
        #expect(server.port == 9000)
        #expect(try server.worker.options().logLevel == .warning)
        #expect(Server.helpMessage().contains("--loglevel"))
        #expect(Server.helpMessage().contains("--port"))
    }
}
