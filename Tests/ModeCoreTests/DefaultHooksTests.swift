import ModeCore
import Testing

/// A start skips the hooks a type leaves at their defaults once it has seen them run; these check that it
/// never skips a hook a type implements, and still notices a stop at every point where the service's own code
/// ran.
@Suite(.timeLimit(.minutes(1)))
struct DefaultHooksTests {
    /// Implements only `onStarted` and `backgroundTasks`; the other start hooks are the defaults.
    actor OnlyStarted: Service {
        let runtime = ServiceRuntime()
        var started = 0
        var declared = 0

        func onStarted() { self.started += 1 }

        func backgroundTasks() -> [BackgroundTask] {
            self.declared += 1
            return []
        }
    }

    /// Implements only `onStart`, and stops itself from it when asked.
    actor StopsInOnStart: Service {
        let runtime = ServiceRuntime()
        let stopFromOnStart: Bool
        var started = 0

        init(stopFromOnStart: Bool) {
            self.stopFromOnStart = stopFromOnStart
        }

        func onStart() async {
            if self.stopFromOnStart { await self.stop() }
        }

        func onStarted() { self.started += 1 }
    }

    @Test func implementedHooksRunOnEveryStartAfterTheDefaultsAreLearnt() async throws {
        for round in 1...3 {
            let service = OnlyStarted()
            try await service.start()
            try await service.restart()
            #expect(await service.started == 2, "round \(round)")
            #expect(await service.declared == 2, "round \(round)")
            await service.stop()
        }
    }

    @Test func aStopFromAnImplementedHookIsNoticedAfterTheDefaultsAreLearnt() async throws {
        // First a start that runs every hook (the defaults are learnt), then one whose onStart stops it.
        let plain = StopsInOnStart(stopFromOnStart: false)
        try await plain.start()
        #expect(await plain.started == 1)
        await plain.stop()
        let stopping = StopsInOnStart(stopFromOnStart: true)
        try await stopping.start()
        #expect(stopping.state == .stopped)
        #expect(await stopping.started == 0, "onStarted does not run after a stop from onStart")
    }
}
