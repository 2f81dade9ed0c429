/// A recurring schedule as the API shows it. Fields that are not set are left out, never `null`.
package struct RecurringScheduleResponse: Codable, Sendable {
    package struct Counts: Codable, Sendable {
        package var fired: Int64
        package var skipped: Int64
        package var missed: Int64

        package init(fired: Int64, skipped: Int64, missed: Int64) {
            self.fired = fired
            self.skipped = skipped
            self.missed = missed
        }
    }

    package var scheduleID: String
    package var name: String?
    package var cron: String
    package var timezone: String
    package var command: String
    package var maxAttempts: Int
    package var timeoutSeconds: Int?
    package var overlap: String
    package var catchupWindowSeconds: Int
    package var jitterSeconds: Int
    package var startAt: String?
    package var endAt: String?
    package var paused: Bool
    package var createdAt: String
    package var nextFireTimes: [String]
    package var lastFireAt: String?
    package var counts: Counts
    package var queue: String
    package var priority: Int
    package var concurrencyKey: String?
    /// The name of the API token that created the schedule.
    package var createdBy: String?
    /// The trace of the request that created the schedule, which its tasks continue.
    package var traceID: String?

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
        case queue, priority
        case concurrencyKey = "concurrency_key"
        case createdBy = "created_by"
        case traceID = "trace_id"
    }

    package init(
        scheduleID: String, name: String?, cron: String, timezone: String, command: String, maxAttempts: Int,
        timeoutSeconds: Int?, overlap: String, catchupWindowSeconds: Int, jitterSeconds: Int, startAt: String?,
        endAt: String?, paused: Bool, createdAt: String, nextFireTimes: [String], lastFireAt: String?, counts: Counts,
        queue: String, priority: Int, concurrencyKey: String?,
        createdBy: String? = nil, traceID: String? = nil
    ) {
        self.scheduleID = scheduleID
        self.name = name
        self.cron = cron
        self.timezone = timezone
        self.command = command
        self.maxAttempts = maxAttempts
        self.timeoutSeconds = timeoutSeconds
        self.overlap = overlap
        self.catchupWindowSeconds = catchupWindowSeconds
        self.jitterSeconds = jitterSeconds
        self.startAt = startAt
        self.endAt = endAt
        self.paused = paused
        self.createdAt = createdAt
        self.nextFireTimes = nextFireTimes
        self.lastFireAt = lastFireAt
        self.counts = counts
        self.queue = queue
        self.priority = priority
        self.concurrencyKey = concurrencyKey
        self.createdBy = createdBy
        self.traceID = traceID
    }
}

/// The body of `GET /schedules`: one page, and the cursor of the next one when there may be more.
package struct ScheduleListResponse: Codable, Sendable {
    package var schedules: [RecurringScheduleResponse]
    package var next: String?

    package init(schedules: [RecurringScheduleResponse], next: String?) {
        self.schedules = schedules
        self.next = next
    }
}

/// The body of `GET /schedules/{id}/upcoming`.
package struct UpcomingFiresResponse: Codable, Sendable {
    /// In UTC.
    package var fireTimes: [String]
    /// The schedule's time zone.
    package var timezone: String
    /// The same instants on the wall clock of `timezone`, with its offset at each.
    package var localFireTimes: [String]

    enum CodingKeys: String, CodingKey {
        case fireTimes = "fire_times"
        case timezone
        case localFireTimes = "local_fire_times"
    }

    package init(fireTimes: [String], timezone: String, localFireTimes: [String]) {
        self.fireTimes = fireTimes
        self.timezone = timezone
        self.localFireTimes = localFireTimes
    }
}

/// The body of a successful `POST /schedules/{id}/backfill`: how many tasks it made.
package struct BackfillResponse: Codable, Sendable {
    package var created: Int

    package init(created: Int) {
        self.created = created
    }
}
