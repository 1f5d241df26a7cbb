extension ServiceSnapshot {
    /// The snapshot as text for a log or a terminal: one line per service, indented two spaces per level
    /// below this one, each line ending with a newline.
    ///
    /// A line reads `Label [state] restarts=N`, then only what applies: `crash="reason"`, the flags set now
    /// with when they were set, the running tasks, and each timer's ticks, overlaps and lateness:
    ///
    /// ```
    /// App [running] restarts=0 tasks=accept
    ///   Webserver [crashed] restarts=2 crash="connection refused" flags=BIND(since 2026-12-01T08:12:03.250113Z)
    ///   UserCache [running] restarts=0 tasks=expire timers=expire(every=10.0s ticks=12 overlaps=0 mean=0.000012s max=0.000400s)
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
                return "\(timer.name)(every=\(timer.interval.secondsAsDouble)s ticks=\(statistics.iteration) "
                    + "overlaps=\(statistics.overlaps) mean=\(statistics.meanLateness.secondsAsDouble)s "
                    + "max=\(statistics.maxLateness.secondsAsDouble)s)"
            }
            parts.append("timers=" + timers.joined(separator: ","))
        }
        return parts.joined(separator: " ")
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
