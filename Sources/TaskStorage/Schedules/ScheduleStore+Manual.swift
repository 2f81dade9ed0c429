package import struct Foundation.UUID
package import Core
import Postgres
import Recurrence

extension ScheduleStore {
    /// Makes one task of the schedule now, outside its cron, paused or not, whatever its overlap
    /// policy: its fire time is now (to the millisecond, by the database's clock) and it counts
    /// as fired. Nil when there is no such schedule.
    package func trigger(id: UUID) async throws -> TaskRecord? {
        try await client.withTransaction { connection in
            guard
                let schedule = try Self.lockedSchedule(id, on: connection),
                let now = try connection.query(
                    "SELECT \(SQLTimestamp.microseconds(of: "date_trunc('milliseconds', clock_timestamp())"))"
                ).first?.int64(0)
            else { return nil }
            let instant = Timestamp(microsecondsSinceEpoch: now)
            let created = try Self.insertTasks([(schedule, [ScheduledFire(nominal: instant, scheduledAt: instant)])], on: connection)
            try Self.recordFired(created[id] ?? 0, last: instant, of: id, on: connection)
            return try connection.query(
                "SELECT \(TaskRecord.sqlColumns) FROM tasks WHERE schedule_id = $1 AND nominal_time = \(SQLTimestamp.timestamp(fromParameter: 2))",
                [id, now]
            ).first.map(TaskRecord.init(row:))
        }
    }

    /// Makes a task for every fire time in `[start, end)` that has none yet, paused or not and
    /// whatever the catch-up window; returns how many it made. Nil when there is no such schedule;
    /// throws `BackfillTooLong` beyond `maxFires` fire times.
    package func backfill(id: UUID, from start: Timestamp, to end: Timestamp, maxFires: Int) async throws -> Int? {
        try await client.withTransaction { connection in
            guard let schedule = try Self.lockedSchedule(id, on: connection) else { return nil }
            guard let fires = try schedule.calendar().fires(from: start, to: end, limit: maxFires) else {
                throw BackfillTooLong(maxFires: maxFires)
            }
            let created = try Self.insertTasks(
                [(schedule, fires.map { ScheduledFire(nominal: $0, scheduledAt: $0) })], on: connection)
            try Self.recordFired(created[id] ?? 0, last: fires.last, of: id, on: connection)
            return created[id] ?? 0
        }
    }

    /// Adds `fired` tasks to the schedule's count and wakes the coordinators for them.
    private static func recordFired(_ fired: Int, last: Timestamp?, of id: UUID, on connection: PostgresConnection) throws {
        guard fired > 0 else { return }
        try connection.execute("SELECT pg_notify('\(TaskNotifications.dueTasksChannel)', '')")
        _ = try connection.query(
            """
            UPDATE schedules SET fired = fired + $2,
                last_fire_at = greatest(last_fire_at, \(SQLTimestamp.timestamp(fromParameter: 3))), updated_at = now()
            WHERE schedule_id = $1
            """, [id, fired, last?.microsecondsSinceEpoch])
    }
}

/// A backfill range holds more fire times than one call may create.
package struct BackfillTooLong: Error, Sendable {
    package var maxFires: Int
}
