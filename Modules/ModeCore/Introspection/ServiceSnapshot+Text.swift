extension ServiceSnapshot {
    /// The snapshot as text for a log or a terminal: one line per service, indented two spaces per level
    /// below this one, each line ending with a newline.
    ///
    /// A line reads `Label [state] restarts=N`, then only what applies: `crash="reason"`, the flags set now
    /// with when they were set, the running tasks, and each timer's interval, ticks, overlaps and lateness (mean/max):
    ///
    /// ```
    /// App [running] restarts=0 tasks=accept
    ///   Webserver [crashed] restarts=2 crash="connection refused" flags=BIND(since 2026-12-01T08:12:03.250113Z)
    ///   UserCache [running] restarts=0 tasks=expire timers=expire(every=10s ticks=12 overlaps=0 late=12us/400us)
    /// ```
    public var text: String {
        var output = ""
        func visit(_ snapshot: ServiceSnapshot, level: Int) {
            output += String(repeating: "  ", count: level)
            output += snapshot.line
            output += "\n"
            for child in snapshot.children { visit(child, level: level + 1) }
        }
        visit(self, level: 0)
        return output
    }

    /// This service's own line of ``text``, without indent or newline.
    public var line: String {
        var parts = ["\(self.label) [\(self.state)] restarts=\(self.restartCount)"]
        if let crashReason { parts.append("crash=\(Self.quoted(crashReason))") }
        let set = self.flags.filter(\.isSet)
        if !set.isEmpty {
            parts.append("flags=" + set.map { "\($0.name)(since \($0.lastTransition))" }.joined(separator: ","))
        }
        if !self.tasks.isEmpty { parts.append("tasks=" + self.tasks.joined(separator: ",")) }
        if !self.timers.isEmpty {
            let timers = self.timers.map { timer in
                let statistics = timer.statistics
                return "\(timer.name)(every=\(Self.compact(timer.interval)) ticks=\(statistics.iteration) "
                    + "overlaps=\(statistics.overlaps) late=\(Self.compact(statistics.meanLateness))/"
                    + "\(Self.compact(statistics.maxLateness)))"
            }
            parts.append("timers=" + timers.joined(separator: ","))
        }
        return parts.joined(separator: " ")
    }

    /// `duration` in the largest unit that keeps it at least 1, with at most three significant digits:
    /// `750ns`, `112us`, `12.3ms`, `1.5s`.
    static func compact(_ duration: Duration) -> String {
        let nanoseconds = duration.saturatingNanoseconds
        let magnitude = nanoseconds.magnitude
        let sign = nanoseconds < 0 ? "-" : ""
        let (scale, unit): (UInt64, String) =
            magnitude < 1_000 ? (1, "ns") : magnitude < 1_000_000 ? (1_000, "us")
            : magnitude < 1_000_000_000 ? (1_000_000, "ms") : (1_000_000_000, "s")
        let whole = magnitude / scale
        let decimals = whole >= 100 ? 0 : whole >= 10 ? 1 : 2
        var step: UInt64 = scale
        for _ in 0..<decimals { step /= 10 }
        let rounded = (magnitude + Swift.max(step, 1) / 2) / Swift.max(step, 1)  // in units of `step`
        var digits = decimals
        var value = rounded
        while digits > 0, value % 10 == 0 {
            value /= 10
            digits -= 1
        }
        var divisor: UInt64 = 1
        for _ in 0..<digits { divisor *= 10 }
        let integer = value / divisor
        let fraction = value % divisor
        guard digits > 0 else { return "\(sign)\(integer)\(unit)" }
        let fractionText = String(fraction)
        return "\(sign)\(integer).\(String(repeating: "0", count: digits - fractionText.count))\(fractionText)\(unit)"
    }

    /// `text` quoted on one line: quotes and backslashes escaped, line breaks as `\n`.
    private static func quoted(_ text: String) -> String {
        var result = "\""
        for character in text {
            switch character {
            case "\"": result += "\\\""
            case "\\": result += "\\\\"
            case "\n": result += "\\n"
            case "\r": result += "\\r"
            default: result.append(character)
            }
        }
        return result + "\""
    }
}
