import ModeSignals
import ModeConcurrencyHelpers
import Synchronization
import Testing

@Suite(.timeLimit(.minutes(1)))
struct SignalTests {
    // MARK: G1–G3: construction and naming

    @Test func defaultsHaveNoNameOwnerOrReceivers() {
        let signal = Signal<Node, Int>()
        #expect(signal.name == "")
        #expect(signal.owner == nil)
        #expect(signal.label == "")
        #expect(signal.errorPolicy == .abortOnFirstError)
        #expect(signal.defaultSender == nil)
        #expect(signal.receiverCount == 0)
    }

    @Test func ownerTypeGivesQualifiedLabelAndDescription() {
        let signal = Signal<Node, Int>(name: "onRebalance", owner: Outer.Inner.self)
        #expect(signal.owner == "Outer.Inner")
        #expect(signal.label == "Outer.Inner.onRebalance")
        #expect(signal.description == "<Signal: Outer.Inner.onRebalance>")
        #expect(Signal<Node, Int>(name: "x", owner: Node.self).label == "Node.x")
        #expect(Signal<Node, Int>(name: "x", owner: "Svc").label == "Svc.x")
        #expect(Signal<Node, Int>(name: "x").description == "<Signal: x>")
    }

    @Test func ownerNameOfGenericAndTupleTypes() {
        #expect(Signal<Node, Int>(name: "a", owner: [Int].self).owner == "Array<Swift.Int>")
        #expect(Signal<Node, Int>(name: "a", owner: (Int, String).self).owner == "(Swift.Int, Swift.String)")
    }

    @Test func boundSignalDescriptionShowsSender() {
        let signal = Signal<Node, Int>(name: "changed", owner: "Svc").withDefaultSender(Node("a"))
        #expect(signal.description == "<Signal: Svc.changed sender=Node(a)>")
    }

    // MARK: G4, G7, G8: connect and send

    @Test func receiversGetSenderAndValueInConnectionOrder() async throws {
        let signal = Signal<String, Int>()
        let recorder = Recorder<String>()
        for index in 0..<5 {
            signal.connect { sender, value in recorder.record("\(index):\(sender):\(value)") }
        }
        try await signal.send(7, from: "s")
        #expect(recorder.events == ["0:s:7", "1:s:7", "2:s:7", "3:s:7", "4:s:7"])
    }

    @Test func connectingTheSameClosureTwiceCallsItTwice() async throws {
        let signal = Signal<String, Int>()
        let recorder = Recorder<Int>()
        let receiver: Signal<String, Int>.Receiver = { _, value in recorder.record(value) }
        let first = signal.connect(receiver)
        let second = signal.connect(receiver)
        #expect(first != second)
        try await signal.send(1, from: "s")
        #expect(recorder.events == [1, 1])
    }

    @Test func receiversAreAwaitedOneAtATime() async throws {
        let signal = Signal<String, Int>()
        let recorder = Recorder<String>()
        for index in 0..<3 {
            signal.connect { _, _ in
                recorder.record("start \(index)")
                await Task.yield()
                recorder.record("end \(index)")
            }
        }
        try await signal.send(0, from: "s")
        #expect(
            recorder.events == ["start 0", "end 0", "start 1", "end 1", "start 2", "end 2"]
        )
    }

    @Test func receiversAreStrongByDefault() async throws {
        let signal = Signal<String, Int>()
        let recorder = Recorder<String>()
        do {
            let listener = Listener(recorder)
            signal.connect { _, value in listener.recorder.record("got \(value)") }
        }
        try await signal.send(1, from: "s")
        #expect(recorder.events == ["got 1"])
        #expect(signal.receiverCount == 1)
    }

    @Test func hashableSendersFilterByEquality() async throws {
        let signal = Signal<String, Int>()
        let recorder = Recorder<String>()
        signal.connect(from: "a") { sender, value in recorder.record("a-only \(sender) \(value)") }
        signal.connect { sender, value in recorder.record("all \(sender) \(value)") }
        try await signal.send(1, from: "a")
        try await signal.send(2, from: "b")
        try await signal.send(3, from: String("a"))
        #expect(recorder.events == ["a-only a 1", "all a 1", "all b 2", "a-only a 3", "all a 3"])
    }

    @Test func classSendersFilterByIdentity() async throws {
        let signal = Signal<Node, Int>()
        let recorder = Recorder<String>()
        let first = Node("same")
        let second = Node("same")
        signal.connect(from: first) { sender, value in recorder.record("\(sender.name) \(value)") }
        try await signal.send(1, from: second)
        try await signal.send(2, from: first)
        #expect(recorder.events == ["same 2"])
    }

    @Test func hashableClassSendersFilterByEquality() async throws {
        let signal = Signal<KeyedNode, Int>()
        let recorder = Recorder<Int>()
        signal.connect(from: KeyedNode("k")) { _, value in recorder.record(value) }
        try await signal.send(1, from: KeyedNode("k"))
        try await signal.send(2, from: KeyedNode("other"))
        #expect(recorder.events == [1])
    }

    @Test func filteredAndUnfilteredReceiversInterleaveInConnectionOrder() async throws {
        let signal = Signal<String, Int>()
        let recorder = Recorder<String>()
        signal.connect { _, _ in recorder.record("g1") }
        signal.connect(from: "a") { _, _ in recorder.record("a1") }
        signal.connect(from: "b") { _, _ in recorder.record("b1") }
        signal.connect { _, _ in recorder.record("g2") }
        signal.connect(from: "a") { _, _ in recorder.record("a2") }
        try await signal.send(0, from: "a")
        #expect(recorder.events == ["g1", "a1", "g2", "a2"])
    }

    @Test func voidSignalsSendWithoutAValue() async throws {
        let signal = Signal<String, Void>()
        let recorder = Recorder<String>()
        signal.connect { sender, _ in recorder.record(sender) }
        try await signal.send(from: "x")
        try await signal.withDefaultSender("y").send()
        #expect(recorder.events == ["x", "y"])
    }

    // MARK: G5: disconnect

    @Test func disconnectByHandleStopsTheReceiver() async throws {
        let signal = Signal<String, Int>()
        let recorder = Recorder<Int>()
        let connection = signal.connect { _, value in recorder.record(value) }
        try await signal.send(1, from: "s")
        #expect(connection.isConnected)
        #expect(connection.disconnect())
        #expect(!connection.isConnected)
        #expect(!connection.disconnect())
        try await signal.send(2, from: "s")
        #expect(recorder.events == [1])
    }

    @Test func disconnectFilteredReceiverBySignal() async throws {
        let signal = Signal<String, Int>()
        let recorder = Recorder<Int>()
        let connection = signal.connect(from: "a") { _, value in recorder.record(value) }
        #expect(signal.disconnect(connection))
        #expect(!signal.disconnect(connection))
        try await signal.send(1, from: "a")
        #expect(recorder.events.isEmpty)
        #expect(signal.receiverCount == 0)
    }

    @Test func disconnectOfAnotherSignalsConnectionIsRefused() async throws {
        let signal = Signal<String, Int>()
        let other = Signal<String, Int>()
        let recorder = Recorder<Int>()
        let connection = other.connect { _, value in recorder.record(value) }
        #expect(!signal.disconnect(connection))
        try await other.send(1, from: "s")
        #expect(recorder.events == [1])
    }

    @Test func disconnectAllRemovesEveryReceiver() async throws {
        let signal = Signal<String, Int>()
        let bound = signal.withDefaultSender("a")
        let recorder = Recorder<Int>()
        signal.connect { _, value in recorder.record(value) }
        bound.connect { _, value in recorder.record(value) }
        #expect(signal.receiverCount == 2)
        bound.disconnectAll()
        #expect(signal.receiverCount == 0)
        try await signal.send(1, from: "a")
        #expect(recorder.events.isEmpty)
    }

    @Test func receiverMayDisconnectItselfDuringASend() async throws {
        let signal = Signal<String, Int>()
        let recorder = Recorder<Int>()
        let box = Locked<SignalConnection?>(nil)
        let connection = signal.connect { _, value in
            recorder.record(value)
            _ = box.withLock { $0 }?.disconnect()
        }
        box.withLock { $0 = connection }
        try await signal.send(1, from: "s")
        try await signal.send(2, from: "s")
        #expect(recorder.events == [1])
    }

    @Test func receiverConnectedDuringASendRunsFromTheNextSend() async throws {
        let signal = Signal<String, Int>()
        let recorder = Recorder<String>()
        signal.connect { _, value in
            recorder.record("outer \(value)")
            if value == 1 {
                signal.connect { _, value in recorder.record("inner \(value)") }
            }
        }
        try await signal.send(1, from: "s")
        try await signal.send(2, from: "s")
        #expect(recorder.events == ["outer 1", "outer 2", "inner 2"])
    }

    // MARK: Weak receivers

    @Test func weakReceiverGoesAwayWithItsTarget() async throws {
        let signal = Signal<String, Int>()
        let recorder = Recorder<String>()
        var listener: Listener? = Listener(recorder)
        let connection = signal.connect(weak: try #require(listener)) { listener, _, value in
            listener.recorder.record("weak \(value)")
        }
        try await signal.send(1, from: "s")
        #expect(signal.receiverCount == 1)
        listener = nil
        try await signal.send(2, from: "s")
        #expect(recorder.events == ["weak 1"])
        #expect(!connection.isConnected)
        #expect(signal.receiverCount == 0)
    }

    @Test func weakFilteredReceiverOnlyForItsSender() async throws {
        let signal = Signal<String, Int>()
        let recorder = Recorder<String>()
        let listener = Listener(recorder)
        signal.connect(weak: listener, from: "a") { listener, sender, value in
            listener.recorder.record("\(sender) \(value)")
        }
        try await signal.send(1, from: "b")
        try await signal.send(2, from: "a")
        #expect(recorder.events == ["a 2"])
    }

    @Test func receiversFilteredOnADeadClassSenderArePruned() async throws {
        let signal = Signal<Node, Int>()
        let recorder = Recorder<Int>()
        var node: Node? = Node("gone")
        signal.connect(from: try #require(node)) { _, value in recorder.record(value) }
        signal.connect(weak: Listener(Recorder()), from: Node("other")) { _, _, _ in }
        #expect(signal.receiverCount == 1)  // the weak Listener and the temporary Node are already gone
        node = nil
        #expect(signal.receiverCount == 0)
        try await signal.send(1, from: Node("new"))
        #expect(recorder.events.isEmpty)
    }

    @Test func receiverCountPrunesWithoutASend() async throws {
        let signal = Signal<String, Int>()
        var listener: Listener? = Listener(Recorder())
        let connection = signal.connect(weak: try #require(listener)) { _, _, _ in }
        listener = nil
        #expect(signal.receiverCount == 0)
        #expect(!connection.isConnected)
    }

    // MARK: G6, G10, G11: default sender and clones

    @Test func sendWithoutSenderThrowsMissingSender() async throws {
        let signal = Signal<String, Int>(name: "changed", owner: "Svc")
        let recorder = Recorder<Int>()
        signal.connect { _, value in recorder.record(value) }
        let error = await #expect(throws: SignalError.self) { try await signal.send(1) }
        #expect(error?.code == .missingSender)
        #expect(error?.signal == "Svc.changed")
        #expect(recorder.events.isEmpty)
    }

    @Test func boundSignalSendsFromAndConnectsForItsSender() async throws {
        let base = Signal<String, Int>(name: "changed")
        let boundA = base.withDefaultSender("a")
        let boundB = base.withDefaultSender("b")
        let recorder = Recorder<String>()
        base.connect { sender, value in recorder.record("base \(sender) \(value)") }
        boundA.connect { sender, value in recorder.record("boundA \(sender) \(value)") }
        try await boundA.send(1)
        try await boundB.send(2)
        try await base.send(3, from: "a")
        try await boundB.send(4, from: "a")
        #expect(
            recorder.events == [
                "base a 1", "boundA a 1", "base b 2", "base a 3", "boundA a 3", "base a 4", "boundA a 4",
            ]
        )
        #expect(boundA.defaultSender == "a")
        #expect(boundA.name == "changed")
    }

    @Test func explicitSenderWinsOverTheDefaultSender() async throws {
        let bound = Signal<String, Int>().withDefaultSender("a")
        let recorder = Recorder<String>()
        bound.connect(from: "b") { sender, value in recorder.record("\(sender) \(value)") }
        try await bound.send(1)
        try await bound.send(2, from: "b")
        #expect(recorder.events == ["b 2"])
    }

    @Test func boundToClassSenderFiltersByIdentity() async throws {
        let base = Signal<Node, Int>()
        let node = Node("n")
        let bound = base.withDefaultSender(node)
        let recorder = Recorder<Int>()
        bound.connect { _, value in recorder.record(value) }
        try await base.send(1, from: Node("n"))
        try await base.send(2, from: node)
        try await bound.send(3)
        #expect(recorder.events == [2, 3])
    }

    @Test func cloneHasSameIdentityButNoReceivers() async throws {
        let signal = Signal<String, Int>(name: "changed", owner: "Svc", errorPolicy: .callAllThenThrow)
            .withDefaultSender("a")
        let recorder = Recorder<String>()
        signal.connect { _, value in recorder.record("original \(value)") }
        let clone = signal.clone()
        #expect(clone.name == "changed")
        #expect(clone.owner == "Svc")
        #expect(clone.errorPolicy == .callAllThenThrow)
        #expect(clone.defaultSender == "a")
        #expect(clone.receiverCount == 0)
        clone.connect { _, value in recorder.record("clone \(value)") }
        try await clone.send(1)
        try await signal.send(2)
        #expect(recorder.events == ["clone 1", "original 2"])
        #expect(signal.clone(name: "renamed").label == "Svc.renamed")
    }

    // MARK: Error policy

    @Test func firstErrorAbortsTheRestByDefault() async throws {
        let signal = Signal<String, Int>()
        let recorder = Recorder<Int>()
        signal.connect { _, _ in recorder.record(0) }
        signal.connect { _, _ in throw ReceiverFailure(id: 1) }
        signal.connect { _, _ in recorder.record(2) }
        await #expect(throws: ReceiverFailure(id: 1)) { try await signal.send(0, from: "s") }
        #expect(recorder.events == [0])
    }

    @Test func callAllThenThrowRunsEveryReceiverAndListsErrors() async throws {
        let signal = Signal<String, Int>(name: "changed", errorPolicy: .callAllThenThrow)
        let recorder = Recorder<Int>()
        signal.connect { _, _ in throw ReceiverFailure(id: 0) }
        signal.connect { _, _ in recorder.record(1) }
        signal.connect(from: "s") { _, _ in throw ReceiverFailure(id: 2) }
        signal.connect { _, _ in recorder.record(3) }
        let error = await #expect(throws: SignalError.self) { try await signal.send(0, from: "s") }
        #expect(error?.code == .receiversFailed)
        #expect(error?.receiverErrors.map { ($0 as? ReceiverFailure)?.id } == [0, 2])
        #expect(recorder.events == [1, 3])
    }

    @Test func callAllThenThrowSucceedsWhenNothingThrows() async throws {
        let signal = Signal<String, Int>(errorPolicy: .callAllThenThrow)
        let recorder = Recorder<Int>()
        signal.connect { _, value in recorder.record(value) }
        try await signal.send(5, from: "s")
        #expect(recorder.events == [5])
    }

    @Test(arguments: [ReceiverErrorPolicy.abortOnFirstError, .callAllThenThrow])
    func cancellationErrorStopsTheDispatchUntouched(policy: ReceiverErrorPolicy) async throws {
        let signal = Signal<String, Int>(errorPolicy: policy)
        let recorder = Recorder<Int>()
        signal.connect { _, _ in throw CancellationError() }
        signal.connect { _, _ in recorder.record(1) }
        await #expect(throws: CancellationError.self) { try await signal.send(0, from: "s") }
        #expect(recorder.events.isEmpty)
    }

    @Test func weakReceiversDispatchHonoursThePolicy() async throws {
        let signal = Signal<String, Int>(errorPolicy: .callAllThenThrow)
        let recorder = Recorder<String>()
        let listener = Listener(recorder)
        signal.connect(weak: listener) { _, _, _ in throw ReceiverFailure(id: 0) }
        signal.connect(weak: listener) { listener, _, _ in listener.recorder.record("second") }
        let error = await #expect(throws: SignalError.self) { try await signal.send(0, from: "s") }
        #expect(error?.receiverErrors.count == 1)
        #expect(recorder.events == ["second"])
    }

    // MARK: G13 and concurrency

    @Test func signalsAreUsableThroughTheProtocol() {
        let signals: [any SignalProtocol] = [
            Signal<String, Int>(name: "a", owner: "X"), SyncSignal<String, Int>(name: "b", owner: "X"),
        ]
        #expect(signals.map(\.label) == ["X.a", "X.b"])
        #expect(signals.map(\.description) == ["<Signal: X.a>", "<SyncSignal: X.b>"])
    }

    @Test func concurrentConnectSendAndDisconnect() async throws {
        let signal = Signal<Node, Int>()
        let calls = Atomic<Int>(0)
        let node = Node("n")
        let permanent = 4
        for _ in 0..<permanent {
            signal.connect { _, _ in calls.add(1, ordering: .relaxed) }
        }
        try await withThrowingTaskGroup(of: Void.self) { group in
            for task in 0..<8 {
                group.addTask {
                    for round in 0..<200 {
                        let connection =
                            task.isMultiple(of: 2)
                            ? signal.connect { _, _ in }
                            : signal.connect(from: node) { _, _ in }
                        try await signal.send(round, from: node)
                        #expect(connection.disconnect())
                    }
                }
            }
            try await group.waitForAll()
        }
        #expect(calls.load(ordering: .relaxed) == permanent * 8 * 200)
        #expect(signal.receiverCount == permanent)
    }
}
