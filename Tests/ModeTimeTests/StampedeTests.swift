import ModeTime
import ModeTesting
import Synchronization
import Testing

@Suite(.timeLimit(.minutes(1)))
struct StampedeTests {
    struct Boom: Error, Equatable {}

    /// Counts the runs of an operation and whether one saw its cancellation.
    final class Probe: Sendable {
        let starts = Atomic<Int>(0)
        let cancellations = Atomic<Int>(0)
    }

    /// An operation that takes one second on `clock` and returns its run number.
    static func slowOperation(
        clock: ManualClock,
        probe: Probe,
        failing: Bool = false
    ) -> @Sendable () async throws -> Int {
        {
            let run = probe.starts.add(1, ordering: .relaxed).newValue
            do {
                try await clock.sleep(for: .seconds(1))
            } catch {
                probe.cancellations.add(1, ordering: .relaxed)
                throw error
            }
            if failing { throw Boom() }
            return run
        }
    }

    /// Waits (yielding) until `count` callers wait on the run in flight.
    static func waitForWaiters<Value>(_ stampede: Stampede<Value>, count: Int) async {
        while stampede.waiterCount < count { await Task.yield() }
    }

    @Test func concurrentCallersShareOneRun() async throws {
        let clock = ManualClock()
        let probe = Probe()
        let stampede = Stampede<Int>()
        let operation = Self.slowOperation(clock: clock, probe: probe)
        let callers = (0..<5).map { _ in Task { try await stampede.run(operation) } }
        await Self.waitForWaiters(stampede, count: 5)
        #expect(stampede.isRunning)
        clock.advance(by: .seconds(1))
        for caller in callers { #expect(try await caller.value == 1) }
        #expect(stampede.runCount == 1)
        #expect(probe.starts.load(ordering: .relaxed) == 1)
        #expect(!stampede.isRunning)
    }

    @Test func everyCallerGetsTheError() async throws {
        let clock = ManualClock()
        let stampede = Stampede<Int>()
        let operation = Self.slowOperation(clock: clock, probe: Probe(), failing: true)
        let callers = (0..<3).map { _ in Task { try await stampede.run(operation) } }
        await Self.waitForWaiters(stampede, count: 3)
        clock.advance(by: .seconds(1))
        for caller in callers {
            await #expect(throws: Boom()) { try await caller.value }
        }
    }

    @Test func theNextCallAfterCompletionRunsAgain() async throws {
        let clock = ManualClock()
        let probe = Probe()
        let stampede = Stampede<Int>()
        let operation = Self.slowOperation(clock: clock, probe: probe)
        for expected in 1...2 {
            let caller = Task { try await stampede.run(operation) }
            await clock.waitForSleepers(count: 1)
            clock.advance(by: .seconds(1))
            #expect(try await caller.value == expected)
        }
        #expect(stampede.runCount == 2)
    }

    @Test func cancellingOneCallerLeavesTheOthersWaiting() async throws {
        let clock = ManualClock()
        let probe = Probe()
        let stampede = Stampede<Int>()
        let operation = Self.slowOperation(clock: clock, probe: probe)
        let first = Task { try await stampede.run(operation) }
        let second = Task { try await stampede.run(operation) }
        await Self.waitForWaiters(stampede, count: 2)
        first.cancel()
        await #expect(throws: CancellationError.self) { try await first.value }
        #expect(stampede.waiterCount == 1)
        #expect(stampede.isRunning)
        clock.advance(by: .seconds(1))
        #expect(try await second.value == 1)
        #expect(probe.cancellations.load(ordering: .relaxed) == 0)
    }

    @Test func cancellingEveryCallerCancelsTheRun() async throws {
        let clock = ManualClock()
        let probe = Probe()
        let stampede = Stampede<Int>()
        let operation = Self.slowOperation(clock: clock, probe: probe)
        let callers = (0..<2).map { _ in Task { try await stampede.run(operation) } }
        await Self.waitForWaiters(stampede, count: 2)
        await clock.waitForSleepers(count: 1)
        for caller in callers { caller.cancel() }
        for caller in callers {
            await #expect(throws: CancellationError.self) { try await caller.value }
        }
        #expect(!stampede.isRunning)
        // The abandoned run sees its cancellation (its sleep throws).
        while probe.cancellations.load(ordering: .relaxed) == 0 { await Task.yield() }
        #expect(clock.sleeperCount == 0)
        // A new call starts a fresh run.
        let again = Task { try await stampede.run(operation) }
        await clock.waitForSleepers(count: 1)
        clock.advance(by: .seconds(1))
        #expect(try await again.value == 2)
        #expect(stampede.runCount == 2)
    }

    @Test func anAlreadyCancelledCallerStartsNothing() async throws {
        let stampede = Stampede<Int>()
        let probe = Probe()
        let caller = Task {
            withUnsafeCurrentTask { $0?.cancel() }
            return try await stampede.run(Self.slowOperation(clock: ManualClock(), probe: probe))
        }
        await #expect(throws: CancellationError.self) { try await caller.value }
        #expect(stampede.runCount == 0)
        #expect(probe.starts.load(ordering: .relaxed) == 0)
    }

    @Test func manyConcurrentCallersAllGetAResult() async throws {
        let stampede = Stampede<Int>()
        let probe = Probe()
        let results = try await withThrowingTaskGroup(of: Int.self) { group in
            for _ in 0..<200 {
                group.addTask {
                    try await stampede.run {
                        await Task.yield()
                        return probe.starts.add(1, ordering: .relaxed).newValue
                    }
                }
            }
            return try await group.reduce(into: [Int]()) { $0.append($1) }
        }
        #expect(results.count == 200)
        // Every result is a run's number, and runs were shared: no more runs than callers.
        #expect(Set(results).isSubset(of: Set(1...stampede.runCount)))
        #expect(stampede.runCount == probe.starts.load(ordering: .relaxed))
        #expect(!stampede.isRunning)
    }
}
