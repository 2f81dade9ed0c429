public import struct Foundation.UUID

/// The coordinator's half of the task store: claiming due tasks, giving them back, and
/// recording what workers report.
extension TaskStore {
    /// Claims up to `limit` tasks due by the database clock, oldest due first, in one short
    /// transaction that skips rows other coordinators hold.
    public func claimDueTasks(limit: Int) async throws -> [ClaimedTask] {
        guard limit > 0 else { return [] }
        let result = try await client.query(
            """
            UPDATE tasks SET status = 'dispatched', picked_at = now(), attempts = attempts + 1,
                worker_id = NULL, updated_at = now()
            WHERE id IN (
                SELECT id FROM tasks
                WHERE status = 'scheduled' AND scheduled_at <= now()
                ORDER BY scheduled_at
                LIMIT $1
                FOR UPDATE SKIP LOCKED)
            RETURNING id, command, attempts, timeout_seconds
            """, [limit])
        return try result.map(ClaimedTask.init(row:))
    }

    /// Inserts a task due now that is already claimed for dispatch (the coordinator's SubmitTask).
    public func insertClaimedTask(command: String) async throws -> ClaimedTask {
        let result = try await client.query(
            """
            INSERT INTO tasks (command, scheduled_at, picked_at, status, attempts)
            VALUES ($1, now(), now(), 'dispatched', 1)
            RETURNING id, command, attempts, timeout_seconds
            """, [command])
        guard let row = result.first else {
            throw TaskStoreError(code: .missingRow, message: "INSERT INTO tasks returned no row")
        }
        return try ClaimedTask(row: row)
    }

    /// Records which worker holds each handed-off task, in one statement.
    public func assignWorkers(_ assignments: [(taskID: UUID, workerID: UInt32)]) async throws {
        guard !assignments.isEmpty else { return }
        try await client.query(
            """
            UPDATE tasks SET worker_id = a.worker_id, updated_at = now()
            FROM unnest($1::uuid[], $2::int8[]) AS a(id, worker_id)
            WHERE tasks.id = a.id AND tasks.status = 'dispatched'
            """,
            [PostgresArray(assignments.map(\.taskID)), PostgresArray(assignments.map(\.workerID))])
    }

    /// Puts tasks whose hand-off failed back in the queue, due at once; the failed hand-off does
    /// not count as an attempt.
    public func returnToQueue(_ taskIDs: [UUID]) async throws {
        guard !taskIDs.isEmpty else { return }
        try await client.query(
            """
            UPDATE tasks SET status = 'scheduled', picked_at = NULL, worker_id = NULL,
                attempts = greatest(attempts - 1, 0), updated_at = now()
            WHERE id = ANY($1::uuid[]) AND status = 'dispatched'
            """, [PostgresArray(taskIDs)])
    }

    /// Applies a worker's report. A report about an older attempt, or about a task that is
    /// already finished, changes nothing.
    public func record(_ report: TaskStatusReport) async throws -> TaskStatusReportResult {
        let time: (any PostgresBindable)? = report.time?.microsecondsSinceEpoch
        let attempt: (any PostgresBindable)? = report.attempt
        let workerID: (any PostgresBindable)? = report.workerID.map(Int64.init)
        let result: PostgresResult
        switch report.outcome {
        case .started:
            result = try await client.query(
                Self.reportSQL(
                    """
                    UPDATE tasks SET status = 'running', updated_at = now(),
                        started_at = coalesce(\(SQLTimestamp.timestamp(fromParameter: 2)), now()),
                        worker_id = coalesce($4::int8, worker_id)
                    WHERE id = $1 AND status IN ('dispatched', 'running')
                        AND ($3::int4 IS NULL OR attempts = $3::int4)
                    """),
                [report.taskID, time, attempt, workerID])
        case .completed:
            result = try await client.query(
                Self.reportSQL(
                    """
                    UPDATE tasks SET status = 'completed', updated_at = now(),
                        completed_at = coalesce(\(SQLTimestamp.timestamp(fromParameter: 2)), now()),
                        started_at = coalesce(started_at, \(SQLTimestamp.timestamp(fromParameter: 2)), now()),
                        worker_id = coalesce($4::int8, worker_id),
                        exit_code = $5::int4, output = $6::text, last_error = NULL
                    WHERE id = $1 AND status IN ('dispatched', 'running')
                        AND ($3::int4 IS NULL OR attempts = $3::int4)
                    """),
                [report.taskID, time, attempt, workerID, report.exitCode, report.output])
        case .failed:
            // Retried with exponential backoff and jitter until max_attempts, then failed for good.
            result = try await client.query(
                Self.reportSQL(
                    """
                    UPDATE tasks SET updated_at = now(),
                        worker_id = coalesce($4::int8, worker_id),
                        exit_code = $5::int4, output = $6::text, last_error = $7::text,
                        status = CASE WHEN attempts < max_attempts THEN 'scheduled' ELSE 'failed' END,
                        failed_at = CASE WHEN attempts < max_attempts THEN NULL
                            ELSE coalesce(\(SQLTimestamp.timestamp(fromParameter: 2)), now()) END,
                        scheduled_at = CASE WHEN attempts < max_attempts
                            THEN now() + interval '1 second' * least(60, power(2, attempts - 1)) * (0.75 + random() / 2)
                            ELSE scheduled_at END
                    WHERE id = $1 AND status IN ('dispatched', 'running')
                        AND ($3::int4 IS NULL OR attempts = $3::int4)
                    """),
                [report.taskID, time, attempt, workerID, report.exitCode, report.output, report.error])
        }
        guard let row = result.first, let exists = try row.bool(0), let updated = try row.bool(1) else {
            throw TaskStoreError(code: .missingRow, message: "status report query returned no row")
        }
        if updated { return .recorded(workerID: try row.int64(2).flatMap(UInt32.init(exactly:))) }
        return exists ? .ignored : .notFound
    }

    /// Wraps an UPDATE on `id = $1` so it also tells whether the task exists at all and which
    /// worker held it.
    private static func reportSQL(_ update: String) -> String {
        """
        WITH updated AS (\(update) RETURNING worker_id)
        SELECT EXISTS (SELECT 1 FROM tasks WHERE id = $1), EXISTS (SELECT 1 FROM updated),
            (SELECT worker_id FROM updated)
        """
    }
}

extension ClaimedTask {
    init(row: PostgresRow) throws {
        guard let id = try row.uuid(0), let command = row.string(1), let attempt = try row.int(2) else {
            throw TaskStoreError(code: .invalidColumn, message: "claimed task row has NULL id, command or attempts")
        }
        self.init(id: id, command: command, attempt: attempt, timeoutSeconds: try row.int(3))
    }
}
