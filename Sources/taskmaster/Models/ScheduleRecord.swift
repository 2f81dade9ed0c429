/// A recurring schedule as the API describes it (GET /schedules/{id}).
struct ScheduleRecord: Decodable {
    struct Counts: Decodable {
        var fired: Int
        var skipped: Int
        var missed: Int
    }

    var scheduleID: String
    var name: String?
    var cron: String
    var timezone: String
    var command: String
    var maxAttempts: Int
    var timeoutSeconds: Int?
    var overlap: String
    var catchupWindowSeconds: Int
    var jitterSeconds: Int
    var startAt: String?
    var endAt: String?
    var paused: Bool
    var createdAt: String
    var nextFireTimes: [String]
    var lastFireAt: String?
    var counts: Counts

    enum CodingKeys: String, CodingKey {
        case scheduleID = "schedule_id", name, cron, timezone, command, maxAttempts = "max_attempts"
        case timeoutSeconds = "timeout_seconds", overlap, catchupWindowSeconds = "catchup_window_seconds"
        case jitterSeconds = "jitter_seconds", startAt = "start_at", endAt = "end_at", paused
        case createdAt = "created_at", nextFireTimes = "next_fire_times", lastFireAt = "last_fire_at", counts
    }

    var fields: [(String, String?)] {
        [
            ("id", scheduleID), ("name", name), ("cron", cron), ("time zone", timezone), ("command", command),
            ("paused", paused ? "yes" : "no"), ("max attempts", String(maxAttempts)),
            ("timeout", timeoutSeconds.map { "\($0)s" }), ("overlap", overlap),
            ("catch-up window", "\(catchupWindowSeconds)s"), ("jitter", "\(jitterSeconds)s"),
            ("start at", startAt), ("end at", endAt), ("created at", createdAt), ("last fire at", lastFireAt),
            ("next fires", nextFireTimes.joined(separator: ", ")),
            ("counts", "fired \(counts.fired), skipped \(counts.skipped), missed \(counts.missed)"),
        ]
    }
}

/// One page of GET /schedules.
struct SchedulePage: Decodable {
    var schedules: [ScheduleRecord]
    var next: String?
}

/// GET /schedules/{id}/upcoming.
struct FireTimes: Decodable {
    var fireTimes: [String]

    enum CodingKeys: String, CodingKey {
        case fireTimes = "fire_times"
    }
}

/// POST /schedules/{id}/backfill.
struct BackfillResult: Decodable {
    var created: Int
}
