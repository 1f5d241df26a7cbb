import ModeCore
import ModeTestSupport
import Testing

@Suite struct NodeTests {
    @Test func depthPathWalkAndTraverse() throws {
        let root = Node("303")
        let middle = root.new("808")
        let leaf = middle.new("909")
        let other = root.new("11")
        #expect(root.depth == 1)
        #expect(leaf.depth == 3)
        #expect(leaf.path == "303/808/909")
        #expect(leaf.description == "Node: 303/808/909")
        #expect(leaf.walk().map(\.value) == ["909", "808", "303"])
        #expect(root.traverse().map(\.value) == ["303", "808", "11", "909"])
        #expect(leaf.root === root)
        #expect(other.parent === root)
    }

    @Test func reattachMovesANodeAndRefusesLoops() throws {
        let a = Node("a")
        let b = a.new("b")
        let c = b.new("c")
        let d = Node("d")
        try c.reattach(to: d)
        #expect(c.parent === d)
        #expect(b.children.isEmpty, "reattach removes the node from its old parent")
        let selfLoop = #expect(throws: ServiceError.self) { try a.reattach(to: a) }
        #expect(selfLoop?.code == .dependencyCycle)
        let loop = #expect(throws: ServiceError.self) { try a.reattach(to: b) }
        #expect(loop?.code == .dependencyCycle)
        b.detach()
        #expect(b.parent == nil && a.children.isEmpty)
    }

    @Test func parentLinksAreWeak() {
        let child: Node<String>
        do {
            let parent = Node("parent")
            child = parent.new("child")
            #expect(child.parent != nil)
        }
        #expect(child.parent == nil, "a child does not keep its parent alive")
    }

    @Test func servicesAreReleasedWhenDropped() async throws {
        weak var weakRoot: TestService?
        weak var weakChild: TestService?
        do {
            let events = EventLog()
            let child = TestService("Child", events: events)
            let root = TestService("Root", events: events, dependencies: [child])
            weakRoot = root
            weakChild = child
            try await root.start()
            #expect(child.beacon.parent === root.beacon)
            #expect(child.beacon.path == "Root/Child")
            await root.stop()
        }
        #expect(weakRoot == nil, "no retain cycle between a service, its runtime and its beacon")
        #expect(weakChild == nil)
    }
}
