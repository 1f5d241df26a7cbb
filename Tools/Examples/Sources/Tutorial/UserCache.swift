import Hummingbird
import Mode

/// A user the cache holds; `PUT /users/:id` stores one and `GET /users/:id` reads it back as JSON.
struct User: ResponseCodable, Sendable {
    var id: String
    var name: String
}

/// Users by id, in memory. The `expire` timer drops the entries nobody has read or written for longer than `ttl`
/// (an entry lives at least `ttl`, and at most one sweep interval more).
actor UserCache: Service {
    let runtime = ServiceRuntime()
    let ttl: Duration
    let sweepInterval: Duration
    private var entries: [String: (user: User, idle: Duration)] = [:]

    init(ttl: Duration, sweepInterval: Duration) {
        self.ttl = ttl
        self.sweepInterval = sweepInterval
    }

    func backgroundTasks() -> [BackgroundTask] {
        [.timer("expire", every: sweepInterval) { await self.removeExpired() }]
    }

    func store(_ user: User) {
        entries[user.id] = (user, .zero)
    }

    func lookup(_ id: String) -> User? {
        entries[id]?.idle = .zero  // a read keeps the entry fresh
        return entries[id]?.user
    }

    /// One sweep: every entry has been idle one interval longer; those idle for longer than `ttl` go.
    private func removeExpired() {
        let before = entries.count
        entries = entries.compactMapValues { entry in
            let idle = entry.idle + sweepInterval
            return idle > ttl ? nil : (entry.user, idle)
        }
        if entries.count < before {
            logger.info("Dropped \(before - entries.count) expired user(s); \(entries.count) left")
        }
    }
}
