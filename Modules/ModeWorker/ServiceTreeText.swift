import ModeCore

/// The live tree under `root` as indented text, taken without stopping anything: ModeCore's snapshot
/// (`root.snapshot().text`), one line per service with its label, state, restarts, crash reason, set flags,
/// running tasks and timers, children indented two spaces under their parent.
///
/// ```
/// Worker [running] restarts=0
///   App [running] restarts=0 tasks=heartbeat
///     Cache [stopping] restarts=0 flags=FLUSH(since 2026-12-01T08:12:03.250113Z)
/// ```
func renderServiceTree(_ root: any Service) -> String {
    var text = root.snapshot().text
    if text.hasSuffix("\n") { text.removeLast() }
    return text
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
