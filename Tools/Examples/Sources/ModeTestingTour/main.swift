// Runs the Swift Testing tests of this executable (HeartbeatTests), as `swift test` would, and exits with
// their status: the examples package has no test target, and CI runs every example.
import Testing

await Testing.__swiftPMEntryPoint() as Never
