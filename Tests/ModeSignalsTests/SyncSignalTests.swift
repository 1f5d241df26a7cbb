import ModeSignals
import Synchronization
import Testing

@Suite(.timeLimit(.minutes(1)))
struct SyncSignalTests {
    @Test func namingMatchesTheAsyncSignal() {
        let signal = SyncSignal<Node, Int>(name: "onChange", owner: Outer.Inner.self)
        #expect(signal.label == "Outer.Inner.onChange")
        #expect(signal.description == "<SyncSignal: Outer.Inner.onChange>")
        #expect(SyncSignal<Node, Int>().label == "")
        let bound = SyncSignal<String, Int>(name: "x").withDefaultSender("s")
        #expect(bound.description == "<SyncSignal: x sender=s>")
    }

    @Test func receiversRunSynchronouslyInConnectionOrder() throws {
        let signal = SyncSignal<String, Int>()
        let recorder = Recorder<String>()
        signal.connect { _, value in recorder.record("g1 \(value)") }
        signal.connect(from: "a") { _, value in recorder.record("a \(value)") }
        signal.connect { _, value in recorder.record("g2 \(value)") }
        try signal.send(1, from: "a")
        #expect(recorder.events == ["g1 1", "a 1", "g2 1"])
        try signal.send(2, from: "b")
        #expect(recorder.events == ["g1 1", "a 1", "g2 1", "g1 2", "g2 2"])
    }

    @Test func classSendersFilterByIdentity() throws {
        let signal = SyncSignal<Node, Int>()
        let recorder = Recorder<Int>()
        let node = Node("n")
        signal.connect(from: node) { _, value in recorder.record(value) }
        try signal.send(1, from: Node("n"))
        try signal.send(2, from: node)
        #expect(recorder.events == [2])
    }

    @Test func hashableClassSendersFilterByEquality() throws {
        let signal = SyncSignal<KeyedNode, Int>()
        let recorder = Recorder<Int>()
        signal.connect(from: KeyedNode("k")) { _, value in recorder.record(value) }
        try signal.send(1, from: KeyedNode("k"))
        #expect(recorder.events == [1])
    }

    @Test func disconnectByHandleAndBySignal() throws {
        let signal = SyncSignal<String, Int>()
        let recorder = Recorder<Int>()
        let first = signal.connect { _, value in recorder.record(value) }
        let second = signal.connect(from: "a") { _, value in recorder.record(-value) }
        try signal.send(1, from: "a")
        #expect(first.disconnect())
        #expect(signal.disconnect(second))
        #expect(!signal.disconnect(second))
        try signal.send(2, from: "a")
        #expect(recorder.events == [1, -1])
        #expect(signal.receiverCount == 0)
    }

    @Test func sendWithoutSenderThrowsMissingSender() throws {
        let signal = SyncSignal<String, Int>()
        let error = #expect(throws: SignalError.self) { try signal.send(1) }
        #expect(error?.code == .missingSender)
    }

    @Test func boundCopiesShareReceiversAndClonesDoNot() throws {
        let base = SyncSignal<String, Int>(name: "changed")
        let bound = base.withDefaultSender("a")
        let clone = base.clone()
        let recorder = Recorder<String>()
        bound.connect { sender, value in recorder.record("bound \(sender) \(value)") }
        clone.connect { sender, value in recorder.record("clone \(sender) \(value)") }
        try base.send(1, from: "a")
        try bound.send(2)
        try base.send(3, from: "b")
        try clone.send(4, from: "b")
        #expect(recorder.events == ["bound a 1", "bound a 2", "clone b 4"])
        #expect(base.receiverCount == 1)
        #expect(clone.receiverCount == 1)
    }

    @Test func voidSignalsSendWithoutAValue() throws {
        let signal = SyncSignal<String, Void>()
        let recorder = Recorder<String>()
        signal.connect { sender, _ in recorder.record(sender) }
        try signal.send(from: "x")
        try signal.withDefaultSender("y").send()
        #expect(recorder.events == ["x", "y"])
    }

    @Test func weakReceiverGoesAwayWithItsTarget() throws {
        let signal = SyncSignal<String, Int>()
        let recorder = Recorder<String>()
        var listener: Listener? = Listener(recorder)
        let connection = signal.connect(weak: try #require(listener)) { listener, _, value in
            listener.recorder.record("weak \(value)")
        }
        let weakFiltered = signal.connect(weak: try #require(listener), from: "a") { listener, _, value in
            listener.recorder.record("weak a \(value)")
        }
        try signal.send(1, from: "a")
        listener = nil
        try signal.send(2, from: "a")
        #expect(recorder.events == ["weak 1", "weak a 1"])
        #expect(!connection.isConnected)
        #expect(!weakFiltered.isConnected)
    }

    @Test func firstErrorAbortsTheRestByDefault() throws {
        let signal = SyncSignal<String, Int>()
        let recorder = Recorder<Int>()
        signal.connect { _, _ in throw ReceiverFailure(id: 0) }
        signal.connect { _, value in recorder.record(value) }
        #expect(throws: ReceiverFailure(id: 0)) { try signal.send(1, from: "s") }
        #expect(recorder.events.isEmpty)
    }

    @Test func callAllThenThrowRunsEveryReceiverAndListsErrors() throws {
        let signal = SyncSignal<String, Int>(name: "x", owner: "Svc", errorPolicy: .callAllThenThrow)
        let recorder = Recorder<Int>()
        signal.connect { _, _ in throw ReceiverFailure(id: 0) }
        signal.connect { _, value in recorder.record(value) }
        signal.connect { _, _ in throw ReceiverFailure(id: 2) }
        let error = #expect(throws: SignalError.self) { try signal.send(1, from: "s") }
        #expect(error?.code == .receiversFailed)
        #expect(error?.signal == "Svc.x")
        #expect(error?.receiverErrors.map { ($0 as? ReceiverFailure)?.id } == [0, 2])
        #expect(recorder.events == [1])
    }

    @Test func cancellationErrorStopsTheDispatchUntouched() throws {
        let signal = SyncSignal<String, Int>(errorPolicy: .callAllThenThrow)
        let recorder = Recorder<Int>()
        signal.connect { _, _ in throw CancellationError() }
        signal.connect { _, value in recorder.record(value) }
        #expect(throws: CancellationError.self) { try signal.send(1, from: "s") }
        #expect(recorder.events.isEmpty)
    }

    @Test func receiverMaySendAgainFromInsideADispatch() throws {
        let signal = SyncSignal<String, Int>()
        let recorder = Recorder<Int>()
        signal.connect { sender, value in
            recorder.record(value)
            if value > 0 { try signal.send(value - 1, from: sender) }
        }
        try signal.send(3, from: "s")
        #expect(recorder.events == [3, 2, 1, 0])
    }

    @Test func concurrentConnectSendAndDisconnect() async throws {
        let signal = SyncSignal<String, Int>()
        let calls = Atomic<Int>(0)
        let permanent = 3
        for _ in 0..<permanent {
            signal.connect(from: "hot") { _, _ in calls.add(1, ordering: .relaxed) }
        }
        try await withThrowingTaskGroup(of: Void.self) { group in
            for task in 0..<8 {
                group.addTask {
                    for round in 0..<300 {
                        let listener = Listener(Recorder())
                        let connection =
                            task.isMultiple(of: 2)
                            ? signal.connect { _, _ in }
                            : signal.connect(weak: listener, from: "cold") { _, _, _ in }
                        try signal.send(round, from: "hot")
                        try signal.send(round, from: "cold")
                        connection.disconnect()
                    }
                }
            }
            try await group.waitForAll()
        }
        #expect(calls.load(ordering: .relaxed) == permanent * 8 * 300)
        #expect(signal.receiverCount == permanent)
    }
}
