import ModeCore

// MERGE NOTE (issue 12): this renders the live tree from public API only, because ModeCore's `ServiceSnapshot`
// is being built in parallel. At merge, replace the body of `renderServiceTree(_:)` with the snapshot's
// indented-text rendering; its two callers (the SIGUSR1 dump and the blocked-executor warning) stay as they are.

/// The live tree under `root` as indented text: one line per service with its label, state, running task
/// names and set diagnostic flags, children indented two spaces under their parent.
///
/// ```
/// Worker [running]
///   App [running] tasks: heartbeat
///     Cache [stopping] flags: FLUSH
/// ```
func renderServiceTree(_ root: any Service) -> String {
    var lines: [String] = []
    func visit(_ service: any Service, depth: Int, path: [ObjectIdentifier]) {
        var line = String(repeating: "  ", count: depth) + "\(service.label) [\(service.state)]"
        let tasks = service.runningTaskNames
        if !tasks.isEmpty { line += " tasks: " + tasks.joined(separator: ", ") }
        let flags = service.diag.flags.sorted()
        if !flags.isEmpty { line += " flags: " + flags.joined(separator: ", ") }
        lines.append(line)
        let id = ObjectIdentifier(service)
        guard !path.contains(id) else { return }  // a cycle cannot be built, but a dump must never loop
        for child in service.children { visit(child, depth: depth + 1, path: path + [id]) }
    }
    visit(root, depth: 0, path: [])
    return lines.joined(separator: "\n")
}

/// The set diagnostic flags in the tree under `root`, as `Label: FLAG, FLAG` entries (services with none are
/// left out).
func describeDiagFlags(_ root: any Service) -> [String] {
    var entries: [String] = []
    func visit(_ service: any Service, depth: Int) {
        let flags = service.diag.flags.sorted()
        if !flags.isEmpty { entries.append("\(service.label): " + flags.joined(separator: ", ")) }
        guard depth < 64 else { return }
        for child in service.children { visit(child, depth: depth + 1) }
    }
    visit(root, depth: 0)
    return entries
}

/// The labels of the services under `root` (not `root` itself) whose lifecycle is still `stopping` or
/// `starting`, depth first.
func servicesStillStopping(_ root: any Service) -> [String] {
    var names: [String] = []
    func visit(_ service: any Service, depth: Int) {
        let state = service.runtime.lifecycleState
        if depth > 0, state == .stopping || state == .starting { names.append("\(service.label) [\(state)]") }
        guard depth < 64 else { return }
        for child in service.children { visit(child, depth: depth + 1) }
    }
    visit(root, depth: 0)
    return names
}
