import Mode
import Testing

/// `import Mode` alone reaches every module but ModeTesting.
struct UmbrellaTests {
    actor Hello: Service {
        let runtime = ServiceRuntime()
    }

    @Test func oneImportReachesEveryModule() async throws {
        let service = Hello()
        try await service.start()
        #expect(service.state == .running)
        await service.stop()

        _ = SupervisorStrategy.self  // ModeSupervisors
        _ = FlowControlQueue<Int>.self  // ModeQueues
        _ = SyncSignal<String, Int>.self  // ModeSignals
        _ = LRUCache<String, Int>.self  // ModeCollections
        _ = ModeLogHandler.self  // ModeLogging
        _ = WorkerOptions.self  // ModeWorker
        #expect(try CronSchedule(parsing: "@hourly").description.isEmpty == false)  // ModeTime
        #expect(ServiceError.Code.crashed.name == "crashed")  // ModeErrors
        let collected = await arange(0, 3).collect()  // ModeAsyncSeq
        #expect(collected == [0, 1, 2])
    }
}
