import ModeQueues
import Testing

@Suite
struct QueueErrorTests {
    @Test func clearedErrorHasItsCodeAndSaysWhatToDo() {
        let error = QueueError.cleared()
        #expect(error.code == .cleared)
        #expect(error.code.description == "cleared")
        #expect(error.description.hasPrefix("QueueError.cleared: "))
        #expect(error.message.contains("discarded"))
        #expect(error.message.contains("Put it again"))
    }

    @Test func equalityAndHashingUseTheCodeOnly() {
        #expect(QueueError.cleared() == QueueError.cleared())
        #expect(Set([QueueError.cleared(), QueueError.cleared()]).count == 1)
    }
}
