import ModeSignals
import Testing

@Suite
struct SignalConnectionTests {
    @Test func connectionsAreDistinctAndHashable() {
        let signal = Signal<String, Int>()
        let first = signal.connect { _, _ in }
        let second = signal.connect { _, _ in }
        let copy = first
        #expect(first == copy)
        #expect(first != second)
        #expect(Set([first, second, copy]).count == 2)
    }

    @Test func connectionsOfDifferentSignalsDiffer() {
        let first = Signal<String, Int>().connect { _, _ in }
        let second = SyncSignal<String, Int>().connect { _, _ in }
        #expect(first != second)
    }

    @Test func connectionOfABoundCopyDisconnectsThroughTheBase() {
        let base = SyncSignal<String, Int>()
        let connection = base.withDefaultSender("a").connect { _, _ in }
        #expect(base.receiverCount == 1)
        #expect(base.disconnect(connection))
        #expect(base.receiverCount == 0)
    }

    @Test func connectionOfACloneIsNotTheOriginals() {
        let base = SyncSignal<String, Int>()
        let connection = base.clone().connect { _, _ in }
        #expect(!base.disconnect(connection))
        #expect(connection.isConnected)
    }
}
