import APIModels

extension RecurringScheduleResponse {
    /// The labelled fields `schedules show` prints.
    var fields: [(String, String?)] {
        [
            ("id", scheduleID), ("name", name), ("cron", cron), ("time zone", timezone), ("command", command),
            ("queue", queue), ("priority", String(priority)), ("concurrency key", concurrencyKey),
            ("paused", paused ? "yes" : "no"), ("max attempts", String(maxAttempts)),
            ("timeout", timeoutSeconds.map { "\($0)s" }), ("overlap", overlap),
            ("catch-up window", "\(catchupWindowSeconds)s"), ("jitter", "\(jitterSeconds)s"),
            ("start at", startAt), ("end at", endAt), ("created at", createdAt), ("last fire at", lastFireAt),
            ("next fires", nextFireTimes.joined(separator: ", ")),
            ("counts", "fired \(counts.fired), skipped \(counts.skipped), missed \(counts.missed)"),
        ]
    }
}
