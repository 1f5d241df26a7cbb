// What every benchmark target and the plain-Swift anchors share: the sizes to run (from the environment, so
// Tools/Benchmarks/compare.py and CI can pick them) and a machine-readable record of each measured figure.
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The sizes and counts a run uses, read from the environment.
///
/// `MODE_BENCH_QUICK=1` selects tiny sizes (seconds in all, for CI); a variable named after a figure
/// (`MODE_BENCH_TREE_SIZES=1000,10000`) overrides one list.
public enum BenchEnvironment {
    /// Whether `MODE_BENCH_QUICK=1` asked for tiny sizes.
    public static let quick: Bool = variable("MODE_BENCH_QUICK") == "1"

    /// The value of an environment variable, if set.
    public static func variable(_ name: String) -> String? {
        guard let raw = getenv(name) else { return nil }
        return String(cString: raw)
    }

    /// A list of sizes: the variable `name` (comma-separated) if set, else `quick` or `full`.
    public static func sizes(_ name: String, full: [Int], quick: [Int]) -> [Int] {
        if let raw = variable(name) {
            let parsed = raw.split(separator: ",").compactMap { Int($0.trimmingWhitespace()) }.filter { $0 > 0 }
            if !parsed.isEmpty { return parsed }
        }
        return Self.quick ? quick : full
    }

    /// One count: the variable `name` if set, else `quick` or `full`.
    public static func count(_ name: String, full: Int, quick: Int) -> Int {
        sizes(name, full: [full], quick: [quick])[0]
    }

    /// How many measured iterations an ordo-one benchmark runs: 1 in quick mode.
    public static func iterations(_ full: Int) -> Int { Self.quick ? 1 : full }
}

extension Substring {
    fileprivate func trimmingWhitespace() -> Substring {
        var result = self
        while result.first == " " { result = result.dropFirst() }
        while result.last == " " { result = result.dropLast() }
        return result
    }
}

/// Appends one measurement as a JSON line to the file named by `MODE_BENCH_RECORD` (nothing if unset).
///
/// `figure` names the scenario (`tree_start`), `size` its size (services, receivers, items), `value` the
/// per-unit cost or figure in `unit`. Each iteration appends a line; the comparison script takes the median.
public func record(_ figure: String, size: Int, value: Double, unit: String) {
    guard let path = BenchEnvironment.variable("MODE_BENCH_RECORD"), value.isFinite else { return }
    let line = "{\"figure\":\"\(figure)\",\"size\":\(size),\"value\":\(value),\"unit\":\"\(unit)\"}\n"
    let descriptor = open(path, O_WRONLY | O_APPEND | O_CREAT, 0o644)
    guard descriptor >= 0 else { return }
    defer { close(descriptor) }
    var bytes = Array(line.utf8)
    _ = bytes.withUnsafeMutableBytes { write(descriptor, $0.baseAddress, $0.count) }
}

/// Resident memory of this process in bytes, from /proc/self/statm (0 where that file does not exist).
public func residentBytes() -> Int {
    let descriptor = open("/proc/self/statm", O_RDONLY)
    guard descriptor >= 0 else { return 0 }
    defer { close(descriptor) }
    var buffer = [UInt8](repeating: 0, count: 128)
    let count = buffer.withUnsafeMutableBytes { read(descriptor, $0.baseAddress, $0.count) }
    guard count > 0 else { return 0 }
    let fields = String(decoding: buffer[0..<count], as: UTF8.self).split(separator: " ")
    guard fields.count > 1, let pages = Int(fields[1]) else { return 0 }
    return pages * Int(sysconf(Int32(_SC_PAGESIZE)))
}

/// CPU time (user + system) this process has used so far, in seconds.
public func cpuSeconds() -> Double {
    var usage = rusage()
    #if canImport(Glibc)
    getrusage(RUSAGE_SELF.rawValue, &usage)
    #else
    getrusage(RUSAGE_SELF, &usage)
    #endif
    func seconds(_ value: timeval) -> Double { Double(value.tv_sec) + Double(value.tv_usec) / 1e6 }
    return seconds(usage.ru_utime) + seconds(usage.ru_stime)
}

extension Duration {
    /// This duration in seconds, as a `Double`.
    public var seconds: Double {
        Double(self.components.seconds) + Double(self.components.attoseconds) / 1e18
    }
}

/// The median of some values (0 for none).
public func median(_ values: [Double]) -> Double {
    guard !values.isEmpty else { return 0 }
    let sorted = values.sorted()
    return sorted[sorted.count / 2]
}

/// The timer scenario's interval for `services` timers sharing a total of `totalTicksPerSecond` (at least 1 µs).
public func timerInterval(services: Int, totalTicksPerSecond: Int) -> Duration {
    .nanoseconds(max(Int64(services) * 1_000_000_000 / Int64(max(totalTicksPerSecond, 1)), 1_000))
}
