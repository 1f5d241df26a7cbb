import Logging
import ModeCore
import ModeTestSupport
import ModeTesting
import ModeWorker
import Testing
import UnixSignals

#if canImport(Glibc)
import Glibc
#endif

@Suite(.timeLimit(.minutes(1)))
struct SystemdTests {
    @Test func nothingIsSentWithoutNotifySocket() {
        let notifier = SystemdNotifier(environment: [:])
        #expect(notifier.isEnabled == false)
        #expect(notifier.watchdogTimeout == nil)
        #expect(notifier.notify("READY=1") == false)
        #expect(SystemdNotifier(environment: ["NOTIFY_SOCKET": ""]).isEnabled == false)
    }

    @Test(arguments: ["/tmp/" + uniqueName("mode-notify") + ".sock", "@" + uniqueName("mode-notify")])
    func sendsDatagramsToFileAndAbstractSockets(path: String) throws {
        let receiver = try DatagramReceiver(path: path)
        let notifier = SystemdNotifier(environment: ["NOTIFY_SOCKET": path])
        #expect(notifier.notify("READY=1", "STATUS=Serving"))
        #expect(receiver.receive() == "READY=1\nSTATUS=Serving")
    }

    @Test func readsTheWatchdogOnlyForThisProcess() {
        let mine = SystemdNotifier(environment: ["WATCHDOG_USEC": "3000000", "WATCHDOG_PID": "\(getpid())"])
        #expect(mine.watchdogTimeout == .seconds(3))
        #expect(SystemdNotifier(environment: ["WATCHDOG_USEC": "3000000"]).watchdogTimeout == .seconds(3))
        #expect(SystemdNotifier(environment: ["WATCHDOG_USEC": "3000000", "WATCHDOG_PID": "1"]).watchdogTimeout == nil)
        #expect(SystemdNotifier(environment: ["WATCHDOG_USEC": "0"]).watchdogTimeout == nil)
        #expect(SystemdNotifier(environment: ["WATCHDOG_USEC": "-5"]).watchdogTimeout == nil)
        #expect(SystemdNotifier(environment: ["WATCHDOG_USEC": "soon"]).watchdogTimeout == nil)
    }

    @Test func theWorkerSendsReadyAfterEveryServiceStartedThenStoppingAndStatus() async throws {
        let path = "/tmp/" + uniqueName("mode-worker") + ".sock"
        let receiver = try DatagramReceiver(path: path)
        let (logger, _) = makeMemoryLogger()
        let events = EventLog()
        let b = TestService("B", events: events, logger: logger)
        let a = TestService("A", events: events, logger: logger, dependencies: [b])
        let worker = Worker(options: testOptions(logger: logger, environment: ["NOTIFY_SOCKET": path])) { [a] }
        #expect(worker.health == WorkerHealth(isReady: false, isLive: true))
        async let code = worker.execute()
        #expect(await worker.waitUntilReady())
        let upToReady = try await offPool { receiver.receive(until: "READY=1") }
        #expect(upToReady == ["STATUS=Starting 1 service(s)", "READY=1\nSTATUS=Running 1 service(s)"])
        // READY=1 only once every service has started.
        #expect(a.state == .running && b.state == .running)
        #expect(worker.health.isReady)
        a.crash(Boom())  // readiness turns false at once, before anything has stopped
        #expect(worker.health.isReady == false)
        #expect(await code == .failure)
        #expect(worker.health.isReady == false)
        let rest = try await offPool { receiver.receive(until: "STATUS=Stopped") }
        #expect(rest == ["STOPPING=1\nSTATUS=Stopping (crash)", "STATUS=Stopped, exit status 1"])
    }

    @Test func theWorkerPingsTheWatchdogAtHalfItsTimeout() async throws {
        let path = "@" + uniqueName("mode-watchdog")
        let receiver = try DatagramReceiver(path: path)
        let (logger, _) = makeMemoryLogger()
        let clock = ManualClock()
        let environment = ["NOTIFY_SOCKET": path, "WATCHDOG_USEC": "4000000"]
        let worker = Worker(options: testOptions(logger: logger, clock: clock, environment: environment)) { [] }
        async let code = worker.execute()
        #expect(try await offPool { receiver.receive(until: "READY=1") }.last == "READY=1\nSTATUS=Running 0 service(s)")
        await clock.waitForSleepers(count: 1)
        clock.advance(by: .seconds(1))
        #expect(clock.sleeperCount == 1)  // 2 s between pings; nothing yet
        clock.advance(by: .seconds(1))
        #expect(try await offPool { receiver.receive() } == "WATCHDOG=1")
        await clock.waitForSleepers(count: 1)
        clock.advance(by: .seconds(2))
        #expect(try await offPool { receiver.receive() } == "WATCHDOG=1")
        worker.receive(.sigterm)
        #expect(await code == .success)
    }
}
