import ModeQueues
import Testing

@Suite(.timeLimit(.minutes(1)))
struct FlowControlQueueTests {
    private static func makeQueue(maxsize: Int = 0, clearOnResume: Bool = false) -> FlowControlQueue<Int> {
        FlowControlQueue<Int>(
            maxsize: maxsize,
            flowControl: FlowControlEvent(initiallySuspended: false),
            clearOnResume: clearOnResume
        )
    }

    // MARK: - Basics

    @Test func elementsComeOutInPutOrder() async throws {
        let queue = Self.makeQueue(maxsize: 10)
        for value in 1...5 { try await queue.put(value) }
        #expect(queue.count == 5)
        var taken: [Int] = []
        for _ in 1...5 { taken.append(try await queue.get()) }
        #expect(taken == [1, 2, 3, 4, 5])
        #expect(queue.isEmpty)
    }

    @Test(arguments: [0, -1, -100])
    func maxsizeZeroOrNegativeIsUnbounded(maxsize: Int) async throws {
        let queue = Self.makeQueue(maxsize: maxsize)
        #expect(queue.maxsize == 0)
        for value in 0..<10_000 { try await queue.put(value) }
        #expect(queue.count == 10_000)
        #expect(!queue.isFull)
    }

    @Test func boundedQueueReportsFull() async throws {
        let queue = Self.makeQueue(maxsize: 2)
        #expect(queue.maxsize == 2)
        try await queue.put(1)
        #expect(!queue.isFull)
        try await queue.put(2)
        #expect(queue.isFull)
    }

    // MARK: - Flow control

    @Test func putWaitsWhileFlowControlIsSuspended() async throws {
        let event = FlowControlEvent()  // suspended by default
        let queue = FlowControlQueue<Int>(flowControl: event)
        let producer = Task { try await queue.put(7) }
        await eventually { event.waiterCount == 1 }
        #expect(queue.isEmpty)
        event.resume()
        try await producer.value
        #expect(queue.tryGet() == 7)
    }

    @Test func suspendStopsLaterPutsOnly() async throws {
        let event = FlowControlEvent(initiallySuspended: false)
        let queue = FlowControlQueue<Int>(maxsize: 1, flowControl: event)
        try await queue.put(1)
        let blocked = Task { try await queue.put(2) }  // passes flow control, waits for room
        await eventually { queue.blockedPutterCount == 1 }
        event.suspend()
        let late = Task { try await queue.put(3) }  // waits on flow control
        await eventually { event.waiterCount == 1 }
        #expect(try await queue.get() == 1)
        try await blocked.value  // admitted although flow control is now suspended (Python parity)
        #expect(queue.tryGet() == 2)
        #expect(queue.tryGet() == nil)
        event.resume()
        try await late.value
        #expect(queue.tryGet() == 3)
    }

    @Test func nonBlockingPutsIgnoreFlowControl() {
        let queue = FlowControlQueue<Int>(maxsize: 2, flowControl: FlowControlEvent())  // suspended
        #expect(queue.tryPut(1))
        queue.forcePut(2)
        #expect(queue.tryGet() == 1)
        #expect(queue.tryGet() == 2)
    }

    @Test func cancelledPutWaitingOnFlowControlLeavesNothing() async throws {
        let event = FlowControlEvent()
        let queue = FlowControlQueue<Int>(flowControl: event)
        let producer = Task { try await queue.put(1) }
        await eventually { event.waiterCount == 1 }
        producer.cancel()
        await #expect(throws: CancellationError.self) { try await producer.value }
        event.resume()
        #expect(queue.isEmpty)
    }

    // MARK: - Bounds and waiting

    @Test func putWaitsWhileFullAndGetAdmitsIt() async throws {
        let queue = Self.makeQueue(maxsize: 2)
        try await queue.put(1)
        try await queue.put(2)
        let producer = Task { try await queue.put(3) }
        await eventually { queue.blockedPutterCount == 1 }
        #expect(queue.count == 2)
        #expect(try await queue.get() == 1)
        // The get moved the blocked element in under the same lock: the queue is full again.
        #expect(queue.count == 2)
        #expect(queue.blockedPutterCount == 0)
        try await producer.value
        #expect(try await queue.get() == 2)
        #expect(try await queue.get() == 3)
    }

    @Test func blockedPuttersAreAdmittedInOrder() async throws {
        let queue = Self.makeQueue(maxsize: 1)
        try await queue.put(0)
        var producers: [Task<Void, any Error>] = []
        for value in 1...4 {
            producers.append(Task { try await queue.put(value) })
            await eventually { queue.blockedPutterCount == value }
        }
        #expect(!queue.tryPut(99))  // a newcomer cannot overtake the blocked putters
        var taken: [Int] = []
        for _ in 0...4 { taken.append(try await queue.get()) }
        #expect(taken == [0, 1, 2, 3, 4])
        for producer in producers { try await producer.value }
    }

    @Test func blockedGettersAreServedInOrder() async throws {
        let queue = Self.makeQueue()
        var consumers: [Task<Int, any Error>] = []
        for index in 1...4 {
            consumers.append(Task { try await queue.get() })
            await eventually { queue.blockedGetterCount == index }
        }
        for value in [10, 20, 30, 40] { try await queue.put(value) }
        var taken: [Int] = []
        for consumer in consumers { taken.append(try await consumer.value) }
        #expect(taken == [10, 20, 30, 40])
        #expect(queue.isEmpty)
    }

    @Test func tryPutAndTryGetNeverWait() {
        let queue = Self.makeQueue(maxsize: 1)
        #expect(queue.tryGet() == nil)
        #expect(queue.tryPut(1))
        #expect(!queue.tryPut(2))
        #expect(queue.tryGet() == 1)
        #expect(queue.tryGet() == nil)
    }

    @Test func tryPutHandsToAWaitingGetter() async throws {
        let queue = Self.makeQueue(maxsize: 1)
        let consumer = Task { try await queue.get() }
        await eventually { queue.blockedGetterCount == 1 }
        #expect(queue.tryPut(5))
        #expect(try await consumer.value == 5)
        #expect(queue.isEmpty)
    }

    @Test func forcePutIgnoresMaxsizeAndWakesAGetter() async throws {
        let queue = Self.makeQueue(maxsize: 1)
        let consumer = Task { try await queue.get() }
        await eventually { queue.blockedGetterCount == 1 }
        queue.forcePut(1)
        #expect(try await consumer.value == 1)
        queue.forcePut(2)
        queue.forcePut(3)
        queue.forcePut(4)
        #expect(queue.count == 3)
        #expect(queue.isFull)
        #expect(!queue.tryPut(5))
        #expect(queue.tryGet() == 2)
    }

    @Test func forcePutGoesAheadOfBlockedPutters() async throws {
        let queue = Self.makeQueue(maxsize: 1)
        try await queue.put(1)
        let producer = Task { try await queue.put(2) }
        await eventually { queue.blockedPutterCount == 1 }
        queue.forcePut(3)
        var taken: [Int] = []
        for _ in 0..<3 { taken.append(try await queue.get()) }
        #expect(taken == [1, 3, 2])
        try await producer.value
    }

    @Test func forcedOverflowKeepsBlockedPuttersWaitingUntilThereIsRoom() async throws {
        let queue = Self.makeQueue(maxsize: 1)
        try await queue.put(1)
        let producer = Task { try await queue.put(2) }
        await eventually { queue.blockedPutterCount == 1 }
        queue.forcePut(3)
        queue.forcePut(4)
        #expect(try await queue.get() == 1)
        #expect(queue.blockedPutterCount == 1)  // 3 and 4 still fill the queue past its bound
        #expect(try await queue.get() == 3)
        #expect(queue.blockedPutterCount == 1)
        #expect(try await queue.get() == 4)  // now there is room: 2 moves in
        #expect(queue.blockedPutterCount == 0)
        try await producer.value
        #expect(queue.tryGet() == 2)
    }

    // MARK: - Cancellation

    @Test func cancelledBlockedPutIsNotAccepted() async throws {
        let queue = Self.makeQueue(maxsize: 1)
        try await queue.put(1)
        let producer = Task { try await queue.put(2) }
        await eventually { queue.blockedPutterCount == 1 }
        producer.cancel()
        await #expect(throws: CancellationError.self) { try await producer.value }
        #expect(queue.blockedPutterCount == 0)
        #expect(queue.tryGet() == 1)
        #expect(queue.tryGet() == nil)
    }

    @Test func acceptedPutSucceedsEvenIfCancelledAfterwards() async throws {
        let queue = Self.makeQueue(maxsize: 1)
        try await queue.put(1)
        let producer = Task { try await queue.put(2) }
        await eventually { queue.blockedPutterCount == 1 }
        #expect(try await queue.get() == 1)  // accepts 2 and resumes the putter
        producer.cancel()  // too late: the put already succeeded
        try await producer.value
        #expect(queue.tryGet() == 2)
    }

    @Test func cancelledGetTakesNothing() async throws {
        let queue = Self.makeQueue()
        let consumer = Task { try await queue.get() }
        await eventually { queue.blockedGetterCount == 1 }
        consumer.cancel()
        await #expect(throws: CancellationError.self) { try await consumer.value }
        #expect(queue.blockedGetterCount == 0)
        try await queue.put(1)
        #expect(queue.tryGet() == 1)  // the cancelled getter did not swallow it
    }

    @Test func alreadyCancelledCallsThrowWithoutWaiting() async throws {
        let queue = Self.makeQueue(maxsize: 1)
        try await queue.put(1)
        let producer = Task {
            withUnsafeCurrentTask { $0?.cancel() }
            try await queue.put(2)
        }
        await #expect(throws: CancellationError.self) { try await producer.value }
        _ = queue.tryGet()
        let consumer = Task {
            withUnsafeCurrentTask { $0?.cancel() }
            return try await queue.get()
        }
        await #expect(throws: CancellationError.self) { try await consumer.value }
        #expect(queue.blockedPutterCount == 0)
        #expect(queue.blockedGetterCount == 0)
    }

    @Test(arguments: 0..<5)
    func cancellingGettersUnderLoadLosesNothing(round: Int) async throws {
        let queue = Self.makeQueue(maxsize: 4)
        let total = 5_000
        let received = Recorder<Int>()
        // Getters that are cancelled at arbitrary points while elements flow; whatever they got is kept.
        let getters = (0..<16).map { _ in
            Task {
                while let value = try? await queue.get() { received.append(value) }
            }
        }
        let drain = Task {
            for await value in queue { received.append(value) }
        }
        let producer = Task {
            for value in 0..<total { try await queue.put(value) }
        }
        for getter in getters {
            for _ in 0..<(round * 3) { await Task.yield() }
            getter.cancel()
        }
        try await producer.value
        for getter in getters { await getter.value }
        drain.cancel()
        await drain.value
        var all = received.all
        while let value = queue.tryGet() { all.append(value) }
        #expect(all.sorted() == Array(0..<total))
        #expect(queue.blockedGetterCount == 0)
    }

    @Test(arguments: 0..<5)
    func cancellingPuttersUnderLoadDeliversExactlyTheAcceptedElements(round: Int) async throws {
        let queue = Self.makeQueue(maxsize: 2)
        let accepted = Recorder<Int>()
        let delivered = Recorder<Int>()
        let producers = (0..<8).map { producer in
            Task {
                for index in 0..<1_000 {
                    let value = producer * 1_000 + index
                    do {
                        try await queue.put(value)
                        accepted.append(value)
                    } catch {
                        return
                    }
                }
            }
        }
        let consumer = Task {
            for await value in queue { delivered.append(value) }
        }
        for producer in producers {
            for _ in 0..<(round * 5) { await Task.yield() }
            producer.cancel()
        }
        for producer in producers { await producer.value }
        consumer.cancel()
        await consumer.value
        var all = delivered.all
        while let value = queue.tryGet() { all.append(value) }
        #expect(all.sorted() == accepted.all.sorted())
        #expect(queue.blockedPutterCount == 0)
    }

    // MARK: - Clear

    @Test func clearDiscardsBufferAndRejectsBlockedPutters() async throws {
        let queue = Self.makeQueue(maxsize: 2)
        try await queue.put(1)
        try await queue.put(2)
        let first = Task { try await queue.put(3) }
        await eventually { queue.blockedPutterCount == 1 }
        let second = Task { try await queue.put(4) }
        await eventually { queue.blockedPutterCount == 2 }
        queue.clear()
        await #expect(throws: QueueError.cleared()) { try await first.value }
        await #expect(throws: QueueError.cleared()) { try await second.value }
        #expect(queue.isEmpty)
        #expect(queue.blockedPutterCount == 0)
        try await queue.put(5)
        #expect(queue.tryGet() == 5)
        #expect(queue.tryGet() == nil)
    }

    @Test func clearLeavesWaitingGettersWaiting() async throws {
        let queue = Self.makeQueue()
        let consumer = Task { try await queue.get() }
        await eventually { queue.blockedGetterCount == 1 }
        queue.clear()
        #expect(queue.blockedGetterCount == 1)
        try await queue.put(9)
        #expect(try await consumer.value == 9)
    }

    /// The rebalance scenario: producers are stopped, the consumer's queue is cleared on resume, and nothing
    /// produced before the resume, not even by a producer that was blocked on a full queue, comes out after it.
    @Test func clearOnResumeIsAnOrderingBarrier() async throws {
        let event = FlowControlEvent(initiallySuspended: false)
        let queue = FlowControlQueue<String>(maxsize: 2, flowControl: event, clearOnResume: true)
        try await queue.put("old-1")
        try await queue.put("old-2")
        let stale = Task { try await queue.put("old-3") }
        await eventually { queue.blockedPutterCount == 1 }
        event.suspend()
        let fresh = Task { try await queue.put("new-1") }
        await eventually { event.waiterCount == 1 }
        event.resume()
        await #expect(throws: QueueError.cleared()) { try await stale.value }
        try await fresh.value
        try await queue.put("new-2")
        #expect(queue.tryGet() == "new-1")
        #expect(queue.tryGet() == "new-2")
        #expect(queue.tryGet() == nil)
    }

    // MARK: - Pressure

    @Test(arguments: [(10, 8, 4), (1000, 800, 400), (3, 2, 1), (1, 0, 0), (0, 0, 0)])
    func pressureThresholdsFollowThePythonRatios(maxsize: Int, high: Int, drop: Int) {
        let queue = Self.makeQueue(maxsize: maxsize)
        #expect(queue.pressureHighSize == high)
        #expect(queue.pressureDropSize == drop)
    }

    @Test func keyedForcePutReportsHighPressureOncePerKey() {
        let hookCalls = Counter()
        let queue = FlowControlQueue<Int>(
            maxsize: 10,
            flowControl: FlowControlEvent(initiallySuspended: false),
            onPressureHigh: { hookCalls.increment() }
        )
        var highCalls = 0
        for value in 0..<8 {
            let high = queue.forcePut(value, pressureKey: "p0", onPressureHigh: { highCalls += 1 }, onPressureDrop: {})
            #expect(!high)
        }
        // 8 buffered = floor(10 / 1.25): the next put reports high pressure.
        do {
            let high = queue.forcePut(8, pressureKey: "p0", onPressureHigh: { highCalls += 1 }, onPressureDrop: {})
            #expect(high)
        }
        do {
            let high = queue.forcePut(9, pressureKey: "p0", onPressureHigh: { highCalls += 1 }, onPressureDrop: {})
            #expect(!high)
        }
        do {
            let high = queue.forcePut(10, pressureKey: "p1", onPressureHigh: { highCalls += 1 }, onPressureDrop: {})
            #expect(high)
        }
        #expect(highCalls == 2)
        #expect(hookCalls.value == 2)
        #expect(queue.count == 11)  // forced: beyond maxsize
    }

    @Test func unboundedQueueIsUnderHighPressureAtOnce() {
        let queue = Self.makeQueue()
        do {
            let high = queue.forcePut(1, pressureKey: 0, onPressureHigh: {}, onPressureDrop: {})
            #expect(high)
        }
    }

    @Test func tryGetReleasesOneDropAtTheDropSizeAndAllWhenEmpty() {
        let dropHooks = Counter()
        let queue = FlowControlQueue<Int>(
            maxsize: 10,
            flowControl: FlowControlEvent(initiallySuspended: false),
            onPressureDrop: { dropHooks.increment() }
        )
        let drops = Recorder<String>()
        for value in 0..<8 { queue.forcePut(value) }
        for key in ["a", "b", "c"] {
            let high = queue.forcePut(0, pressureKey: key, onPressureHigh: {}) { drops.append(key) }
            #expect(high)
        }
        #expect(queue.count == 11)
        for _ in 0..<6 { _ = queue.tryGet() }  // sizes 11...6 seen: all above 4
        #expect(drops.all.isEmpty)
        _ = queue.tryGet()  // size 5 seen
        #expect(drops.all.isEmpty)
        _ = queue.tryGet()  // size 4 seen: the oldest callback
        #expect(drops.all == ["a"])
        #expect(dropHooks.value == 1)
        _ = queue.tryGet()  // size 3: the next one
        #expect(drops.all == ["a", "b"])
        _ = queue.tryGet()  // size 2: "c"
        _ = queue.tryGet()  // size 1: nothing left to release
        #expect(drops.all == ["a", "b", "c"])
        #expect(dropHooks.value == 3)
        #expect(queue.tryGet() == nil)  // nothing pending: no hook
        #expect(dropHooks.value == 3)
        // The key is free again: high pressure can be reported anew.
        for value in 0..<8 { queue.forcePut(value) }
        do {
            let high = queue.forcePut(8, pressureKey: "a", onPressureHigh: {}, onPressureDrop: {})
            #expect(high)
        }
    }

    @Test func getReleasesEveryDropOnlyWhenItFindsTheQueueEmpty() async throws {
        let dropHooks = Counter()
        let queue = FlowControlQueue<Int>(
            maxsize: 5,
            flowControl: FlowControlEvent(initiallySuspended: false),
            onPressureDrop: { dropHooks.increment() }
        )
        let drops = Counter()
        for value in 0..<4 { queue.forcePut(value) }
        do {
            let high = queue.forcePut(4, pressureKey: 1, onPressureHigh: {}, onPressureDrop: { drops.increment() })
            #expect(high)
        }
        do {
            let high = queue.forcePut(5, pressureKey: 2, onPressureHigh: {}, onPressureDrop: { drops.increment() })
            #expect(high)
        }
        for _ in 0..<6 { _ = try await queue.get() }  // never found empty: nothing released
        #expect(drops.value == 0)
        let consumer = Task { try await queue.get() }  // finds it empty: all released, then waits
        await eventually { queue.blockedGetterCount == 1 }
        #expect(drops.value == 2)
        #expect(dropHooks.value == 1)
        try await queue.put(6)
        #expect(try await consumer.value == 6)
    }

    @Test func clearKeepsPendingDropsForTheNextGet() {
        let queue = Self.makeQueue(maxsize: 5)
        let drops = Counter()
        for value in 0..<4 { queue.forcePut(value) }
        do {
            let high = queue.forcePut(4, pressureKey: 1, onPressureHigh: {}, onPressureDrop: { drops.increment() })
            #expect(high)
        }
        queue.clear()
        #expect(drops.value == 0)
        #expect(queue.tryGet() == nil)
        #expect(drops.value == 1)
    }

    // MARK: - AsyncSequence

    @Test func iterationYieldsInOrderAndEndsOnCancellation() async throws {
        let queue = Self.makeQueue(maxsize: 3)
        let collected = Recorder<Int>()
        let consumer = Task {
            for await value in queue {
                collected.append(value)
            }
            return "ended"
        }
        for value in 0..<20 { try await queue.put(value) }
        await eventually { collected.all.count == 20 }
        await eventually { queue.blockedGetterCount == 1 }
        consumer.cancel()
        #expect(await consumer.value == "ended")
        #expect(collected.all == Array(0..<20))
        #expect(queue.blockedGetterCount == 0)
    }

    // MARK: - Concurrency (checked by TSan)

    @Test func manyProducersOneConsumerKeepEachProducersOrder() async throws {
        let queue = Self.makeQueue(maxsize: 8)
        let producers = 6
        let perProducer = 2_000
        let sequences = try await withThrowingTaskGroup(of: [Int: [Int]].self) { group in
            for producer in 0..<producers {
                group.addTask {
                    for index in 0..<perProducer { try await queue.put(producer * 1_000_000 + index) }
                    return [:]
                }
            }
            group.addTask {
                var byProducer: [Int: [Int]] = [:]
                for _ in 0..<(producers * perProducer) {
                    let value = try await queue.get()
                    byProducer[value / 1_000_000, default: []].append(value % 1_000_000)
                }
                return byProducer
            }
            var merged: [Int: [Int]] = [:]
            for try await partial in group { merged.merge(partial) { $0 + $1 } }
            return merged
        }
        #expect(sequences.count == producers)
        for producer in 0..<producers {
            #expect(sequences[producer] == Array(0..<perProducer))
        }
    }

    @Test func manyProducersManyConsumersDeliverEveryElementOnce() async throws {
        let queue = Self.makeQueue(maxsize: 16)
        let producers = 4
        let consumers = 4
        let perProducer = 5_000
        let total = producers * perProducer
        let taken = Counter()
        let values = try await withThrowingTaskGroup(of: [Int].self) { group in
            for producer in 0..<producers {
                group.addTask {
                    for index in 0..<perProducer {
                        if index % 3 == 0 {
                            while !queue.tryPut(producer * perProducer + index) { await Task.yield() }
                        } else {
                            try await queue.put(producer * perProducer + index)
                        }
                    }
                    return []
                }
            }
            for _ in 0..<consumers {
                group.addTask {
                    var mine: [Int] = []
                    for await value in queue {
                        mine.append(value)
                        taken.increment()
                        if taken.value >= total { break }
                    }
                    return mine
                }
            }
            var all: [Int] = []
            while let partial = try await group.next() {
                all += partial
                // The consumer that took the last element ends; the others wait in `get` until cancelled.
                if taken.value >= total { group.cancelAll() }
            }
            return all
        }
        #expect(values.sorted() == Array(0..<total))
    }
}
