import Core
import Recurrence
import TaskStorage

/// A schedule as the API shows it. Fields that are not set are left out, never `null`.
struct RecurringScheduleResponse: Encodable, Sendable {
    struct Counts: Encodable, Sendable {
        var fired: Int64
        var skipped: Int64
        var missed: Int64
    }

    /// How many upcoming fire times the object lists.
    static let upcomingCount = 5

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
        case scheduleID = "schedule_id"
        case name, cron, timezone, command
        case maxAttempts = "max_attempts"
        case timeoutSeconds = "timeout_seconds"
        case overlap
        case catchupWindowSeconds = "catchup_window_seconds"
        case jitterSeconds = "jitter_seconds"
        case startAt = "start_at"
        case endAt = "end_at"
        case paused
        case createdAt = "created_at"
        case nextFireTimes = "next_fire_times"
        case lastFireAt = "last_fire_at"
        case counts
    }

    init(_ schedule: ScheduleRecord, now: Timestamp) {
        let definition = schedule.definition
        scheduleID = schedule.id.uuidString.lowercased()
        name = definition.name
        cron = definition.cron
        timezone = definition.timezone
        command = definition.command
        maxAttempts = definition.maxAttempts
        timeoutSeconds = definition.timeoutSeconds
        overlap = definition.overlap.rawValue
        catchupWindowSeconds = definition.catchupWindowSeconds
        jitterSeconds = definition.jitterSeconds
        startAt = definition.startAt?.rfc3339
        endAt = definition.endAt?.rfc3339
        paused = definition.paused
        createdAt = schedule.createdAt.rfc3339
        nextFireTimes = Self.fireTimes(of: schedule, from: now, count: Self.upcomingCount)
        lastFireAt = schedule.lastFireAt?.rfc3339
        counts = Counts(fired: schedule.counts.fired, skipped: schedule.counts.skipped, missed: schedule.counts.missed)
    }

    /// The first `count` fire times at or after `now` (and `start_at`) within the years 0001 to
    /// 9999, as RFC 3339.
    static func fireTimes(of schedule: ScheduleRecord, from now: Timestamp, count: Int) -> [String] {
        guard let calendar = try? schedule.calendar() else { return [] }
        return calendar.fires(atOrAfter: now, count: count)
            .prefix(while: Timestamp.rfc3339Range.contains).map(\.rfc3339)
    }
}

/// The body of `GET /schedules`.
struct ScheduleListResponse: Encodable, Sendable {
    var schedules: [RecurringScheduleResponse]
    var next: String?
}

/// The body of `GET /schedules/{id}/upcoming`.
struct UpcomingFiresResponse: Encodable, Sendable {
    var fireTimes: [String]

    enum CodingKeys: String, CodingKey {
        case fireTimes = "fire_times"
    }
}
