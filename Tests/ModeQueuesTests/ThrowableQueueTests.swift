import ModeQueues
import Testing

@Suite(.timeLimit(.minutes(1)))
struct ThrowableQueueTests {
    private static func makeQueue(maxsize: Int = 0) -> ThrowableQueue<Int> {
        ThrowableQueue<Int>(maxsize: maxsize, flowControl: FlowControlEvent(initiallySuspended: false))
    }

    @Test func failWakesTheFirstWaitingGetter() async throws {
        let queue = Self.makeQueue()
        let first = Task { try await queue.get() }
        await eventually { queue.blockedGetterCount == 1 }
        let second = Task { try await queue.get() }
        await eventually { queue.blockedGetterCount == 2 }
        queue.fail(TestError(id: 1))
        await #expect(throws: TestError(id: 1)) { try await first.value }
        #expect(queue.blockedGetterCount == 1)
        #expect(queue.isEmpty)  // the error went to the getter, not into the queue
        try await queue.put(5)
        #expect(try await second.value == 5)
    }

    @Test func queuedErrorComesBeforeBufferedElements() async throws {
        let queue = Self.makeQueue()
        try await queue.put(3)
        try await queue.put(4)
        queue.fail(TestError(id: 1))
        await #expect(throws: TestError(id: 1)) { try await queue.get() }
        #expect(try await queue.get() == 3)
        #expect(try await queue.get() == 4)
    }

    @Test func tryGetThrowsQueuedErrorFirst() async throws {
        let queue = Self.makeQueue()
        try await queue.put(3)
        queue.fail(TestError(id: 1))
        #expect(throws: TestError(id: 1)) { try queue.tryGet() }
        #expect(try queue.tryGet() == 3)
        #expect(try queue.tryGet() == nil)
    }

    @Test func errorsComeOutInOrder() async throws {
        let queue = Self.makeQueue()
        for id in 1...3 { queue.fail(TestError(id: id)) }
        for id in 1...3 {
            await #expect(throws: TestError(id: id)) { try await queue.get() }
        }
        #expect(try queue.tryGet() == nil)
    }

    @Test func pendingErrorMakesTheQueueNonEmpty() {
        let queue = Self.makeQueue()
        #expect(queue.isEmpty)
        queue.fail(TestError(id: 1))
        #expect(!queue.isEmpty)
        #expect(queue.count == 0)
    }

    @Test func clearDiscardsElementsAndErrorsAndRejectsBlockedPutters() async throws {
        let queue = Self.makeQueue(maxsize: 1)
        try await queue.put(1)
        queue.fail(TestError(id: 1))
        let producer = Task { try await queue.put(2) }
        await eventually { queue.blockedPutterCount == 1 }
        queue.clear()
        await #expect(throws: QueueError.cleared()) { try await producer.value }
        #expect(queue.isEmpty)
        #expect(try queue.tryGet() == nil)
    }

    @Test func boundsFlowControlAndForcedPutsWorkAsForFlowControlQueue() async throws {
        let event = FlowControlEvent()
        let queue = ThrowableQueue<Int>(maxsize: 1, flowControl: event, clearOnResume: true)
        #expect(queue.maxsize == 1)
        #expect(queue.tryPut(1))  // ignores flow control
        #expect(!queue.tryPut(2))
        #expect(queue.isFull)
        queue.forcePut(2)
        #expect(queue.count == 2)
        let producer = Task { try await queue.put(3) }
        await eventually { event.waiterCount == 1 }
        event.resume()  // clears the queue, then lets the producer in
        try await producer.value
        #expect(try queue.tryGet() == 3)
    }

    @Test func pressureThresholdsAndCallbacks() throws {
        let queue = Self.makeQueue(maxsize: 5)
        #expect(queue.pressureHighSize == 4)
        #expect(queue.pressureDropSize == 2)
        let drops = Counter()
        for value in 0..<4 { queue.forcePut(value) }
        let high = queue.forcePut(4, pressureKey: "k", onPressureHigh: {}, onPressureDrop: { drops.increment() })
        #expect(high)
        queue.clear()
        #expect(try queue.tryGet() == nil)
        #expect(drops.value == 1)
    }

    @Test func cancelledGetterDoesNotSwallowAnError() async throws {
        let queue = Self.makeQueue()
        let consumer = Task { try await queue.get() }
        await eventually { queue.blockedGetterCount == 1 }
        consumer.cancel()
        await #expect(throws: CancellationError.self) { try await consumer.value }
        queue.fail(TestError(id: 7))
        #expect(throws: TestError(id: 7)) { try queue.tryGet() }
    }

    @Test func iteratorThrowsTheErrorThenFinishes() async throws {
        let queue = Self.makeQueue()
        try await queue.put(1)
        queue.fail(TestError(id: 1))
        try await queue.put(2)
        var iterator = queue.makeAsyncIterator()
        await #expect(throws: TestError(id: 1)) { try await iterator.next() }
        #expect(try await iterator.next() == nil)
        // A new iterator reads on.
        var fresh = queue.makeAsyncIterator()
        #expect(try await fresh.next() == 1)
        #expect(try await fresh.next() == 2)
    }

    @Test func iterationEndsOnCancellation() async throws {
        let queue = Self.makeQueue()
        let consumer = Task {
            var seen: [Int] = []
            for try await value in queue { seen.append(value) }
            return seen
        }
        try await queue.put(1)
        try await queue.put(2)
        await eventually { queue.isEmpty && queue.blockedGetterCount == 1 }
        consumer.cancel()
        #expect(try await consumer.value == [1, 2])
    }

    @Test func userCancellationErrorIsDeliveredNotMistakenForCancellation() async throws {
        let queue = Self.makeQueue()
        queue.fail(CancellationError())
        var iterator = queue.makeAsyncIterator()
        await #expect(throws: CancellationError.self) { try await iterator.next() }
    }

    @Test func concurrentProducersConsumersAndFailures() async throws {
        let queue = Self.makeQueue(maxsize: 8)
        let producers = 4
        let perProducer = 2_000
        let failures = 50
        let total = producers * perProducer
        let elements = Recorder<Int>()
        let errors = Counter()
        try await withThrowingTaskGroup { group in
            for producer in 0..<producers {
                group.addTask {
                    for index in 0..<perProducer { try await queue.put(producer * perProducer + index) }
                }
            }
            group.addTask {
                for id in 0..<failures {
                    queue.fail(TestError(id: id))
                    await Task.yield()
                }
            }
            for _ in 0..<3 {
                group.addTask {
                    while elements.all.count < total || errors.value < failures {
                        do {
                            guard let value = try queue.tryGet() else {
                                await Task.yield()
                                continue
                            }
                            elements.append(value)
                        } catch {
                            errors.increment()
                        }
                    }
                }
            }
            try await group.waitForAll()
        }
        #expect(elements.all.sorted() == Array(0..<total))
        #expect(errors.value == failures)
    }
}
