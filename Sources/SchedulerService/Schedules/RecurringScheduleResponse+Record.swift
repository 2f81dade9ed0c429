import APIModels
import Core
import Recurrence
import TaskStorage

extension RecurringScheduleResponse {
    /// How many upcoming fire times the object lists.
    static let upcomingCount = 5

    init(_ schedule: ScheduleRecord, now: Timestamp) {
        let definition = schedule.definition
        self.init(
            scheduleID: schedule.id.text,
            name: definition.name,
            cron: definition.cron,
            timezone: definition.timezone,
            command: definition.command,
            maxAttempts: definition.maxAttempts,
            timeoutSeconds: definition.timeoutSeconds,
            overlap: definition.overlap.rawValue,
            catchupWindowSeconds: definition.catchupWindowSeconds,
            jitterSeconds: definition.jitterSeconds,
            startAt: definition.startAt?.rfc3339,
            endAt: definition.endAt?.rfc3339,
            paused: definition.paused,
            createdAt: schedule.createdAt.rfc3339,
            nextFireTimes: Self.fireTimes(of: schedule, from: now, count: Self.upcomingCount),
            lastFireAt: schedule.lastFireAt?.rfc3339,
            counts: Counts(fired: schedule.counts.fired, skipped: schedule.counts.skipped, missed: schedule.counts.missed),
            queue: definition.placement.queue, priority: definition.placement.priority,
            concurrencyKey: definition.placement.concurrencyKey,
            createdBy: schedule.createdBy,
            traceID: schedule.traceContext?.traceID)
    }

    /// The first `count` fire times at or after `now` (and `start_at`) within the years 0001 to
    /// 9999, as RFC 3339.
    static func fireTimes(of schedule: ScheduleRecord, from now: Timestamp, count: Int) -> [String] {
        fires(of: schedule, from: now, count: count).map(\.rfc3339)
    }

    /// The instants of `fireTimes(of:from:count:)`.
    static func fires(of schedule: ScheduleRecord, from now: Timestamp, count: Int) -> [Timestamp] {
        guard let calendar = try? schedule.calendar() else { return [] }
        return Array(calendar.fires(atOrAfter: now, count: count).prefix(while: Timestamp.rfc3339Range.contains))
    }
}
