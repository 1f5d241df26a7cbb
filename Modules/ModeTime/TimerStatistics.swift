import ModeConcurrencyHelpers
/// Counters a timer keeps about its ticks: how many, how many drifted, how many overlapped.
///
/// The drift counters follow Python Mode's `Timer`: a tick counts as drifting only for intervals of at
/// least one second, when its drift reaches `min(30% of the interval, 1.2 s)`. The lateness figures are
/// this port's addition: they measure every tick, whatever the interval.
///
/// ```swift
/// let stats = timer.statistics
/// print(stats.iteration, stats.driftingLate, stats.overlaps, stats.meanLateness)
/// ```
///
/// A value type (a snapshot); safe to send between tasks.
public struct TimerStatistics: Hashable, Sendable, CustomStringConvertible {
    /// Ticks delivered, Python's `iteration`.
    ///
    /// In the drift-corrected scheduling the first tick is not counted, as in the original.
    public var iteration = 0
    /// Ticks whose drift reached the logging threshold, early or late.
    public var drifting = 0
    /// Drifting ticks that woke up too early.
    public var driftingEarly = 0
    /// Drifting ticks that woke up too late.
    public var driftingLate = 0
    /// Ticks whose previous callback ran longer than the interval.
    public var overlaps = 0
    /// The sum of every tick's lateness: how long after its deadline it woke (zero when early).
    public var totalLateness: Duration = .zero
    /// The largest lateness of any tick.
    public var maxLateness: Duration = .zero
    /// Ticks measured for lateness (every tick).
    public var measuredTicks = 0
    /// Ticks by lateness, in powers of two of a microsecond: bucket `i` counts the ticks at most `2^i` µs
    /// late (bucket 0: at most 1 µs), the last bucket everything later.
    public var latenessHistogram = [Int](repeating: 0, count: Self.bucketCount)

    /// Creates zeroed counters.
    public init() {}

    /// The mean lateness over ``measuredTicks``, or zero before the first tick.
    public var meanLateness: Duration {
        self.measuredTicks == 0 ? .zero : self.totalLateness / self.measuredTicks
    }

    /// The largest lateness ``recordLateness(_:)`` counts, and the most ``totalLateness`` grows to.
    static let largestLateness = Duration.seconds(Int64.max)

    /// Adds one tick's lateness (negative values count as zero; values beyond `.seconds(Int64.max)` count as
    /// that, and ``totalLateness`` stops growing there instead of overflowing).
    public mutating func recordLateness(_ lateness: Duration) {
        let (late, bucket) = Self.measure(lateness)
        self.measuredTicks &+= 1
        self.totalLateness = Self.adding(late, to: self.totalLateness)
        self.maxLateness = max(self.maxLateness, late)
        self.latenessHistogram[bucket] += 1
    }

    /// A tick's lateness clamped to `0 ... .seconds(Int64.max)` (huge values must not trap), and its
    /// histogram bucket.
    static func measure(_ lateness: Duration) -> (late: Duration, bucket: Int) {
        let late = min(max(lateness, .zero), Self.largestLateness)
        let ratio = late / .microseconds(1)
        let micros = ratio < Double(Int.max) ? Int(ratio) : Int.max
        return (late, micros <= 1 ? 0 : min(Int.bitWidth - (micros - 1).leadingZeroBitCount, Self.bucketCount - 1))
    }

    /// `total + late`, saturating at ``largestLateness``.
    static func adding(_ late: Duration, to total: Duration) -> Duration {
        total > Self.largestLateness - late ? Self.largestLateness : total + late
    }

    /// How many buckets ``latenessHistogram`` has.
    static let bucketCount = 32

    /// An upper bound of the lateness that `fraction` of the ticks stayed within (`0.99` for the p99), read
    /// from ``latenessHistogram``: a power of two of a microsecond, or zero before the first tick.
    ///
    /// `fraction` is clamped to `0 ... 1`; NaN counts as 0.
    public func latenessPercentile(_ fraction: Double) -> Duration {
        Self.percentile(fraction, of: self.latenessHistogram)
    }

    /// The same bound over the summed histograms of several timers.
    public static func percentile(_ fraction: Double, of histogram: [Int]) -> Duration {
        let total = histogram.reduce(0, +)
        guard total > 0 else { return .zero }
        // NaN counts as 0 (the smallest bucket); Int(NaN) would trap.
        let share = fraction.isNaN ? 0 : min(max(fraction, 0), 1)
        let wanted = Int((Double(total) * share).rounded(.up))
        var seen = 0
        for (bucket, count) in histogram.enumerated() {
            seen += count
            if seen >= wanted { return .microseconds(1 << bucket) }
        }
        return .microseconds(1 << (histogram.count - 1))
    }

    /// A one-line summary for logs.
    public var description: String {
        "iteration=\(self.iteration) drifting=\(self.drifting) (early=\(self.driftingEarly) "
            + "late=\(self.driftingLate)) overlaps=\(self.overlaps) meanLateness=\(self.meanLateness) "
            + "maxLateness=\(self.maxLateness)"
    }
}

/// A live view of a timer's statistics: pass one to `BackgroundTask.timer(..., monitor:)` or to
/// ``IntervalTimer`` and read ``statistics`` from anywhere, for dashboards, metrics or tests.
///
/// ```swift
/// let flushTimer = TimerMonitor()
/// // in backgroundTasks(): .timer("flush", every: .seconds(5), monitor: flushTimer) { ... }
/// print(flushTimer.statistics.meanLateness)
/// ```
///
/// Safe to read from any task while the timer updates it.
public final class TimerMonitor: Sendable {
    /// The counters; interval timers keep this reference rather than the monitor's, one hop less per tick.
    let counters = Locked(TimerCounters())

    /// Creates a monitor with zeroed counters.
    public init() {}

    /// The counters so far.
    public var statistics: TimerStatistics { self.counters.withLock { $0.statistics } }

    /// Where the counters live, for a cache prefetch hint (the memory a tick writes).
    package var storageSpan: (address: UnsafeRawPointer, bytes: Int) { self.counters.storageSpan }

    /// The counters so far, without building the histogram's array (for a reader that runs every tick).
    package var currentCounters: TimerCounters { self.counters.withLock { $0 } }
}

/// A timer's counters as its ticks update them: ``TimerStatistics`` with the histogram in place.
///
/// A tick updates this under the monitor's lock; with thousands of timers each line it touches is a cache
/// miss, so the value is one stretch of memory (no array buffer behind it, whose copy-on-write check and
/// header cost a miss more, and which every read of ``TimerMonitor/statistics`` would make the next tick copy).
/// The histogram comes first so that the counters a tick writes sit next to the lock, which ``Locked`` keeps
/// right after the value.
package struct TimerCounters: Sendable {
    private var histogram = LatenessBuckets()
    /// See ``TimerStatistics/iteration``.
    package var iteration = 0
    /// See ``TimerStatistics/measuredTicks``.
    package var measuredTicks = 0
    /// See ``TimerStatistics/totalLateness``.
    package var totalLateness: Duration = .zero
    /// See ``TimerStatistics/maxLateness``.
    package var maxLateness: Duration = .zero
    /// See ``TimerStatistics/overlaps``.
    package var overlaps = 0
    /// See ``TimerStatistics/drifting``.
    package var drifting = 0
    /// See ``TimerStatistics/driftingEarly``.
    package var driftingEarly = 0
    /// See ``TimerStatistics/driftingLate``.
    package var driftingLate = 0

    /// Zeroed counters.
    package init() {}

    /// As ``TimerStatistics/recordLateness(_:)``.
    package mutating func recordLateness(_ lateness: Duration) {
        let (late, bucket) = TimerStatistics.measure(lateness)
        self.measuredTicks &+= 1
        self.totalLateness = TimerStatistics.adding(late, to: self.totalLateness)
        self.maxLateness = max(self.maxLateness, late)
        self.histogram.increment(bucket)
    }

    /// The public snapshot (the histogram as an array).
    package var statistics: TimerStatistics {
        var statistics = TimerStatistics()
        statistics.iteration = self.iteration
        statistics.drifting = self.drifting
        statistics.driftingEarly = self.driftingEarly
        statistics.driftingLate = self.driftingLate
        statistics.overlaps = self.overlaps
        statistics.totalLateness = self.totalLateness
        statistics.maxLateness = self.maxLateness
        statistics.measuredTicks = self.measuredTicks
        statistics.latenessHistogram = self.histogram.counts
        return statistics
    }
}

/// The 32 buckets of a lateness histogram, in place (a homogeneous tuple is laid out as a C array).
private struct LatenessBuckets: Sendable {
    private var storage: (
        Int, Int, Int, Int, Int, Int, Int, Int, Int, Int, Int, Int, Int, Int, Int, Int,
        Int, Int, Int, Int, Int, Int, Int, Int, Int, Int, Int, Int, Int, Int, Int, Int
    ) = (0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0)

    init() {
        assert(MemoryLayout.size(ofValue: self.storage) == TimerStatistics.bucketCount * MemoryLayout<Int>.stride)
    }

    /// Adds one to `bucket` (`0 ..< 32`).
    mutating func increment(_ bucket: Int) {
        precondition(bucket >= 0 && bucket < TimerStatistics.bucketCount, "lateness bucket \(bucket) out of range")
        withUnsafeMutableBytes(of: &self.storage) { bytes in
            let offset = bucket * MemoryLayout<Int>.stride
            bytes.storeBytes(of: bytes.load(fromByteOffset: offset, as: Int.self) &+ 1, toByteOffset: offset, as: Int.self)
        }
    }

    /// The counts, bucket 0 first.
    var counts: [Int] {
        withUnsafeBytes(of: self.storage) { Array($0.bindMemory(to: Int.self)) }
    }
}
