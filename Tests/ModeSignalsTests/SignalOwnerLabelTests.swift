import ModeSignals
import Testing

private final class PrivateOwner: Sendable {
    struct Nested {}
}

fileprivate struct FileprivateOwner {}

struct PublicOwnerWithPrivateMember {
    private struct Hidden {}
    static var hiddenType: any Any.Type { Hidden.self }
}

private struct GenericPrivateOwner<T> {}

/// Issue 10: a signal owned by a private, fileprivate or local type was labelled
/// `(unknown context at $…).X.on_started`; it now uses the type's name as written.
@Suite struct SignalOwnerLabelTests {
    @Test func privateOwnerHasBareName() {
        let signal = Signal<Int, Int>(name: "on_started", owner: PrivateOwner.self)
        #expect(signal.owner == "PrivateOwner")
        #expect(signal.label == "PrivateOwner.on_started")
        #expect(!signal.description.contains("unknown context"))
    }

    @Test func typeNestedInPrivateOwnerKeepsItsPath() {
        let signal = SyncSignal<Int, Int>(name: "changed", owner: PrivateOwner.Nested.self)
        #expect(signal.label == "PrivateOwner.Nested.changed")
    }

    @Test func fileprivateOwnerHasBareName() {
        #expect(Signal<Int, Int>(name: "x", owner: FileprivateOwner.self).label == "FileprivateOwner.x")
    }

    @Test func privateMemberOfPublicTypeHasBareName() {
        let signal = Signal<Int, Int>(name: "x", owner: PublicOwnerWithPrivateMember.hiddenType)
        #expect(signal.label == "Hidden.x")
    }

    @Test func functionLocalOwnerHasBareName() {
        struct LocalOwner {}
        let signal = SyncSignal<Int, Int>(name: "on_started", owner: LocalOwner.self)
        #expect(signal.label == "LocalOwner.on_started")
    }

    @Test func genericPrivateOwner() {
        let signal = Signal<Int, Int>(name: "x", owner: GenericPrivateOwner<Int>.self)
        #expect(signal.owner == "GenericPrivateOwner<Swift.Int>")
    }
}
