// A tour of ModeLogging: Mode's log format on swift-log, stdio redirection, and the flight recorder.
import Logging
import ModeLogging

// 1. Set up logging once, with a level given the way Python Mode accepts it ("info", "WARN", 20).
let level = try Logger.Level(parsing: "info")
let outcome = try setupLogging(level: level)
print("setupLogging: \(outcome)")  // installed

// A second call (or a call after the application bootstrapped swift-log itself) changes nothing.
print("setupLogging again: \(try setupLogging(level: .debug))")  // alreadySetUp

// 2. A service's logger, as ModeCore makes it: the service label and tree depth travel as metadata.
var webserver = Logger(label: "app.webserver")
webserver[metadataKey: ModeMetadataKey.service] = "Webserver"
webserver[metadataKey: ModeMetadataKey.depth] = "3"
webserver.info("Starting...")  // [..: INFO]: [^--Webserver]: Starting...
webserver.warning("Slow request", metadata: ["path": "/users", "ms": "950"])

// 3. Redirect standard output into the log while some chatty code runs.
try await withRedirectedStdio(to: Logger(label: "mode.redirect"), level: .warning) {
    print("hello from print")  // logged as a WARNING line
}

// 4. The flight recorder: silent when the work is quick...
let logger = Logger(label: "app.cache")
await withFlightRecorder(logger: logger, timeout: .seconds(5)) { recorder in
    recorder.info("+refresh")
    recorder.info("-refresh")
}

// ...and replaying its lines when the work outlives the timeout.
try await withFlightRecorder(logger: logger, timeout: .milliseconds(50)) { recorder in
    let user = try await recorder.traced("redis.get", "user", level: .info) {
        try await ContinuousClock().sleep(for: .milliseconds(200))  // hangs past the timeout
        return "alice"
    }
    // Past the timeout, lines go straight out.
    FlightRecorder.current?.info("got \(user)")
}

// 5. Redirection without a scope: start it, and restore the descriptors when done.
let redirection = try StdioRedirection.start(logger: Logger(label: "mode.redirect"), level: .warning)
print("hello again from print")  // logged as a WARNING line
redirection.restore()

// 6. The recorder waits on an injectable clock (tests pass ModeTesting's ManualClock).
/// Stands in for a Redis client.
struct Redis {
    func get(_ key: String) async throws -> String { "alice" }
}
let redis = Redis()
let clock = ContinuousClock()
try await withFlightRecorder(logger: logger, timeout: .seconds(10), clock: clock) { recorder in
    recorder.info("+redis.get(user)")
    let user = try await redis.get("user")
    recorder.info("-redis.get(user) = \(user)")
}
