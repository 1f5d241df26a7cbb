import Logging
import ModeLogging
import ModeConcurrencyHelpers

/// 2026-11-21 15:47:12.159 UTC.
let fixedInstant = LogTimeSource.Instant(secondsSinceEpoch: 1_795_276_032, nanoseconds: 159_000_000)

/// A time source stuck at ``fixedInstant``, printed in UTC.
let fixedTime = LogTimeSource(zone: .utc) { fixedInstant }

/// Collects what a ``LogOutput`` writes.
final class LineCollector: Sendable {
    private let lines = Locked<[String]>([])

    /// An output that appends every line here.
    var output: LogOutput {
        LogOutput { line in self.lines.withLock { $0.append(line) } }
    }

    /// The lines so far, without their newlines.
    var all: [String] {
        self.lines.withLock { $0.map { String($0.dropLast()) } }
    }
}

/// A logger whose lines, formatted by ``ModeLogHandler`` with ``fixedTime``, arrive on a stream.
func streamingLogger(level: Logger.Level = .trace) -> (Logger, AsyncStream<String>) {
    let (stream, continuation) = AsyncStream.makeStream(of: String.self)
    let output = LogOutput { line in continuation.yield(String(line.dropLast())) }
    let logger = Logger(label: "test") { label in
        ModeLogHandler(label: label, output: output, level: level, colors: .never, timeSource: fixedTime)
    }
    return (logger, stream)
}

/// A handler that formats with ``fixedTime`` into `collector`.
func collectingHandler(_ collector: LineCollector, colors: LogColors = .never) -> ModeLogHandler {
    ModeLogHandler(label: "test", output: collector.output, level: .trace, colors: colors, timeSource: fixedTime)
}

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A fresh path under /tmp for this test.
func temporaryPath(_ name: String) -> String {
    "/tmp/mode-logging-\(getpid())-\(UInt32.random(in: 0...UInt32.max))-\(name)"
}

/// The whole content of the file at `path`, or `nil` when it cannot be read.
func readFile(_ path: String) -> String? {
    let descriptor = open(path, O_RDONLY)
    guard descriptor >= 0 else { return nil }
    defer { close(descriptor) }
    return drain(descriptor)
}

/// Reads `descriptor` to its end of file.
func drain(_ descriptor: Int32) -> String {
    var bytes: [UInt8] = []
    var buffer = [UInt8](repeating: 0, count: 4096)
    while true {
        let count = buffer.withUnsafeMutableBytes { read(descriptor, $0.baseAddress, $0.count) }
        if count <= 0 { break }
        bytes.append(contentsOf: buffer[0..<count])
    }
    return String(decoding: bytes, as: UTF8.self)
}

/// Writes `text` to `descriptor` with one `write(2)`.
func writeRaw(_ descriptor: Int32, _ text: String) {
    let bytes = Array(text.utf8)
    _ = bytes.withUnsafeBytes { write(descriptor, $0.baseAddress, $0.count) }
}

/// A pipe: (read end, write end).
func makePipe() -> (Int32, Int32) {
    var ends: [Int32] = [0, 0]
    _ = pipe(&ends)
    return (ends[0], ends[1])
}
