package import struct Foundation.UUID
import APIModels
package import Core
import Postgres

/// What one round of deciding due fires did.
package struct FireRound: Sendable, Hashable {
    /// A fire that ran nothing, for the logs.
    package struct Event: Sendable, Hashable {
        package var scheduleID: UUID
        package var nominal: Timestamp
    }

    package var created = 0
    package var skipped: [Event] = []
    package var missed: [Event] = []
    /// Schedules decided; as many as asked for means more may be due.
    package var schedules = 0

    package init(created: Int = 0, skipped: [Event] = [], missed: [Event] = [], schedules: Int = 0) {
        self.created = created
        self.skipped = skipped
        self.missed = missed
        self.schedules = schedules
    }
}

extension ScheduleStore {
    /// Decides the due fires of up to `limit` schedules in one transaction: each schedule's row is
    /// locked (`SKIP LOCKED`: another coordinator takes the others), its fires become tasks, and
    /// its `next_fire_at`, buffered fire and counts move on in the same commit. A fire's task is
    /// unique by `(schedule_id, nominal_time)`, so a fire never makes two tasks. Times are the
    /// database's.
    package func decideDueFires(limit: Int) async throws -> FireRound {
        try await client.withTransaction { connection in
            guard let now = try connection.query("SELECT \(SQLTimestamp.microseconds(of: "clock_timestamp()"))").first?.int64(0)
            else { throw TaskStoreError(code: .missingRow, message: "SELECT clock_timestamp() returned no row") }
            // Due, or within the lookahead and free to be decided ahead (see `FireDecision`), or
            // with a buffered fire whose task may start.
            let rows = try connection.query(
                """
                SELECT \(ScheduleRecord.sqlColumns), \(Self.hasUnfinishedTask) FROM schedules s
                WHERE NOT paused AND (next_fire_at <= \(SQLTimestamp.timestamp(fromParameter: 1))
                    OR (next_fire_at <= \(SQLTimestamp.timestamp(fromParameter: 3)) AND buffered_fire_at IS NULL
                        AND (overlap = 'allow' OR NOT \(Self.hasUnfinishedTask)))
                    OR (buffered_fire_at IS NOT NULL AND NOT \(Self.hasUnfinishedTask)))
                ORDER BY next_fire_at LIMIT $2
                FOR UPDATE SKIP LOCKED
                """, [now, limit, now + FireDecision.lookahead.microseconds])
            guard !rows.isEmpty else { return FireRound() }
            let schedules = try rows.map(ScheduleRecord.init(row:))
            let instant = Timestamp(microsecondsSinceEpoch: now)
            let decisions = try zip(schedules, rows).map { schedule, row in
                FireDecision(
                    schedule: schedule, calendar: try schedule.calendar(), now: instant,
                    hasUnfinishedTask: try row.bool(ScheduleRecord.columnCount) == true)
            }
            try Self.cancelUnfinished(of: zip(schedules, decisions).filter(\.1.cancelUnfinished).map(\.0.id), on: connection)
            let created = try Self.insertTasks(zip(schedules, decisions).map { ($0, $1.create) }, on: connection)
            try Self.advance(schedules, decisions, created: created, on: connection)
            var round = FireRound(created: created.values.reduce(0, +), schedules: schedules.count)
            for (schedule, decision) in zip(schedules, decisions) {
                round.skipped += decision.skipped.map { FireRound.Event(scheduleID: schedule.id, nominal: $0) }
                round.missed += decision.missed.map { FireRound.Event(scheduleID: schedule.id, nominal: $0) }
            }
            try Self.recordMisses(
                zip(schedules, decisions).flatMap { schedule, decision in decision.missed.map { (schedule, $0) } }, on: connection)
            if round.created > 0 {
                try connection.execute("SELECT pg_notify('\(TaskNotifications.dueTasksChannel)', '')")
            }
            return round
        }
    }

    /// Cancels the tasks of fires that have not started by the end of their catch-up window
    /// (no worker slot was free): they run nothing and count as missed. Returns those fires.
    /// The tasks are found through the `start_by` index alone (its order is asked for) and
    /// updated through the primary key (their status is tested in a form no index answers): the
    /// plan cached while `tasks` was small must not read every waiting task once a backlog fills it.
    package func cancelExpiredFires() async throws -> [FireRound.Event] {
        try await client.query(
            """
            WITH expired AS (
                UPDATE tasks SET status = 'cancelled', cancelled_at = now(), updated_at = now(),
                    last_error = 'missed: it could not start within the catch-up window of its schedule'
                WHERE id = ANY(ARRAY(
                        SELECT id FROM tasks WHERE start_by < now() AND start_by IS NOT NULL AND status = 'scheduled'
                        ORDER BY start_by))
                    AND (status = 'scheduled') IS TRUE AND attempts = 0
                RETURNING schedule_id, nominal_time, id, queue, cancelled_at, tasks AS task),
            expired_events AS (
                SELECT e.event_type, expired.cancelled_at AS occurred_at, expired.queue, expired.id AS task_id, expired.task,
                    expired.schedule_id, expired.nominal_time
                FROM expired CROSS JOIN (VALUES ('\(WebhookEventSQL.EventType.taskCancelled.rawValue)'),
                    ('\(WebhookEventSQL.EventType.scheduleMissed.rawValue)')) AS e(event_type)),
            \(WebhookEventSQL.record(from: "expired_events")),
            counted AS (
                UPDATE schedules s SET missed = s.missed + e.fires, updated_at = now()
                FROM (SELECT schedule_id, count(*) FROM expired GROUP BY schedule_id) AS e (schedule_id, fires)
                WHERE s.schedule_id = e.schedule_id)
            SELECT schedule_id, \(SQLTimestamp.microseconds(of: "nominal_time")) FROM expired
            """
        ).map { row in
            FireRound.Event(
                scheduleID: try require(try row.uuid(0)), nominal: Timestamp(microsecondsSinceEpoch: try require(try row.int64(1))))
        }
    }

    /// How long until `decideDueFires` has a fire to decide, by the database's clock (zero when
    /// one is due): the earliest next fire, less the lookahead where it may be decided ahead.
    /// Nil when no fire remains.
    package func timeToNextDecision() async throws -> Duration? {
        try await client.query(
            """
            SELECT (extract(epoch from min(CASE
                    WHEN buffered_fire_at IS NULL AND (overlap = 'allow' OR NOT \(Self.hasUnfinishedTask))
                    THEN next_fire_at - $1 * interval '1 microsecond' ELSE next_fire_at END) - clock_timestamp())
                * 1000000)::int8
            FROM schedules s WHERE NOT paused
            """, [FireDecision.lookahead.microseconds]
        ).first?.int64(0).map { max(.zero, .microseconds($0)) }
    }

    /// Whether the schedule `s` has a task that has not finished.
    static let hasUnfinishedTask = """
        EXISTS (SELECT 1 FROM tasks t WHERE t.schedule_id = s.schedule_id AND t.status IN \(TaskState.unfinishedSQL))
        """

    /// Schedules that are not paused and have fires left.
    package func countActive() async throws -> Int {
        try await client.query("SELECT count(*) FROM schedules WHERE NOT paused AND next_fire_at IS NOT NULL")
            .first?.int(0) ?? 0
    }

    /// Writes the `schedule.missed` webhook events of fires that run nothing, in the transaction
    /// that decides them.
    private static func recordMisses(_ misses: [(ScheduleRecord, Timestamp)], on connection: PostgresConnection) throws {
        guard !misses.isEmpty else { return }
        _ = try connection.query(
            """
            WITH misses AS (
                SELECT '\(WebhookEventSQL.EventType.scheduleMissed.rawValue)' AS event_type, now() AS occurred_at, m.queue,
                    NULL::uuid AS task_id, NULL::tasks AS task, m.schedule_id,
                    \(SQLTimestamp.timestamp(fromMicroseconds: "m.nominal_us")) AS nominal_time
                FROM unnest($1::uuid[], $2::int8[], $3::text[]) AS m(schedule_id, nominal_us, queue)),
            \(WebhookEventSQL.record(from: "misses"))
            SELECT count(*) FROM webhook_events_made
            """,
            [
                PostgresArray(misses.map(\.0.id)), PostgresArray(misses.map(\.1.microsecondsSinceEpoch)),
                PostgresArray(misses.map(\.0.definition.placement.queue)),
            ])
    }

    /// Cancels the unfinished tasks of `schedules` as `POST /cancel` does: those held by a
    /// worker are announced so that their coordinator stops them.
    private static func cancelUnfinished(of schedules: [UUID], on connection: PostgresConnection) throws {
        guard !schedules.isEmpty else { return }
        _ = try connection.query(
            """
            WITH previous AS (
                SELECT id, status FROM tasks WHERE schedule_id = ANY($1::uuid[])
                    AND status IN \(TaskState.unfinishedSQL) FOR UPDATE),
            cancelled AS (
                UPDATE tasks t SET status = 'cancelled', lease_expires_at = NULL, cancelled_at = now(),
                    updated_at = now(), last_error = 'cancelled: a newer fire of its schedule started (cancel_previous)'
                FROM previous p WHERE t.id = p.id
                RETURNING \(WebhookEventSQL.taskEventColumns(.taskCancelled, at: "t.cancelled_at", table: "t"))),
            \(WebhookEventSQL.record(from: "cancelled"))
            SELECT pg_notify('\(TaskNotifications.cancelChannel)', p.id::text) FROM previous p
            WHERE p.status IN ('dispatched', 'running') AND EXISTS (SELECT 1 FROM cancelled)
            """, [PostgresArray(schedules)])
    }

    /// Inserts the fires' tasks; returns how many each schedule got (a fire that has its task
    /// already is skipped by the unique index).
    static func insertTasks(
        _ fires: [(ScheduleRecord, [ScheduledFire])], on connection: PostgresConnection
    ) throws -> [UUID: Int] {
        let rows = fires.flatMap { schedule, fires in fires.map { (schedule, $0) } }
        guard !rows.isEmpty else { return [:] }
        let inserted = try connection.query(
            """
            INSERT INTO tasks (id, command, scheduled_at, max_attempts, timeout_seconds, schedule_id, nominal_time, start_by,
                queue, priority, concurrency_key, trace_parent, trace_state)
            SELECT id, command, \(SQLTimestamp.timestamp(fromMicroseconds: "scheduled_us")), max_attempts,
                timeout_seconds, schedule_id, \(SQLTimestamp.timestamp(fromMicroseconds: "nominal_us")),
                \(SQLTimestamp.timestamp(fromMicroseconds: "start_by_us")), queue, priority, concurrency_key, trace_parent,
                trace_state
            FROM unnest($1::uuid[], $2::text[], $3::int8[], $4::int4[], $5::int4[], $6::uuid[], $7::int8[], $8::int8[],
                    $9::text[], $10::int2[], $11::text[], $12::text[], $13::text[])
                AS new (id, command, scheduled_us, max_attempts, timeout_seconds, schedule_id, nominal_us, start_by_us,
                    queue, priority, concurrency_key, trace_parent, trace_state)
            ON CONFLICT (schedule_id, nominal_time) WHERE schedule_id IS NOT NULL DO NOTHING
            RETURNING schedule_id
            """,
            [
                PostgresArray(rows.map { _ in UUID() }),
                PostgresArray(rows.map(\.0.definition.command)),
                PostgresArray(rows.map(\.1.scheduledAt.microsecondsSinceEpoch)),
                PostgresArray(rows.map(\.0.definition.maxAttempts)),
                PostgresArray(rows.map(\.0.definition.timeoutSeconds)),
                PostgresArray(rows.map(\.0.id)),
                PostgresArray(rows.map(\.1.nominal.microsecondsSinceEpoch)),
                PostgresArray(rows.map { $0.1.startBy?.microsecondsSinceEpoch }),
                PostgresArray(rows.map(\.0.definition.placement.queue)),
                PostgresArray(rows.map(\.0.definition.placement.priority)),
                PostgresArray(rows.map(\.0.definition.placement.concurrencyKey)),
                PostgresArray(rows.map(\.0.traceContext?.traceParent)),
                PostgresArray(rows.map { $0.0.traceContext?.traceState }),
            ])
        var created: [UUID: Int] = [:]
        for row in inserted {
            if let id = try row.uuid(0) { created[id, default: 0] += 1 }
        }
        return created
    }

    /// Moves each schedule past the fires it decided and adds them to its counts.
    private static func advance(
        _ schedules: [ScheduleRecord], _ decisions: [FireDecision], created: [UUID: Int],
        on connection: PostgresConnection
    ) throws {
        _ = try connection.query(
            """
            UPDATE schedules s SET
                next_fire_at = \(SQLTimestamp.timestamp(fromMicroseconds: "d.next_us")),
                buffered_fire_at = \(SQLTimestamp.timestamp(fromMicroseconds: "d.buffered_us")),
                last_fire_at = greatest(s.last_fire_at, \(SQLTimestamp.timestamp(fromMicroseconds: "d.last_us"))),
                fired = s.fired + d.fired, skipped = s.skipped + d.skipped, missed = s.missed + d.missed,
                updated_at = now()
            FROM unnest($1::uuid[], $2::int8[], $3::int8[], $4::int8[], $5::int8[], $6::int8[], $7::int8[])
                AS d (id, next_us, buffered_us, last_us, fired, skipped, missed)
            WHERE s.schedule_id = d.id
            """,
            [
                PostgresArray(schedules.map(\.id)),
                PostgresArray(decisions.map { $0.nextFireAt?.microsecondsSinceEpoch }),
                PostgresArray(decisions.map { $0.bufferedFireAt?.microsecondsSinceEpoch }),
                PostgresArray(decisions.map { $0.create.map(\.nominal.microsecondsSinceEpoch).max() }),
                PostgresArray(schedules.map { Int64(created[$0.id] ?? 0) }),
                PostgresArray(decisions.map { Int64($0.skipped.count) }),
                PostgresArray(decisions.map { Int64($0.missed.count) }),
            ])
    }
}

/// A column the statement always returns.
private func require<Value>(_ value: Value?) throws -> Value {
    guard let value else { throw TaskStoreError(code: .invalidColumn, message: "unexpected NULL in an expired fire") }
    return value
}
