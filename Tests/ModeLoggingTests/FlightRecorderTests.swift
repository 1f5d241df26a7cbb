import Logging
import ModeLogging
import ModeTesting
import ModeConcurrencyHelpers
import Testing

/// A time source that moves one second forward on every read, from ``fixedInstant``.
private func steppingTime() -> LogTimeSource {
    let reads = Locked(0)
    return LogTimeSource(zone: .utc) {
        let step = reads.withLock { count in
            defer { count += 1 }
            return count
        }
        return LogTimeSource.Instant(secondsSinceEpoch: fixedInstant.secondsSinceEpoch + step)
    }
}

private let stamp = "[2026-11-21 15:47:12,159:"

/// Reads lines until one ends with `suffix`, and returns them all.
private func lines(
    until suffix: String,
    from iterator: inout AsyncStream<String>.Iterator
) async -> [String] {
    var lines: [String] = []
    while let line = await iterator.next(isolation: #isolation) {
        lines.append(line)
        if line.hasSuffix(suffix) { break }
    }
    return lines
}

@Suite(.timeLimit(.minutes(1)))
struct FlightRecorderTests {
    @Test func silentWhenTheScopeEndsInTime() async throws {
        let (logger, stream) = streamingLogger()
        var iterator = stream.makeAsyncIterator()
        let clock = ManualClock()
        let value = await withFlightRecorder(logger: logger, timeout: .seconds(10), clock: clock) { recorder in
            recorder.info("+step")
            recorder.warning("careful")
            FlightRecorder.current?.error("deep down")
            await clock.waitForSleepers(count: 1)
            clock.advance(by: .seconds(9))
            #expect(!recorder.hasTimedOut)
            return 7
        }
        #expect(value == 7)
        #expect(clock.sleeperCount == 0)
        logger.info("sentinel")
        #expect(await iterator.next(isolation: #isolation) == "\(stamp) INFO]: sentinel")
    }

    @Test func replaysWithHeaderAndTimesOnTimeout() async throws {
        let (logger, stream) = streamingLogger()
        var iterator = stream.makeAsyncIterator()
        let clock = ManualClock()
        await withFlightRecorder(
            logger: logger,
            timeout: .seconds(10),
            clock: clock,
            timeSource: steppingTime()
        ) { recorder in
            recorder.info("+redis.get")
            recorder.debug("detail", metadata: ["k": "v"])
            await clock.waitForSleepers(count: 1)
            clock.advance(by: .seconds(10))
            let replay = await lines(until: "-End of log-", from: &iterator)
            let id = "[Flight Recorder-\(recorder.number)]"
            #expect(
                replay == [
                    "\(stamp) WARNING]: Warning: Task timed out!",
                    "\(stamp) WARNING]: Please make sure it's hanging before restart.",
                    "\(stamp) INFO]: \(id) (started at Sat Nov 21 15:47:12 2026) Replaying logs...",
                    "\(stamp) INFO]: \(id) (Sat Nov 21 15:47:13 2026) +redis.get",
                    "\(stamp) DEBUG]: \(id) (Sat Nov 21 15:47:14 2026) detail k=v",
                    "\(stamp) INFO]: \(id) -End of log-",
                ]
            )
            #expect(recorder.hasTimedOut)
            recorder.error("late, straight out")
            #expect(await iterator.next(isolation: #isolation) == "\(stamp) ERROR]: late, straight out")
        }
        logger.info("sentinel")
        #expect(await iterator.next(isolation: #isolation) == "\(stamp) INFO]: sentinel")
    }

    @Test func currentIsTheInnermostRecorderAndContextIsInherited() async {
        let (logger, _) = streamingLogger()
        #expect(FlightRecorder.current == nil)
        let clock = ManualClock()
        await withFlightRecorder(logger: logger, timeout: .seconds(10), clock: clock, metadata: ["job": "sync"]) {
            outer in
            #expect(FlightRecorder.current === outer)
            outer[contextKey: "host"] = "a"
            await withFlightRecorder(logger: logger, timeout: .seconds(5), clock: clock, metadata: ["job": "inner"]) {
                inner in
                #expect(FlightRecorder.current === inner)
                #expect(inner.context == ["job": "inner", "host": "a"])
                #expect(inner.number > outer.number)
                await withTaskGroup(of: Bool.self) { group in
                    group.addTask { FlightRecorder.current === inner }
                    #expect(await group.next() == true)
                }
            }
            #expect(FlightRecorder.current === outer)
        }
        #expect(FlightRecorder.current == nil)
    }

    @Test func innerTimeoutReplaysOnlyTheInnerBufferWithContext() async {
        let (logger, stream) = streamingLogger()
        var iterator = stream.makeAsyncIterator()
        let clock = ManualClock()
        await withFlightRecorder(logger: logger, timeout: .seconds(10), clock: clock, timeSource: fixedTime) { outer in
            outer[contextKey: "job"] = "sync"
            outer.info("outer line")
            await withFlightRecorder(logger: logger, timeout: .seconds(5), clock: clock, timeSource: fixedTime) {
                inner in
                FlightRecorder.current?.info("inner line")
                await clock.waitForSleepers(count: 2)
                clock.advance(by: .seconds(5))
                let replay = await lines(until: "-End of log-", from: &iterator)
                #expect(replay.count == 5)
                #expect(
                    replay[3] == "\(stamp) INFO]: [Flight Recorder-\(inner.number)] (Sat Nov 21 15:47:12 2026) "
                        + "inner line job=sync"
                )
            }
            #expect(!outer.hasTimedOut)
        }
        logger.info("sentinel")
        #expect(await iterator.next(isolation: #isolation) == "\(stamp) INFO]: sentinel")
    }

    @Test func tracedCallsAreRecordedWithTheirArguments() async throws {
        let (logger, stream) = streamingLogger()
        var iterator = stream.makeAsyncIterator()
        let clock = ManualClock()
        try await withFlightRecorder(logger: logger, timeout: .seconds(1), clock: clock, timeSource: fixedTime) {
            recorder in
            let value = await recorder.traced("redis.get", "user", 3) { 42 }
            #expect(value == 42)
            let double = recorder.tracing("db.fetch", level: .info) { (id: Int) in id * 2 }
            let doubled = try await double(21)
            #expect(doubled == 42)
            await clock.waitForSleepers(count: 1)
            clock.advance(by: .seconds(1))
            let replay = await lines(until: "-End of log-", from: &iterator)
            let id = "[Flight Recorder-\(recorder.number)]"
            #expect(replay[3] == "\(stamp) WARNING]: \(id) (Sat Nov 21 15:47:12 2026) redis.get(\"user\", 3)")
            #expect(replay[4] == "\(stamp) INFO]: \(id) (Sat Nov 21 15:47:12 2026) db.fetch(21)")
        }
    }

    @Test func errorsPassThroughAndDropTheBuffer() async {
        struct Failure: Error, Equatable {}
        let (logger, stream) = streamingLogger()
        var iterator = stream.makeAsyncIterator()
        let clock = ManualClock()
        await #expect(throws: Failure()) {
            try await withFlightRecorder(logger: logger, timeout: .seconds(10), clock: clock) {
                recorder throws(Failure) in
                recorder.info("dropped")
                throw Failure()
            }
        }
        await #expect(throws: CancellationError.self) {
            try await withFlightRecorder(logger: logger, timeout: .seconds(10), clock: clock) {
                _ throws(CancellationError) in
                throw CancellationError()
            }
        }
        #expect(clock.sleeperCount == 0)
        logger.info("sentinel")
        #expect(await iterator.next(isolation: #isolation) == "\(stamp) INFO]: sentinel")
    }

    @Test func recorderUsedAfterItsScopeLogsStraightThrough() async {
        let (logger, stream) = streamingLogger()
        var iterator = stream.makeAsyncIterator()
        let escaped = await withFlightRecorder(logger: logger, timeout: .seconds(10), clock: ManualClock()) { $0 }
        escaped.notice("after")
        #expect(await iterator.next(isolation: #isolation) == "\(stamp) NOTICE]: after")
        #expect(escaped.identifier == "Flight Recorder-\(escaped.number)")
    }

    @Test func concurrentLinesDuringReplayKeepTheirOrder() async {
        let (logger, stream) = streamingLogger()
        var iterator = stream.makeAsyncIterator()
        let clock = ManualClock()
        await withFlightRecorder(logger: logger, timeout: .seconds(1), clock: clock, timeSource: fixedTime) {
            recorder in
            await clock.waitForSleepers(count: 1)
            await withTaskGroup(of: Void.self) { group in
                for task in 0..<2 {
                    group.addTask {
                        for index in 0..<50 {
                            recorder.info("task \(task) line \(index)")
                            await Task.yield()
                        }
                    }
                }
                group.addTask { clock.advance(by: .seconds(1)) }
            }
            var seen: [Int: [Int]] = [:]
            var total = 0
            var ended = false
            while total < 100 || !ended, let line = await iterator.next(isolation: #isolation) {
                if line.hasSuffix("-End of log-") { ended = true }
                let words = line.split(separator: " ")
                guard let at = words.firstIndex(of: "task"), let task = Int(words[at + 1]),
                    let index = Int(words[at + 3])
                else { continue }
                seen[task, default: []].append(index)
                total += 1
            }
            #expect(total == 100)
            for task in 0..<2 {
                #expect(seen[task] == Array(0..<50))
            }
        }
    }
}
