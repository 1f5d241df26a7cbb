import Foundation
import ModeCore
import ModeTesting
import ModeTestSupport
import Testing

@Suite(.timeLimit(.minutes(1)))
struct ServiceSnapshotTests {
    @Test func aSnapshotShowsTheLiveTree() async throws {
        let clock = ManualClock()
        let events = EventLog()
        let gate = Gate()
        let monitor = TimerMonitor()
        let child = TimerService(clock: clock, events: events) {
            .timer("flush", every: .seconds(2), jitter: .none, monitor: monitor) {}
        }
        let root = TestService(
            "App",
            events: events,
            clock: clock,
            dependencies: [child],
            tasks: ["accept": { _ in await gate.wait() }]
        )
        try await root.start()
        await clock.waitForSleepers(count: 1)
        clock.advance(by: .milliseconds(2500))  // one tick, half a second late
        await clock.waitForSleepers(count: 1)
        root.diag.setFlag("FLUSH")
        clock.advance(by: .seconds(10))  // the flag was set ten seconds before the snapshot
        await clock.waitForSleepers(count: 1)
        root.diag.setFlag("IDLE")
        root.diag.unsetFlag("IDLE")

        let before = WallClockTime.now
        let snapshot = root.snapshot()
        let after = WallClockTime.now

        #expect(snapshot.label == "App")
        #expect(snapshot.path == "App")
        #expect(snapshot.depth == 1)
        #expect(snapshot.state == "running")
        #expect(snapshot.restartCount == 0)
        #expect(snapshot.crashReason == nil)
        #expect(snapshot.tasks == ["accept"])
        #expect(snapshot.timers.isEmpty)
        #expect(snapshot.flags.map(\.name) == ["FLUSH", "IDLE"])
        #expect(snapshot.flags.map(\.isSet) == [true, false])
        let flush = try #require(snapshot.flags.first)
        // Real time: the snapshot's time minus the ten seconds the manual clock moved since the flag was set.
        #expect(flush.lastTransition >= before.advanced(by: .seconds(-10)))
        #expect(flush.lastTransition <= after.advanced(by: .seconds(-10)))
        #expect(snapshot.takenAt >= before && snapshot.takenAt <= after)

        let timerService = try #require(snapshot.children.first)
        #expect(timerService.label == "TimerService")
        #expect(timerService.path == "App/TimerService")
        #expect(timerService.depth == 2)
        #expect(timerService.tasks == ["flush"])
        let timer = try #require(timerService.timers.first)
        #expect(timer.name == "flush")
        #expect(timer.interval == .seconds(2))
        #expect(timer.statistics.iteration >= 2)
        #expect(timer.statistics.maxLateness == .milliseconds(8500))  // the tick due at 4 s woke at 12.5 s
        #expect(snapshot.all.map(\.label) == ["App", "TimerService"])

        gate.open()
        await root.stop()
        let stopped = root.snapshot()
        #expect(stopped.state == "stopped")
        #expect(stopped.tasks.isEmpty)
        #expect(stopped.children.first?.timers.isEmpty == true)
        try assertStoppedClean(root)
    }

    @Test func aCrashShowsWithItsReasonAndRestartsAreCounted() async throws {
        let events = EventLog()
        let child = TestService("Cache", events: events)
        let root = TestService("App", events: events, dependencies: [child])
        try await root.start()
        child.crash(Boom(id: 7))
        let crashed = root.snapshot()
        #expect(crashed.state == "crashed")
        #expect(crashed.children.first?.state == "crashed")
        #expect(crashed.children.first?.crashReason == "Boom(id: 7)")
        #expect(crashed.text.contains("Cache [crashed] restarts=0 crash=\"Boom(id: 7)\""))
        try await root.restart()
        let restarted = root.snapshot()
        #expect(restarted.state == "running")
        #expect(restarted.restartCount == 1)
        #expect(restarted.children.first?.restartCount == 1)
        #expect(restarted.children.first?.crashReason == nil)
        await root.stop()
    }

    @Test func textIsOneLinePerServiceIndentedByDepth() throws {
        let time = try #require(WallClockTime(iso8601: "2026-12-01T08:12:03.250113Z"))
        var statistics = TimerStatistics()
        statistics.iteration = 12
        statistics.recordLateness(.microseconds(400))
        let leaf = ServiceSnapshot(
            label: "UserCache", path: "App/UserCache", depth: 2, state: "running", restartCount: 0,
            crashReason: nil, flags: [], tasks: ["expire"],
            timers: [TimerSnapshot(name: "expire", interval: .seconds(10), statistics: statistics)],
            children: [], takenAt: time
        )
        let web = ServiceSnapshot(
            label: "Webserver", path: "App/Webserver", depth: 2, state: "crashed", restartCount: 2,
            crashReason: "refused\n\"port\"",
            flags: [.init(name: "BIND", isSet: true, lastTransition: time), .init(name: "OLD", isSet: false, lastTransition: time)],
            tasks: [], timers: [], children: [], takenAt: time
        )
        let root = ServiceSnapshot(
            label: "App", path: "App", depth: 1, state: "running", restartCount: 0, crashReason: nil, flags: [],
            tasks: ["accept"], timers: [], children: [web, leaf], takenAt: time
        )
        #expect(
            root.text == """
                App [running] restarts=0 tasks=accept
                  Webserver [crashed] restarts=2 crash="refused\\n\\"port\\"" flags=BIND(since 2026-12-01T08:12:03.250113Z)
                  UserCache [running] restarts=0 tasks=expire timers=expire(every=10s ticks=12 overlaps=0 late=400us/400us)

                """
        )
    }

    @Test func theSnapshotEncodesAsReadableJSONAndBack() async throws {
        let events = EventLog()
        let child = TestService("Cache", events: events)
        let root = TestService("App", events: events, dependencies: [child])
        try await root.start()
        root.diag.setFlag("WARMUP")
        let snapshot = root.snapshot()
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        let data = try encoder.encode(snapshot)
        let json = try #require(String(data: data, encoding: .utf8))
        #expect(json.contains(#""label":"App""#))
        #expect(json.contains(#""path":"App\/Cache""#))
        #expect(json.contains(#""state":"running""#))
        #expect(json.contains(#""name":"WARMUP""#))
        #expect(json.contains(#""takenAt":"20"#))  // an ISO 8601 string, not a number
        let decoded = try JSONDecoder().decode(ServiceSnapshot.self, from: data)
        #expect(decoded == snapshot)
        await root.stop()
    }

    @Test func timersEncodeWithDurationsInSeconds() throws {
        var statistics = TimerStatistics()
        statistics.iteration = 3
        statistics.overlaps = 1
        statistics.recordLateness(.milliseconds(250))
        let timer = TimerSnapshot(name: "flush", interval: .milliseconds(500), statistics: statistics)
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        let json = try #require(String(data: try encoder.encode(timer), encoding: .utf8))
        #expect(json.contains(#""intervalSeconds":0.5"#))
        #expect(json.contains(#""maxLatenessSeconds":0.25"#))
        #expect(json.contains(#""ticks":3"#))
        let decoded = try JSONDecoder().decode(TimerSnapshot.self, from: Data(json.utf8))
        #expect(decoded.interval == .milliseconds(500))
        #expect(decoded.statistics.overlaps == 1)
        #expect(decoded.statistics.maxLateness == .milliseconds(250))
        #expect(decoded.statistics.meanLateness == .milliseconds(250))
    }

    @Test func hugeAndBrokenDurationsDecodeWithoutTrapping() throws {
        let json = #"{"name":"t","intervalSeconds":1e300,"ticks":1,"drifting":0,"driftingEarly":0,"driftingLate":0,"overlaps":0,"measuredTicks":1,"meanLatenessSeconds":-1e300,"maxLatenessSeconds":0}"#
        let decoded = try JSONDecoder().decode(TimerSnapshot.self, from: Data(json.utf8))
        #expect(decoded.interval == .seconds(Int64.max))
        #expect(decoded.statistics.totalLateness == .seconds(-Int64.max))
    }
}

@Suite struct CompactDurationTests {
    @Test(arguments: [
        (Duration.zero, "0ns"), (.nanoseconds(750), "750ns"), (.nanoseconds(1_500), "1.5us"),
        (.nanoseconds(111_538), "112us"), (.microseconds(12_340), "12.3ms"), (.milliseconds(1500), "1.5s"),
        (.seconds(10), "10s"), (.milliseconds(999_999), "1000s"), (.nanoseconds(9_999), "10us"),
        (.milliseconds(-20), "-20ms"), (.seconds(Int64.max), "9223372037s"),
    ])
    func durationsPrintShortInSnapshots(_ duration: Duration, _ expected: String) {
        var statistics = TimerStatistics()
        statistics.recordLateness(.zero)
        let timer = TimerSnapshot(name: "t", interval: duration, statistics: statistics)
        let snapshot = ServiceSnapshot(
            label: "S", path: "S", depth: 1, state: "running", restartCount: 0, crashReason: nil, flags: [],
            tasks: [], timers: [timer], children: [], takenAt: WallClockTime(secondsSinceEpoch: 0)
        )
        #expect(snapshot.line == "S [running] restarts=0 timers=t(every=\(expected) ticks=0 overlaps=0 late=0ns/0ns)")
    }
}

@Suite struct WallClockTimeTests {
    @Test func printsISO8601InUTC() {
        #expect(WallClockTime(secondsSinceEpoch: 0).description == "1970-01-01T00:00:00.000000Z")
        #expect(WallClockTime(secondsSinceEpoch: 951_782_400).description == "2000-02-29T00:00:00.000000Z")
        #expect(
            WallClockTime(secondsSinceEpoch: 1_795_853_523, nanoseconds: 250_113_999).description
                == "2026-11-28T08:12:03.250113Z"
        )
        #expect(WallClockTime(secondsSinceEpoch: -1).description == "1969-12-31T23:59:59.000000Z")
    }

    @Test func parsesWhatItPrints() throws {
        for seconds: Int64 in [0, 1, 951_782_400, 1_795_853_523, -86_401, 4_102_444_800] {
            let time = WallClockTime(secondsSinceEpoch: seconds, nanoseconds: 123_456_000)
            #expect(WallClockTime(iso8601: time.description) == time)
        }
        #expect(WallClockTime(iso8601: "2026-12-01T08:12:03Z") == WallClockTime(secondsSinceEpoch: 1_796_112_723))
        #expect(WallClockTime(iso8601: "2026-12-01T08:12:03.5Z")?.nanoseconds == 500_000_000)
        #expect(WallClockTime(iso8601: "2026-13-01T08:12:03Z") == nil)
        #expect(WallClockTime(iso8601: "yesterday") == nil)
        #expect(WallClockTime(iso8601: "2026-12-01T08:12:03.Z") == nil)
    }

    @Test func extremeTimesPrintWithoutTrapping() {
        let latest = WallClockTime(secondsSinceEpoch: .max, nanoseconds: 999_999_999)
        let earliest = WallClockTime(secondsSinceEpoch: .min)
        #expect(latest.description.hasSuffix(".999999Z"))
        #expect(earliest.description.hasSuffix(".000000Z"))
        #expect(earliest < latest)
        #expect(latest.iso8601(fractionDigits: 0).hasSuffix(":07Z"))  // Int64.max seconds end in ...:07
        #expect(latest.iso8601(fractionDigits: 42).hasSuffix(".999999999Z"))  // clamped to nine digits
        #expect(latest.iso8601(fractionDigits: -1) == latest.iso8601(fractionDigits: 0))
    }

    @Test func nowIsRealTimeAndMovesForward() {
        let first = WallClockTime.now
        let second = WallClockTime.now
        #expect(first <= second)
        #expect(first.secondsSinceEpoch > 1_700_000_000)  // after November 2023
    }

    @Test func advancingNormalisesAndSaturates() {
        let time = WallClockTime(secondsSinceEpoch: 10, nanoseconds: 900_000_000)
        #expect(time.advanced(by: .milliseconds(200)) == WallClockTime(secondsSinceEpoch: 11, nanoseconds: 100_000_000))
        #expect(time.advanced(by: .milliseconds(-950)) == WallClockTime(secondsSinceEpoch: 9, nanoseconds: 950_000_000))
        #expect(time.advanced(by: .zero) == time)
        #expect(time.advanced(by: .seconds(Int64.max)).secondsSinceEpoch == .max)
        #expect(WallClockTime(secondsSinceEpoch: -10).advanced(by: .seconds(-Int64.max)).secondsSinceEpoch == .min)
        #expect(WallClockTime(secondsSinceEpoch: 0, nanoseconds: -1) == WallClockTime(secondsSinceEpoch: -1, nanoseconds: 999_999_999))
    }
}
