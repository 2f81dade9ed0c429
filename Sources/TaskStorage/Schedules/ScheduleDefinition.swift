package import Core
package import Recurrence

/// What a schedule is asked to do: every field a client sets.
package struct ScheduleDefinition: Sendable, Hashable {
    package var name: String?
    package var cron: String
    package var timezone: String
    package var command: String
    package var maxAttempts: Int
    package var timeoutSeconds: Int?
    package var overlap: OverlapPolicy
    /// How late a fire may still start.
    package var catchupWindowSeconds: Int
    package var jitterSeconds: Int
    package var startAt: Timestamp?
    package var endAt: Timestamp?
    package var paused: Bool
    /// The queue, priority and concurrency key of the schedule's tasks.
    package var placement: QueuePlacement

    package init(
        name: String? = nil, cron: String, timezone: String = "UTC", command: String, maxAttempts: Int = 1,
        timeoutSeconds: Int? = nil, overlap: OverlapPolicy = .skip, catchupWindowSeconds: Int = 60,
        jitterSeconds: Int = 0, startAt: Timestamp? = nil, endAt: Timestamp? = nil, paused: Bool = false,
        placement: QueuePlacement = QueuePlacement()
    ) {
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
        self.placement = placement
    }

    /// The fire times of this definition for a schedule created at `createdAt` (where `@every`
    /// counts from without `start_at`); throws when the cron or the zone cannot be used.
    package func calendar(createdAt: Timestamp) throws(RecurrenceError) -> FireCalendar {
        FireCalendar(
            recurrence: try Recurrence(parsing: cron), timeZone: try ScheduleTimeZone(identifier: timezone),
            anchor: startAt ?? createdAt, start: startAt, end: endAt)
    }
}
