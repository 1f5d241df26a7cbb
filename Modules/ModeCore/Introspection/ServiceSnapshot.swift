import ModeConcurrencyHelpers

/// What a service and its whole subtree are doing at one moment: label, path, state, restarts, crash reason,
/// diagnostic flags, running tasks and timers, children. Erlang's `which_children`, Mode's beacon and `Diag`
/// in one value.
///
/// Take one with `service.snapshot()` from any task, at any time: it only reads each runtime's state under
/// its lock, so nothing is paused or stopped. Encode it as JSON (`Codable`) for a debug endpoint, or print
/// ``text`` (one line per service, indented by depth) into a log, which is what the Worker's SIGUSR1 dump
/// does.
///
/// ```swift
/// let snapshot = app.snapshot()
/// print(snapshot.text)
/// // App [running] restarts=0 tasks=accept
/// //   Webserver [running] restarts=0 flags=FLUSH(since 2026-12-01T08:12:03.250113Z)
/// //   UserCache [running] restarts=0 tasks=expire timers=expire(every=10s ticks=12 overlaps=0 late=12us/400us)
/// let json = try JSONEncoder().encode(snapshot)
/// ```
public struct ServiceSnapshot: Codable, Hashable, Sendable {
    /// The service's short label.
    public var label: String
    /// The labels from the root of the tree down to this service, joined by `/`.
    public var path: String
    /// The depth in the whole tree: the root is 1.
    public var depth: Int
    /// The state's name, as ``ServiceState`` prints it (`running`, `crashed`, …).
    public var state: String
    /// How many times the service was reset by `restart()`.
    public var restartCount: Int
    /// The crash reason, as printed, when the service crashed.
    public var crashReason: String?
    /// Every diagnostic flag ever set, by name: whether it is set now and when it was last set.
    public var flags: [Flag]
    /// The names of the owned tasks running now (background tasks, timers and added tasks), sorted.
    public var tasks: [String]
    /// The timers running now, by name.
    public var timers: [TimerSnapshot]
    /// The children, in start order.
    public var children: [ServiceSnapshot]
    /// When this service was read.
    public var takenAt: WallClockTime

    /// A diagnostic flag and its last transition.
    public struct Flag: Codable, Hashable, Sendable {
        /// The flag.
        public var name: String
        /// Whether it is set now.
        public var isSet: Bool
        /// When it was last set, in real time.
        public var lastTransition: WallClockTime

        /// Creates a flag reading.
        public init(name: String, isSet: Bool, lastTransition: WallClockTime) {
            self.name = name
            self.isSet = isSet
            self.lastTransition = lastTransition
        }
    }

    /// Creates a snapshot from its parts; `service.snapshot()` makes real ones.
    public init(
        label: String,
        path: String,
        depth: Int,
        state: String,
        restartCount: Int,
        crashReason: String?,
        flags: [Flag],
        tasks: [String],
        timers: [TimerSnapshot],
        children: [ServiceSnapshot],
        takenAt: WallClockTime
    ) {
        self.label = label
        self.path = path
        self.depth = depth
        self.state = state
        self.restartCount = restartCount
        self.crashReason = crashReason
        self.flags = flags
        self.tasks = tasks
        self.timers = timers
        self.children = children
        self.takenAt = takenAt
    }

    /// This snapshot and every one below it, depth first, parents before children.
    public var all: [ServiceSnapshot] {
        var result: [ServiceSnapshot] = []
        func visit(_ snapshot: ServiceSnapshot) {
            result.append(snapshot)
            for child in snapshot.children { visit(child) }
        }
        visit(self)
        return result
    }
}

/// A running timer of a service and its statistics so far.
public struct TimerSnapshot: Hashable, Sendable {
    /// The timer's (and its task's) name.
    public var name: String
    /// The nominal time between ticks.
    public var interval: Duration
    /// Its counters: ticks, drifting and overlapping ticks, lateness.
    public var statistics: TimerStatistics

    /// Creates a timer reading.
    public init(name: String, interval: Duration, statistics: TimerStatistics) {
        self.name = name
        self.interval = interval
        self.statistics = statistics
    }
}

extension TimerSnapshot: Codable {
    private enum CodingKeys: String, CodingKey {
        case name, intervalSeconds, ticks, drifting, driftingEarly, driftingLate, overlaps
        case meanLatenessSeconds, maxLatenessSeconds, measuredTicks
    }

    /// Decodes what ``encode(to:)`` writes; the lateness histogram is not part of it.
    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        self.name = try container.decode(String.self, forKey: .name)
        self.interval = .clampedSeconds(try container.decode(Double.self, forKey: .intervalSeconds))
        var statistics = TimerStatistics()
        statistics.iteration = try container.decode(Int.self, forKey: .ticks)
        statistics.drifting = try container.decode(Int.self, forKey: .drifting)
        statistics.driftingEarly = try container.decode(Int.self, forKey: .driftingEarly)
        statistics.driftingLate = try container.decode(Int.self, forKey: .driftingLate)
        statistics.overlaps = try container.decode(Int.self, forKey: .overlaps)
        statistics.measuredTicks = try container.decode(Int.self, forKey: .measuredTicks)
        let mean = try container.decode(Double.self, forKey: .meanLatenessSeconds)
        statistics.totalLateness = .clampedSeconds(mean * Double(statistics.measuredTicks))
        statistics.maxLateness = .clampedSeconds(try container.decode(Double.self, forKey: .maxLatenessSeconds))
        self.statistics = statistics
    }

    /// Encodes the name, the interval and the counters, durations as seconds (`"intervalSeconds": 0.5`).
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(self.name, forKey: .name)
        try container.encode(self.interval.secondsAsDouble, forKey: .intervalSeconds)
        try container.encode(self.statistics.iteration, forKey: .ticks)
        try container.encode(self.statistics.drifting, forKey: .drifting)
        try container.encode(self.statistics.driftingEarly, forKey: .driftingEarly)
        try container.encode(self.statistics.driftingLate, forKey: .driftingLate)
        try container.encode(self.statistics.overlaps, forKey: .overlaps)
        try container.encode(self.statistics.measuredTicks, forKey: .measuredTicks)
        try container.encode(self.statistics.meanLateness.secondsAsDouble, forKey: .meanLatenessSeconds)
        try container.encode(self.statistics.maxLateness.secondsAsDouble, forKey: .maxLatenessSeconds)
    }
}

extension Service {
    /// A snapshot of this service and its subtree, taken now without pausing anything.
    ///
    /// Each service is read under its own lock, one after the other, so a tree that changes while it is read
    /// gives a snapshot whose parts are each consistent but may be a few microseconds apart (see
    /// ``ServiceSnapshot/takenAt``).
    public func snapshot() -> ServiceSnapshot {
        self.runtime.bind(self)
        return self.runtime.snapshot()
    }
}

extension ServiceRuntime {
    private struct Reading {
        var label: String
        var node: Node<ServiceNode>?
        var state: ServiceState
        var restartCount: Int
        var crashReason: (any Error)?
        var diag: Diag?
        var tasks: [String]
        var timers: [RuntimeIntrospection.RegisteredTimer]
        var children: [any Service]
    }

    /// Reads this runtime and, recursively, its children's.
    func snapshot() -> ServiceSnapshot {
        let reading = self.state.withLock { state in
            Reading(
                label: state.label,
                node: state.node,
                state: state.serviceState,
                restartCount: state.restartCount,
                crashReason: state.crashReason,
                diag: state.diag,
                tasks: state.tasks.values.map(\.name),
                timers: state.timers.sorted { $0.key < $1.key }.map(\.value),
                children: state.children
            )
        }
        let takenAt = WallClockTime.now
        let clockNow = self.clock.now
        var flags: [ServiceSnapshot.Flag] = []
        if let diag = reading.diag {
            let set = diag.flags
            for (name, offset) in diag.lastTransition.sorted(by: { $0.key < $1.key }) {
                flags.append(
                    ServiceSnapshot.Flag(
                        name: name,
                        isSet: set.contains(name),
                        lastTransition: takenAt.advanced(by: offset - clockNow)
                    )
                )
            }
        }
        return ServiceSnapshot(
            label: reading.label,
            path: reading.node?.path ?? reading.label,
            depth: reading.node?.depth ?? 1,
            state: reading.state.description,
            restartCount: reading.restartCount,
            crashReason: reading.crashReason.map { String(describing: $0) },
            flags: flags,
            tasks: reading.tasks.sorted(),
            timers: reading.timers.map {
                TimerSnapshot(name: $0.name, interval: $0.interval, statistics: $0.monitor.statistics)
            },
            children: reading.children.map { child in
                child.runtime.bind(child)
                return child.runtime.snapshot()
            },
            takenAt: takenAt
        )
    }
}

extension Duration {
    /// `seconds` as a duration, with non-finite and out-of-range values clamped instead of trapping.
    static func clampedSeconds(_ seconds: Double) -> Duration {
        guard seconds.isFinite else { return seconds < 0 ? .seconds(-Int64.max) : .seconds(Int64.max) }
        let bound = 9.0e18
        if seconds >= bound { return .seconds(Int64.max) }
        if seconds <= -bound { return .seconds(-Int64.max) }
        return .seconds(seconds)
    }
}
