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

    @Test func aFailedTreeStartReleasesEveryService() async throws {
        struct Refused: Error {}
        weak var weakRoot: TestService?
        weak var weakFirst: TestService?
        weak var weakSecond: TestService?
        do {
            let events = EventLog()
            let first = TestService("First", events: events)
            let second = TestService("Second", events: events, hooks: ["onStart": { _ in throw Refused() }])
            let root = TestService("Root", events: events, dependencies: [first, second])
            weakRoot = root
            weakFirst = first
            weakSecond = second
            await #expect(throws: Refused.self) { try await root.start() }
            #expect(first.state == .stopped)
            #expect(second.beacon.parent === root.beacon)
        }
        #expect(weakRoot == nil, "a failed start leaves no cycle between a service and its beacon")
        #expect(weakFirst == nil)
        #expect(weakSecond == nil)
    }

    @Test func aRemovedChildIsReleased() async throws {
        weak var weakChild: TestService?
        let root = MakesItsChild(events: EventLog())
        try await root.start()
        do {
            let child = try #require(root.children.first as? TestService)
            weakChild = child
            #expect(child.beacon.parent === root.beacon)
            try await root.removeDependency(child)
            #expect(child.beacon.parent == nil)
            #expect(child.beacon.value.service === child)
        }
        #expect(weakChild == nil, "neither the parent nor the child's own beacon keeps a removed child")
        await root.stop()
    }

    @Test func aCycleInTheDependenciesReleasesTheOnesAttachedBeforeIt() async throws {
        weak var weakChild: TestService?
        do {
            let root = LateDependencies()
            let middle = LateDependencies()
            let child = TestService("Child", events: EventLog())
            weakChild = child
            await root.setDependencies([middle])
            await middle.setDependencies([child, root])  // root is middle's parent: a cycle
            await #expect(throws: ServiceError.self) { try await root.start() }
            #expect(child.beacon.parent === middle.beacon)
            #expect(middle.children.count == 1, "the child attached before the refused one is a child")
        }
        #expect(weakChild == nil, "the failed start's teardown released the child attached before the cycle")
    }

    @Test func aBeaconReachesItsServiceInEveryState() async throws {
        let events = EventLog()
        let child = TestService("Child", events: events)
        let root = TestService("Root", events: events, dependencies: [child])
        #expect(root.beacon.value.service === root)
        try await root.start()
        #expect(child.beacon.value.service === child)
        #expect(child.beacon.parent?.value.service === root)
        await root.stop()
        #expect(child.beacon.value.service === child, "after the stop the node observes its service")
        #expect(child.beacon.parent?.value.service === root)
        try await root.restart()
        #expect(child.beacon.value.service === child)
        await root.stop()
    }
}

/// A service whose dependencies are given after it is made, so that a test can make a dependency cycle.
private actor LateDependencies: Service {
    let runtime = ServiceRuntime()
    var dependencies: [any Service] = []

    func setDependencies(_ dependencies: [any Service]) {
        self.dependencies = dependencies
    }

    /// Hands the dependencies over and keeps none: the test's cycle must not be a cycle of references too.
    func initDependencies() -> [any Service] {
        defer { self.dependencies = [] }
        return self.dependencies
    }
}

/// A service whose only dependency is made by `initDependencies` and kept by nothing but the service tree.
private actor MakesItsChild: Service {
    let runtime = ServiceRuntime()
    let events: EventLog

    init(events: EventLog) {
        self.events = events
    }

    func initDependencies() -> [any Service] {
        [TestService("Child", events: self.events)]
    }
}
