import Synchronization

/// Lets a repeated log line through once per `interval` for each key (a worker, say), so one
/// misbehaving peer cannot flood the log. Forgets keys quiet for longer than the interval.
package final class LogThrottle: Sendable {
    private let interval: Duration
    private let lastLogged = Mutex([String: ContinuousClock.Instant]())

    package init(interval: Duration = .seconds(10)) {
        self.interval = interval
    }

    /// Whether a line for `key` may be logged at `now`; when it may, the next one waits the interval.
    package func allows(_ key: String, at now: ContinuousClock.Instant = .now) -> Bool {
        lastLogged.withLock { lastLogged in
            if lastLogged.count > 1024 { lastLogged = lastLogged.filter { now - $0.value < interval } }
            if let last = lastLogged[key], now - last < interval { return false }
            lastLogged[key] = now
            return true
        }
    }
}
