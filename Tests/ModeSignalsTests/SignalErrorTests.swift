import ModeSignals
import Testing

@Suite
struct SignalErrorTests {
    @Test func equalityComparesCodesOnly() {
        let first = SignalError.receiversFailed(signal: "a", errors: [ReceiverFailure(id: 1)])
        let second = SignalError.receiversFailed(signal: "b", errors: [])
        #expect(first == second)
        #expect(first != SignalError.missingSender(signal: "a"))
        #expect(Set([first, second]).count == 1)
    }

    @Test func missingSenderSaysWhatToDo() {
        let error = SignalError.missingSender(signal: "Svc.changed")
        #expect(error.description.contains("'Svc.changed'"))
        #expect(error.description.contains("send(_:from:)"))
        #expect(error.description.contains("withDefaultSender"))
        #expect(error.receiverErrors.isEmpty)
    }

    @Test func receiversFailedListsEveryError() {
        let error = SignalError.receiversFailed(
            signal: "",
            errors: [ReceiverFailure(id: 1), ReceiverFailure(id: 2)]
        )
        #expect(error.description.hasPrefix("2 receiver(s) of signal threw: "))
        #expect(error.description.contains("ReceiverFailure(id: 1)"))
        #expect(error.description.contains("ReceiverFailure(id: 2)"))
    }

    @Test func codesAndPoliciesDescribeThemselves() {
        #expect(SignalError.Code.missingSender.description == "missingSender")
        #expect(SignalError.Code.receiversFailed.description == "receiversFailed")
        #expect(ReceiverErrorPolicy.abortOnFirstError.description == "abortOnFirstError")
        #expect(ReceiverErrorPolicy.callAllThenThrow.description == "callAllThenThrow")
        #expect(ReceiverErrorPolicy.abortOnFirstError != .callAllThenThrow)
    }
}
