import Foundation
import ModeConcurrencyHelpers
import Testing

#if canImport(Glibc)
import Glibc
#endif

/// The fixture program (Tests/ModeWorkerFixture), run as a real process: exit codes, signals, the log.
///
/// Every wait is bounded (10 seconds at most), so a broken Worker fails these tests instead of hanging CI; a
/// passing test takes a few tens of milliseconds.
@Suite(.serialized, .timeLimit(.minutes(1)))
struct ProcessTests {
    @Test func sigtermStopsChildrenInReverseOrderAndExitsZero() throws {
        let fixture = try FixtureProcess(["--scenario", "clean"])
        #expect(fixture.waitForLog("Ready: 1 service(s) started"))
        fixture.send(SIGTERM)
        #expect(fixture.waitForExit() == 0)
        let log = fixture.log
        #expect(log.contains("[^Worker]: Stopping on signal received: SIGTERM"))
        #expect(
            log.inOrder([
                "[^Worker]: Stopping...", "[^-App]: Stopping...", "[^--Beta]: Stopping...", "[^--Alpha]: Stopping...",
            ])
        )
        #expect(log.contains("shutdown hook ran with success (0)"))
        #expect(fixture.output.contains("ModeWorker (pid"))  // the banner
    }

    @Test func sigintStopsTheSameWay() throws {
        let fixture = try FixtureProcess(["--scenario", "clean", "--quiet"])
        #expect(fixture.waitForLog("Ready:"))
        fixture.send(SIGINT)
        #expect(fixture.waitForExit() == 0)
        #expect(fixture.log.contains("Stopping on signal received: SIGINT"))
        #expect(fixture.log.inOrder(["[^-App]: Stopping...", "[^--Beta]: Stopping...", "[^--Alpha]: Stopping..."]))
        #expect(!fixture.output.contains("ModeWorker (pid"))  // --quiet: no banner
    }

    @Test func aCrashedTaskExitsOne() throws {
        let fixture = try FixtureProcess(["--scenario", "crash"])
        #expect(fixture.waitForExit() == 1)
        #expect(fixture.log.contains("Crashed reason=boom in a background task"))
        #expect(fixture.log.contains("[^--Alpha]: Stopping..."))
    }

    @Test func aFailedStartExitsOneAfterStoppingWhatStarted() throws {
        let fixture = try FixtureProcess(["--scenario", "failstart"])
        #expect(fixture.waitForExit() == 1)
        #expect(fixture.log.contains("ERROR]: [^Worker]: Error: port 8000 is already in use"))
        #expect(fixture.log.contains("[^--Alpha]: Stopping..."))
        #expect(!fixture.log.contains("Ready:"))
    }

    @Test func aSupervisorPastItsLimitExitsOne() throws {
        let fixture = try FixtureProcess(["--scenario", "supervisor"])
        #expect(fixture.waitForExit() == 1)
        #expect(fixture.log.contains("Max restarts exceeded"))
        #expect(fixture.log.contains("[^Worker]: Stopping after a crash"))
    }

    @Test func aSecondSignalForcesTheExitOfAHungStop() throws {
        let fixture = try FixtureProcess([
            "--scenario", "hang", "--stop-deadline-ms", "20000", "--duplicate-signal-window-ms", "0",
        ])
        #expect(fixture.waitForLog("Ready:"))
        fixture.send(SIGTERM)
        #expect(fixture.waitForLog("hanging in onStop"))
        fixture.send(SIGINT)
        #expect(fixture.waitForExit() == 3)
        #expect(
            fixture.log.contains(
                "Forced exit: a second SIGINT arrived while stopping. Still stopping: App [stopping], Beta [stopping]"
            )
        )
    }

    @Test func theStopDeadlineForcesTheExitOfAHungStop() throws {
        let fixture = try FixtureProcess(["--scenario", "hang", "--stop-deadline-ms", "100"])
        #expect(fixture.waitForLog("Ready:"))
        fixture.send(SIGTERM)
        #expect(fixture.waitForExit() == 3)
        #expect(fixture.log.contains("Forced exit: the stop deadline (0.1 seconds) passed"))
    }

    @Test func aDuplicateDeliveryOfTheStopSignalDoesNotForceTheExit() throws {
        let fixture = try FixtureProcess(["--scenario", "hang", "--stop-deadline-ms", "300", "-q"])
        #expect(fixture.waitForLog("Ready:"))
        fixture.send(SIGTERM)
        fixture.send(SIGTERM)  // what timeout(1) and process-group kills do: ignored, so the deadline decides
        #expect(fixture.waitForExit() == 3)
        #expect(fixture.log.contains("Forced exit: the stop deadline"))
        #expect(!fixture.log.contains("a second SIGTERM"))
    }

    @Test func sigusr1PrintsTheTreeAndTheProcessKeepsRunning() throws {
        let fixture = try FixtureProcess(["--scenario", "clean"])
        #expect(fixture.waitForLog("Ready:"))
        fixture.send(SIGUSR1)
        #expect(fixture.waitForLog("    Beta [running] restarts=0"))
        #expect(fixture.log.contains("Service tree (SIGUSR1):\nWorker ["))
        #expect(
            fixture.log.contains(
                "\n  App [running] restarts=0 tasks=heartbeat\n    Alpha [running] restarts=0\n    Beta [running] restarts=0"
            )
        )
        fixture.send(SIGHUP)
        #expect(fixture.waitForLog("reload hook ran"))
        fixture.send(SIGTERM)
        #expect(fixture.waitForExit() == 0)
    }

    @Test func logLevelIsRespected() throws {
        let quiet = try FixtureProcess(["--scenario", "batch", "--loglevel", "warning"])
        #expect(quiet.waitForExit() == 0)
        #expect(!quiet.log.contains("INFO]"))
        let chatty = try FixtureProcess(["--scenario", "batch", "--loglevel", "debug"])
        #expect(chatty.waitForExit() == 0)
        #expect(chatty.log.contains("DEBUG]: [^Worker]: Exiting with status success (0)"))
        #expect(chatty.log.contains("INFO]: [^Worker]: The services' work is done; stopping (non-daemon mode)"))
        let bad = try FixtureProcess(["--loglevel", "loud"])
        #expect(bad.waitForExit() == 64)  // a usage error, from swift-argument-parser
    }

    @Test func logfileReceivesTheLogAndAnUnusableOneFails() throws {
        let path = "/tmp/" + uniqueName("mode-worker") + ".log"
        defer { unlink(path) }
        let fixture = try FixtureProcess(["--scenario", "batch", "--logfile", path, "--quiet"])
        #expect(fixture.waitForExit() == 0)
        let written = (try? String(contentsOfFile: path, encoding: .utf8)) ?? ""
        #expect(written.contains("INFO]: [^--Beta]: Stopping..."))
        #expect(!fixture.log.contains("Stopping..."))
        let broken = try FixtureProcess(["--scenario", "batch", "--logfile", "/nonexistent-dir/x.log", "--quiet"])
        #expect(broken.waitForExit() == 1)
        #expect(broken.log.contains("Cannot set up logging:"))
    }

    @Test func logLinesCarryNoColourOffATerminal() throws {
        let fixture = try FixtureProcess(["--scenario", "batch"])
        #expect(fixture.waitForExit() == 0)
        #expect(!fixture.log.contains("\u{1B}["))
        #expect(fixture.log.contains("[^-App]: Starting..."))
    }

    @Test func notifySocketReceivesTheMessagesInOrder() throws {
        let name = "@" + uniqueName("mode-process")
        let receiver = try DatagramReceiver(path: name)
        let fixture = try FixtureProcess(
            ["--scenario", "clean"],
            environment: ["NOTIFY_SOCKET": name, "WATCHDOG_USEC": "40000"]
        )
        var messages = receiver.receive(until: "READY=1")
        #expect(fixture.waitForLog("Ready:"))
        messages += receiver.receive(until: "WATCHDOG=1")
        fixture.send(SIGTERM)
        messages += receiver.receive(until: "STATUS=Stopped")
        #expect(fixture.waitForExit() == 0)
        let lifecycle = messages.filter { $0 != "WATCHDOG=1" }
        #expect(
            lifecycle == [
                "STATUS=Starting 1 service(s)",
                "READY=1\nSTATUS=Running 1 service(s)",
                "STOPPING=1\nSTATUS=Stopping (SIGTERM)",
                "STATUS=Stopped, exit status 0",
            ]
        )
        let ready = messages.firstIndex(of: "READY=1\nSTATUS=Running 1 service(s)") ?? .max
        let ping = messages.firstIndex(of: "WATCHDOG=1") ?? -1
        #expect(ping > ready)
    }

    @Test func aBlockedExecutorIsReportedWithTheTree() throws {
        // One cooperative thread only, so a task that blocks it blocks the whole executor.
        let fixture = try FixtureProcess(
            ["--scenario", "block", "--blocking-threshold-ms", "50"],
            environment: ["LIBDISPATCH_COOPERATIVE_POOL_STRICT": "1"]
        )
        #expect(fixture.waitForLog("Executor unblocked"))
        fixture.send(SIGTERM)
        #expect(fixture.waitForExit() == 0)
        #expect(fixture.log.contains("WARNING]: [^Worker]: Blocked executor: the heartbeat is"))
        #expect(fixture.log.contains("Service tree:\nWorker [running] restarts=0\n  App [running] restarts=0 tasks=block"))
    }
}

/// The fixture program as a child process, its standard output and error collected as they come.
final class FixtureProcess {
    private let process = Process()
    private let errors = Locked("")
    private let outputs = Locked("")
    private let changed = DispatchSemaphore(value: 0)
    private let exited = DispatchSemaphore(value: 0)
    private let errorsClosed = DispatchSemaphore(value: 0)

    init(_ arguments: [String], environment: [String: String] = [:]) throws {
        self.process.executableURL = Self.binary
        self.process.arguments = arguments
        var variables = ProcessInfo.processInfo.environment
        for key in ["NOTIFY_SOCKET", "WATCHDOG_USEC", "WATCHDOG_PID", "LIBDISPATCH_COOPERATIVE_POOL_STRICT"] {
            variables[key] = nil
        }
        variables.merge(environment) { _, new in new }
        self.process.environment = variables
        let errorPipe = Pipe()
        let outputPipe = Pipe()
        self.process.standardError = errorPipe
        self.process.standardOutput = outputPipe
        Self.drain(errorPipe.fileHandleForReading, into: self.errors, changed: self.changed, closed: self.errorsClosed)
        Self.drain(outputPipe.fileHandleForReading, into: self.outputs, changed: nil, closed: nil)
        let changed = self.changed
        let exited = self.exited
        self.process.terminationHandler = { _ in
            exited.signal()
            changed.signal()
        }
        try self.process.run()
    }

    deinit {
        if self.process.isRunning { kill(self.process.processIdentifier, SIGKILL) }
    }

    /// Standard error so far: the log.
    var log: String { self.errors.withLock { $0 } }

    /// Standard output so far: the banner.
    var output: String { self.outputs.withLock { $0 } }

    func send(_ signal: Int32) {
        kill(self.process.processIdentifier, signal)
    }

    /// Waits until the log contains `text`, at most 10 seconds.
    func waitForLog(_ text: String) -> Bool {
        let deadline = DispatchTime.now() + .seconds(10)
        while !self.log.contains(text) {
            if self.changed.wait(timeout: deadline) == .timedOut { return self.log.contains(text) }
            if !self.process.isRunning, self.errorsClosed.wait(timeout: .now()) == .success {
                self.errorsClosed.signal()
                return self.log.contains(text)
            }
        }
        return true
    }

    /// Waits for the exit, at most 10 seconds (then kills the process), and for the whole log.
    func waitForExit() -> Int32? {
        guard self.exited.wait(timeout: .now() + .seconds(10)) == .success else {
            kill(self.process.processIdentifier, SIGKILL)
            return nil
        }
        _ = self.errorsClosed.wait(timeout: .now() + .seconds(5))
        return self.process.terminationStatus
    }

    /// Reads `handle` to its end on a thread of its own (blocking reads: more dependable at end of file than
    /// `readabilityHandler`), appending to `buffer`.
    private static func drain(
        _ handle: FileHandle,
        into buffer: Locked<String>,
        changed: DispatchSemaphore?,
        closed: DispatchSemaphore?
    ) {
        Thread.detachNewThread {
            let descriptor = handle.fileDescriptor
            var bytes = [UInt8](repeating: 0, count: 4096)
            while true {
                let count = bytes.withUnsafeMutableBytes { read(descriptor, $0.baseAddress, $0.count) }
                if count < 0, errno == EINTR { continue }
                if count <= 0 { break }
                buffer.withLock { $0 += String(decoding: bytes[0..<count], as: UTF8.self) }
                changed?.signal()
            }
            closed?.signal()
            changed?.signal()
        }
    }

    /// The fixture binary: next to the test bundle in the build directory.
    static let binary: URL = {
        let executable = URL(fileURLWithPath: "/proc/self/exe").resolvingSymlinksInPath()
        var directory = executable.deletingLastPathComponent()
        while directory.path != "/" {
            let candidate = directory.appendingPathComponent("ModeWorkerFixture")
            if FileManager.default.isExecutableFile(atPath: candidate.path) { return candidate }
            directory = directory.deletingLastPathComponent()
        }
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent()
        return root.appendingPathComponent(".build/debug/ModeWorkerFixture")
    }()
}

extension String {
    /// Whether every one of `parts` occurs, each after the previous one.
    func inOrder(_ parts: [String]) -> Bool {
        var rest = self[...]
        for part in parts {
            guard let range = rest.range(of: part) else { return false }
            rest = rest[range.upperBound...]
        }
        return true
    }
}
