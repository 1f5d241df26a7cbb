import ModeQueues
import Testing

@Suite(.timeLimit(.minutes(1)))
struct FlowControlEventTests {
    @Test func startsSuspendedByDefault() {
        #expect(!FlowControlEvent().isActive)
        #expect(FlowControlEvent(initiallySuspended: false).isActive)
    }

    @Test func suspendAndResumeToggleIsActive() {
        let event = FlowControlEvent(initiallySuspended: false)
        event.suspend()
        #expect(!event.isActive)
        event.suspend()
        #expect(!event.isActive)
        event.resume()
        #expect(event.isActive)
        event.resume()
        #expect(event.isActive)
    }

    @Test func waitUntilResumedReturnsAtOnceWhenActive() async throws {
        let event = FlowControlEvent(initiallySuspended: false)
        try await event.waitUntilResumed()
        #expect(event.waiterCount == 0)
    }

    @Test func waitUntilResumedWaitsForResume() async throws {
        let event = FlowControlEvent()
        let passed = Counter()
        try await withThrowingTaskGroup { group in
            for _ in 0..<3 {
                group.addTask {
                    try await event.waitUntilResumed()
                    passed.increment()
                }
            }
            await eventually { event.waiterCount == 3 }
            #expect(passed.value == 0)
            event.resume()
            try await group.waitForAll()
        }
        #expect(passed.value == 3)
        #expect(event.waiterCount == 0)
    }

    @Test func cancelledWaiterThrowsAndLeaves() async throws {
        let event = FlowControlEvent()
        let waiter = Task { try await event.waitUntilResumed() }
        await eventually { event.waiterCount == 1 }
        waiter.cancel()
        await #expect(throws: CancellationError.self) { try await waiter.value }
        #expect(event.waiterCount == 0)
        event.resume()  // must not resume the cancelled waiter a second time
    }

    @Test func alreadyCancelledWaiterThrowsAtOnce() async {
        let event = FlowControlEvent()
        let waiter = Task {
            withUnsafeCurrentTask { $0?.cancel() }
            try await event.waitUntilResumed()
        }
        await #expect(throws: CancellationError.self) { try await waiter.value }
        #expect(event.waiterCount == 0)
    }

    @Test func resumeClearsManagedQueuesButSuspendDoesNot() async throws {
        let event = FlowControlEvent(initiallySuspended: false)
        let managed = FlowControlQueue<Int>(flowControl: event, clearOnResume: true)
        let registered = ThrowableQueue<Int>(flowControl: event)
        event.manage(registered)
        let unmanaged = FlowControlQueue<Int>(flowControl: event)
        try await managed.put(1)
        try await registered.put(1)
        registered.fail(TestError(id: 1))
        try await unmanaged.put(1)

        event.suspend()
        #expect(managed.count == 1)
        #expect(!registered.isEmpty)

        event.resume()
        #expect(managed.isEmpty)
        #expect(registered.isEmpty)  // elements and errors
        #expect(unmanaged.count == 1)
    }

    @Test func clearClearsManagedQueuesWithoutResuming() async throws {
        let event = FlowControlEvent()
        let queue = FlowControlQueue<Int>(flowControl: event, clearOnResume: true)
        queue.forcePut(1)
        event.clear()
        #expect(queue.isEmpty)
        #expect(!event.isActive)
    }

    @Test func managingTwiceClearsOnce() async throws {
        let event = FlowControlEvent(initiallySuspended: false)
        let queue = FlowControlQueue<Int>(flowControl: event, clearOnResume: true)
        event.manage(queue)
        event.manage(queue)
        queue.forcePut(1)
        event.resume()
        #expect(queue.isEmpty)
    }

    @Test func managedQueuesAreHeldWeakly() {
        let event = FlowControlEvent()
        let box: WeakBox<FlowControlQueue<Int>>
        do {
            let queue = FlowControlQueue<Int>(flowControl: event, clearOnResume: true)
            box = WeakBox(queue)
            #expect(box.value != nil)
        }
        #expect(box.value == nil)
        event.resume()  // the dead entry is pruned, nothing crashes
    }

    @Test func resumeClearsBeforeLettingProducersIn() async throws {
        let event = FlowControlEvent()
        let queue = FlowControlQueue<Int>(flowControl: event, clearOnResume: true)
        queue.forcePut(0)  // stale: put while suspended, ignoring flow control
        let producer = Task { try await queue.put(1) }
        await eventually { event.waiterCount == 1 }
        event.resume()
        try await producer.value
        #expect(queue.tryGet() == 1)  // the waiting producer's element survived the clear on resume
        #expect(queue.tryGet() == nil)
    }

    @Test func concurrentSuspendResumeAndWaiters() async throws {
        let event = FlowControlEvent()
        let passed = Counter()
        await withThrowingTaskGroup { group in
            for _ in 0..<50 {
                group.addTask {
                    try await event.waitUntilResumed()
                    passed.increment()
                }
            }
            group.addTask {
                for _ in 0..<200 {
                    event.suspend()
                    await Task.yield()
                    event.resume()
                }
            }
            while let result = await group.nextResult() {
                if case .failure(let error) = result { Issue.record(error) }
            }
        }
        #expect(passed.value == 50)
        #expect(event.isActive)
        #expect(event.waiterCount == 0)
    }
}
