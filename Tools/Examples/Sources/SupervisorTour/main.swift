// A tour of ModeSupervisors: the worked example of Docs/ModeSupervisors.md.
import ModeCore
import ModeSupervisors

/// A stage of a pipeline: it runs one loop until it stops, and counts its starts.
actor Stage: Service {
    let runtime = ServiceRuntime()
    let name: String
    private(set) var starts = 0

    init(_ name: String) {
        self.name = name
    }

    nonisolated var label: String { self.name }

    func onStarted() {
        self.starts += 1
    }

    func backgroundTasks() -> [BackgroundTask] {
        [.task("loop") { await self.waitUntilStopped() }]
    }
}

struct ParseError: Error {}

func tour() async throws {
    // 1. Rest-for-one: a crash of the parser restarts the parser and the writer after it, not the reader.
    let reader = Stage("reader")
    let parser = Stage("parser")
    let writer = Stage("writer")
    let (events, eventSink) = AsyncStream.makeStream(of: SupervisorEvent.self)
    var nextEvent = events.makeAsyncIterator()

    let pipeline = Supervisor(
        [reader, parser, writer],
        strategy: .restForOne,
        intensity: try RestartIntensity(maxRestarts: 2, within: .seconds(60)),
        label: "pipeline",
        onEvent: { eventSink.yield($0) }
    )
    try await pipeline.start()

    parser.crash(ParseError())
    if let event = await nextEvent.next() {
        print("event:", event)  // restarted ["parser", "writer"] after parser failed: ParseError()
    }
    print("starts:", await reader.starts, await parser.starts, await writer.starts)  // 1 2 2

    // 2. A transient stage may finish: stopping on its own is not a failure.
    let migrations = Stage("migrations")
    try await pipeline.add(migrations, restart: .transient)
    await migrations.stop()
    print("migrations:", migrations.state, "restarts:", migrations.restartCount)  // stopped, 0

    // 3. Past the intensity limit the supervisor stops its stages and crashes itself.
    parser.crash(ParseError())
    _ = await nextEvent.next()  // the second restart within the minute
    parser.crash(ParseError())
    if let event = await nextEvent.next() {
        print("event:", event.kind)  // escalated
    }
    print("pipeline crashed:", pipeline.isCrashed, "reason:", pipeline.crashReason.map { "\($0)" } ?? "-")
    await pipeline.stop()
}

try await tour()
