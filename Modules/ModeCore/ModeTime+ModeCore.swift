// ModeCore re-exports ModeTime, so `import ModeCore` still brings the time utilities (duration and rate
// parsing, humanize, cron schedules, token bucket, stampede, interval timers) that moved there.
@_exported public import ModeTime

/// Runs `body`, reporting a ``TimerError`` it throws as the ``ServiceError`` `.invalidArgument` (same
/// message) that ModeCore's service timers document.
func reportingTimerErrorsAsServiceErrors<T>(_ body: () throws -> T) throws -> T {
    do {
        return try body()
    } catch let error as TimerError {
        throw ServiceError.invalidArgument(error.message)
    }
}
