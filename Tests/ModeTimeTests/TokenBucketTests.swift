import ModeTime
import ModeTesting
import Testing

@Suite(.timeLimit(.minutes(1)))
struct TokenBucketTests {
    @Test func startsFullWithItsCapacity() throws {
        let bucket = try TokenBucket(rate: .perSecond(1), capacity: 5, clock: ManualClock())
        let poured = (0..<6).map { _ in bucket.pour() }
        #expect(poured == [true, true, true, true, true, false])
    }

    @Test func refillsAtItsRateAndNeverBeyondCapacity() throws {
        let clock = ManualClock()
        let bucket = try TokenBucket(rate: .perSecond(10), capacity: 2, clock: clock)
        #expect(bucket.pour(2))
        #expect(!bucket.pour())
        clock.advance(by: .milliseconds(100))
        #expect(bucket.pour())
        #expect(!bucket.pour())
        // A long idle period fills the bucket to its capacity, not beyond (the original overshoots).
        clock.advance(by: .seconds(10))
        #expect(bucket.tokens == 2)
        #expect(bucket.pour(2))
        #expect(!bucket.pour())
    }

    @Test func pourTakesSeveralTokensOrNone() throws {
        let bucket = try TokenBucket(rate: .perSecond(1), capacity: 3, clock: ManualClock())
        #expect(bucket.pour(2))
        #expect(!bucket.pour(2))
        #expect(bucket.pour(1))
        #expect(!bucket.pour(4))
        #expect(!bucket.pour(0))
    }

    @Test func expectedWaitCountsTheRefill() throws {
        let clock = ManualClock()
        let bucket = try TokenBucket(rate: .perSecond(10), capacity: 3, clock: clock)
        #expect(try bucket.expectedWait(for: 3) == .zero)
        #expect(bucket.pour(3))
        #expect(try bucket.expectedWait() == .milliseconds(100))
        #expect(try bucket.expectedWait(for: 3) == .milliseconds(300))
        clock.advance(by: .milliseconds(50))
        #expect(try bucket.expectedWait() == .milliseconds(50))
    }

    @Test func acquireWaitsOnTheClockAndConsumes() async throws {
        let clock = ManualClock()
        let bucket = try TokenBucket(rate: .perSecond(10), capacity: 1, clock: clock)
        try await bucket.acquire()
        let waiter = Task { try await bucket.acquire() }
        await clock.waitForSleepers(count: 1)
        #expect(clock.nextDeadline == ManualClock.Instant(offset: .milliseconds(100)))
        clock.advance(by: .milliseconds(100))
        try await waiter.value
        // The token the waiter got is gone: unlike Python Mode's bucket, waiting consumes.
        #expect(!bucket.pour())
        #expect(try bucket.expectedWait() == .milliseconds(100))
    }

    @Test func waitersAreServedInCallOrder() async throws {
        let clock = ManualClock()
        let bucket = try TokenBucket(rate: .perSecond(10), capacity: 2, clock: clock)
        #expect(bucket.pour(2))
        let big = Task { try await bucket.acquire(2) }
        await clock.waitForSleepers(count: 1)
        let small = Task { try await bucket.acquire(1) }
        await clock.waitForSleepers(count: 2)
        // The big request reserved first: it is due at 200 ms, the small one only after it, at 300 ms.
        clock.advance(by: .milliseconds(200))
        try await big.value
        #expect(clock.sleeperCount == 1)
        clock.advance(by: .milliseconds(100))
        try await small.value
        #expect(clock.sleeperCount == 0)
    }

    @Test func failPolicyThrowsInsteadOfWaiting() async throws {
        let clock = ManualClock()
        let bucket = try TokenBucket(rate: .perSecond(10), capacity: 1, whenEmpty: .fail, clock: clock)
        try await bucket.acquire()
        await #expect(throws: TokenBucketError.empty(needed: 1, wait: .zero)) { try await bucket.acquire() }
        #expect(clock.sleeperCount == 0)
        clock.advance(by: .milliseconds(100))
        try await bucket.acquire()
    }

    @Test func cancelledWaiterGivesItsTokensBack() async throws {
        let clock = ManualClock()
        let bucket = try TokenBucket(rate: .perSecond(10), capacity: 1, clock: clock)
        #expect(bucket.pour())
        let waiter = Task { try await bucket.acquire() }
        await clock.waitForSleepers(count: 1)
        #expect(bucket.tokens == -1)
        waiter.cancel()
        await #expect(throws: CancellationError.self) { try await waiter.value }
        #expect(bucket.tokens == 0)
        #expect(try bucket.expectedWait() == .milliseconds(100))
    }

    @Test func withTokenRunsTheBodyAfterTheToken() async throws {
        let clock = ManualClock()
        let bucket = try TokenBucket(rate: .perSecond(1), capacity: 1, clock: clock)
        let first = try await bucket.withToken { clock.now.offset }
        #expect(first == .zero)
        let second = Task { try await bucket.withToken { clock.now.offset } }
        await clock.waitForSleepers(count: 1)
        clock.advance(by: .seconds(1))
        #expect(try await second.value == .seconds(1))
    }

    @Test func rejectsBadArguments() throws {
        let clock = ManualClock()
        for rate in [Rate.perSecond(0), .perSecond(-1), .perSecond(.nan), .perSecond(.infinity)] {
            #expect(throws: TokenBucketError.invalidRate(rate)) {
                try TokenBucket(rate: rate, capacity: 1, clock: clock)
            }
        }
        #expect(throws: TokenBucketError.invalidCapacity(0)) {
            try TokenBucket(rate: .perSecond(1), capacity: 0, clock: clock)
        }
        let bucket = try TokenBucket(rate: .perSecond(1), capacity: 2, clock: clock)
        #expect(throws: TokenBucketError.invalidCount(3, capacity: 2)) { try bucket.expectedWait(for: 3) }
        #expect(throws: TokenBucketError.invalidCount(0, capacity: 2)) { try bucket.expectedWait(for: 0) }
    }

    @Test func acquireRejectsImpossibleCounts() async throws {
        let bucket = try TokenBucket(rate: .perSecond(1), capacity: 2, clock: ManualClock())
        await #expect(throws: TokenBucketError.invalidCount(3, capacity: 2)) { try await bucket.acquire(3) }
        await #expect(throws: TokenBucketError.invalidCount(0, capacity: 2)) { try await bucket.acquire(0) }
    }

    @Test func rateLimitLetsTheRateThroughOneAtATime() async throws {
        // Python's rate_limit(10, 1.0): 20 passes take about a second (the first is free).
        let clock = ManualClock()
        let limiter = try rateLimit(.perSecond(10), clock: clock)
        #expect(limiter.capacity == 1)
        let passes = Task {
            for _ in 0..<20 { try await limiter.acquire() }
        }
        for _ in 0..<19 {
            await clock.waitForSleepers(count: 1)
            clock.advanceToNextDeadline()
        }
        try await passes.value
        #expect(clock.now.offset == .milliseconds(1900))
    }

    @Test func rateLimitBurst() throws {
        let limiter = try rateLimit(.perMinute(60), burst: 3, clock: ManualClock())
        #expect((0..<4).map { _ in limiter.pour() } == [true, true, true, false])
        #expect(throws: TokenBucketError.invalidCapacity(0)) { try rateLimit(.perSecond(1), burst: 0) }
    }

    @Test func concurrentPoursNeverOverdraw() async throws {
        let bucket = try TokenBucket(rate: .perSecond(1), capacity: 100, clock: ManualClock())
        let successes = await withTaskGroup(of: Int.self) { group in
            for _ in 0..<8 {
                group.addTask { (0..<50).filter { _ in bucket.pour() }.count }
            }
            return await group.reduce(0, +)
        }
        #expect(successes == 100)
    }

    @Test func errorMessagesSayWhatToDo() {
        #expect("\(TokenBucketError.invalidCount(3, capacity: 2))".contains("ask for 1 to 2 tokens"))
        #expect("\(TokenBucketError.empty(needed: 1, wait: .milliseconds(100)))".contains("whenEmpty: .wait"))
    }
}
