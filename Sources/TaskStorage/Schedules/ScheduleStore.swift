package import struct Foundation.UUID
package import Core
package import Postgres
package import TracePropagation

/// Stores schedules and reads them back: the API's side of the `schedules` table.
package struct ScheduleStore: Sendable {
    package let client: PostgresClient

    package init(client: PostgresClient) {
        self.client = client
    }

    /// Stores a new schedule whose first fire is `nextFireAt`, made by the API token named
    /// `createdBy` in the trace `traceContext`. A name another schedule has is refused with
    /// `.scheduleNameTaken`.
    package func create(
        id: UUID, _ definition: ScheduleDefinition, createdAt: Timestamp, nextFireAt: Timestamp?, createdBy: String? = nil,
        traceContext: TaskTraceContext? = nil
    ) async throws -> ScheduleRecord {
        let columns = Self.definitionColumns.joined(separator: ", ")
        let values = (1...Self.definitionColumns.count).map { Self.placeholder($0) }.joined(separator: ", ")
        let count = Self.definitionColumns.count
        let rows: PostgresResult
        do {
            rows = try await client.query(
                """
                INSERT INTO schedules (\(columns), schedule_id, created_at, next_fire_at, created_by, trace_parent, trace_state)
                VALUES (\(values), $\(count + 1), \(SQLTimestamp.timestamp(fromParameter: count + 2)),
                    \(SQLTimestamp.timestamp(fromParameter: count + 3)), $\(count + 4), $\(count + 5), $\(count + 6))
                RETURNING \(ScheduleRecord.sqlColumns)
                """,
                Self.parameters(of: definition)
                    + [
                        id, createdAt.microsecondsSinceEpoch, nextFireAt?.microsecondsSinceEpoch, createdBy,
                        traceContext?.traceParent, traceContext?.traceState,
                    ])
        } catch let error as PostgresError where error.isUniqueViolation {
            throw Self.nameTaken(definition.name)
        }
        guard let row = rows.first else { throw TaskStoreError(code: .missingRow, message: "INSERT INTO schedules returned no row") }
        try await announceChange()
        return try ScheduleRecord(row: row)
    }

    /// The schedule with this id, or nil.
    package func find(id: UUID) async throws -> ScheduleRecord? {
        try await client.query("SELECT \(ScheduleRecord.sqlColumns) FROM schedules WHERE schedule_id = $1", [id])
            .first.map(ScheduleRecord.init(row:))
    }

    /// Changes a schedule: `change` gets the stored one (locked until the change is written) and
    /// returns the new definition and next fire. Nil when there is no such schedule.
    package func update(
        id: UUID,
        _ change: @escaping @Sendable (ScheduleRecord) throws -> (definition: ScheduleDefinition, nextFireAt: Timestamp?)
    ) async throws -> ScheduleRecord? {
        let assignments = Self.definitionColumns.enumerated().map { "\($1) = \(Self.placeholder($0 + 1))" }
        let count = Self.definitionColumns.count
        return try await client.withTransaction { connection in
            guard let stored = try Self.lockedSchedule(id, on: connection) else { return nil }
            let (definition, nextFireAt) = try change(stored)
            try Self.withdrawFiresDecidedAhead(of: id, on: connection)
            let rows: PostgresResult
            do {
                rows = try connection.query(
                    """
                    UPDATE schedules SET \(assignments.joined(separator: ", ")),
                        next_fire_at = \(SQLTimestamp.timestamp(fromParameter: count + 2)), buffered_fire_at = NULL,
                        updated_at = now()
                    WHERE schedule_id = $\(count + 1)
                    RETURNING \(ScheduleRecord.sqlColumns)
                    """, Self.parameters(of: definition) + [id, nextFireAt?.microsecondsSinceEpoch])
            } catch let error as PostgresError where error.isUniqueViolation {
                throw Self.nameTaken(definition.name)
            }
            try connection.execute(Self.announcement)
            return try rows.first.map(ScheduleRecord.init(row:))
        }
    }

    /// Deletes a schedule; its tasks stay. False when there was none.
    package func delete(id: UUID) async throws -> Bool {
        let deleted = try await client.withTransaction { connection in
            try Self.withdrawFiresDecidedAhead(of: id, on: connection)
            return try connection.query("DELETE FROM schedules WHERE schedule_id = $1 RETURNING 1", [id]).count == 1
        }
        if deleted { try await announceChange() }
        return deleted
    }

    /// Deletes the tasks of fires decided ahead of their time (see `FireDecision.lookahead`) that
    /// have not started, so that a change or a deletion leaves no fire it removed; the counts and
    /// `last_fire_at` go back accordingly. Tasks of trigger and backfill stay.
    private static func withdrawFiresDecidedAhead(of id: UUID, on connection: PostgresConnection) throws {
        let withdrawn = try connection.query(
            """
            DELETE FROM tasks WHERE schedule_id = $1 AND nominal_time > now() AND start_by IS NOT NULL
                AND status = 'scheduled' AND attempts = 0
            RETURNING 1
            """, [id]).count
        guard withdrawn > 0 else { return }
        _ = try connection.query(
            """
            UPDATE schedules SET fired = fired - $2,
                last_fire_at = (SELECT max(nominal_time) FROM tasks WHERE schedule_id = $1)
            WHERE schedule_id = $1
            """, [id, withdrawn])
    }

    /// Tells coordinators that a schedule changed, so they look again at when the next fire is.
    private func announceChange() async throws {
        try await client.query(Self.announcement)
    }

    private static let announcement = "SELECT pg_notify('\(TaskNotifications.schedulesChannel)', '')"

    /// The schedule with this id, locked until the transaction ends; nil when there is none.
    static func lockedSchedule(_ id: UUID, on connection: PostgresConnection) throws -> ScheduleRecord? {
        try connection.query("SELECT \(ScheduleRecord.sqlColumns) FROM schedules WHERE schedule_id = $1 FOR UPDATE", [id])
            .first.map(ScheduleRecord.init(row:))
    }

    /// The columns a definition fills, in the order of `parameters(of:)`.
    private static let definitionColumns = [
        "name", "cron", "timezone", "command", "max_attempts", "timeout_seconds", "overlap", "catchup_window_seconds",
        "jitter_seconds", "start_at", "end_at", "paused", "queue", "priority", "concurrency_key",
    ]

    /// The placeholder of parameter `index` of `parameters(of:)`, times converted.
    private static func placeholder(_ index: Int) -> String {
        ["start_at", "end_at"].contains(definitionColumns[index - 1])
            ? SQLTimestamp.timestamp(fromParameter: index) : "$\(index)"
    }

    private static func parameters(of definition: ScheduleDefinition) -> [(any PostgresBindable)?] {
        [
            definition.name, definition.cron, definition.timezone, definition.command, definition.maxAttempts,
            definition.timeoutSeconds, definition.overlap.rawValue, definition.catchupWindowSeconds,
            definition.jitterSeconds, definition.startAt?.microsecondsSinceEpoch,
            definition.endAt?.microsecondsSinceEpoch, definition.paused, definition.placement.queue,
            definition.placement.priority, definition.placement.concurrencyKey,
        ]
    }

    private static func nameTaken(_ name: String?) -> TaskStoreError {
        TaskStoreError(code: .scheduleNameTaken, message: "a schedule named \"\(name ?? "")\" exists already")
    }
}
