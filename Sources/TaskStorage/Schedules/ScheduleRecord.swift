package import struct Foundation.UUID
package import Core
package import Recurrence
package import TracePropagation

/// One row of the `schedules` table.
package struct ScheduleRecord: Sendable, Hashable {
    package var id: UUID
    package var definition: ScheduleDefinition
    package var createdAt: Timestamp
    /// The earliest fire not decided yet; nil when none remains.
    package var nextFireAt: Timestamp?
    /// With `buffer_one`: the fire waiting for the schedule's unfinished task to end.
    package var bufferedFireAt: Timestamp?
    package var lastFireAt: Timestamp?
    package var counts: ScheduleCounts
    /// The name of the API token that created the schedule.
    package var createdBy: String?
    /// The W3C trace context of the request that created the schedule; every task it makes keeps it.
    package var traceContext: TaskTraceContext?

    package init(
        id: UUID, definition: ScheduleDefinition, createdAt: Timestamp, nextFireAt: Timestamp? = nil,
        bufferedFireAt: Timestamp? = nil, lastFireAt: Timestamp? = nil, counts: ScheduleCounts = ScheduleCounts(),
        createdBy: String? = nil, traceContext: TaskTraceContext? = nil
    ) {
        self.id = id
        self.definition = definition
        self.createdAt = createdAt
        self.nextFireAt = nextFireAt
        self.bufferedFireAt = bufferedFireAt
        self.lastFireAt = lastFireAt
        self.counts = counts
        self.createdBy = createdBy
        self.traceContext = traceContext
    }

    /// The schedule's fire times. Its definition was checked when it was stored.
    package func calendar() throws(RecurrenceError) -> FireCalendar {
        try definition.calendar(createdAt: createdAt)
    }
}

/// How many fires of a schedule made a task, were skipped by the overlap policy, or were missed.
package struct ScheduleCounts: Sendable, Hashable {
    package var fired: Int64 = 0
    package var skipped: Int64 = 0
    package var missed: Int64 = 0

    package init(fired: Int64 = 0, skipped: Int64 = 0, missed: Int64 = 0) {
        self.fired = fired
        self.skipped = skipped
        self.missed = missed
    }
}
