import ModeCore
import ModeTesting
import Testing

@Suite(.timeLimit(.minutes(1)))
struct ServiceLeakCheckTests {
    @Test func aServiceLeftRunningIsNamedWithItsTasks() async throws {
        let child = MockService("child", taskNames: ["poll"])
        let root = MockService("root", dependencies: [child])
        let error = await #expect(throws: ServiceLeakError.self) {
            try await withServiceLeakCheck { try await root.start() }
        }
        #expect(
            error?.problems == [
                "root is running, not stopped", "root/child is running, not stopped",
                "root/child still runs tasks: poll",
            ]
        )
        await root.stop()
    }

    @Test func aStoppedTreePassesAndTheBodyResultComesBack() async throws {
        let value = try await withServiceLeakCheck {
            let service = MockService("A", taskNames: ["serve"])
            try await service.start()
            await service.stop()
            return 42
        }
        #expect(value == 42)
    }

    @Test func servicesStartedOutsideTheScopeAreNotTracked() async throws {
        let outside = MockService("outside")
        let started = Task { try await outside.start() }  // not a child of the scope's task
        try await withServiceLeakCheck {
            try await started.value
            let inside = MockService("inside")
            try await inside.start()
            await inside.stop()
        }
        #expect(outside.state == .running)
        await outside.stop()
    }

    @Test func aFailedStartCountsAsStopped() async throws {
        try await withServiceLeakCheck {
            let service = MockService("db")
            service.fail(in: .started, with: Refused())
            await #expect(throws: Refused.self) { try await service.start() }
        }
    }

    @Test func theBodysErrorWinsOverTheCheck() async throws {
        let service = MockService("A")
        await #expect(throws: Refused.self) {
            try await withServiceLeakCheck {
                try await service.start()
                throw Refused()
            }
        }
        await service.stop()
    }
}

@Suite(.timeLimit(.minutes(1)), .serviceLeakCheck)
struct ServiceLeakCheckTraitTests {
    @Test func aTestThatStopsWhatItStartsPasses() async throws {
        let clock = ManualClock()
        let service = MockService("A", configuration: ServiceConfiguration(clock: clock), taskNames: ["serve"])
        try await service.start()
        #expect(service.runningTaskNames == ["serve"])
        await service.stop()
    }
}
