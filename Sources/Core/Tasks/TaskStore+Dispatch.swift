public import struct Foundation.UUID

/// The coordinator's half of the task store: claiming due tasks, giving them back, and
/// recording what workers report.
extension TaskStore {
    /// Claims up to `limit` tasks due by the database clock, oldest due first, in one short
    /// transaction that skips rows other coordinators hold, and returns them in due order. Each
    /// claim holds a lease of `lease`.
    public func claimDueTasks(limit: Int, lease: Duration) async throws -> [ClaimedTask] {
        guard limit > 0 else { return [] }
        let result = try await client.query(
            """
            WITH claimed AS (
                UPDATE tasks SET status = 'dispatched', picked_at = now(), attempts = attempts + 1,
                    worker_id = NULL, updated_at = now(), lease_expires_at = now() + $2 * interval '1 microsecond'
                WHERE id IN (
                    SELECT id FROM tasks
                    WHERE status = 'scheduled' AND scheduled_at <= now()
                    ORDER BY scheduled_at
                    LIMIT $1
                    FOR UPDATE SKIP LOCKED)
                RETURNING id, command, attempts, timeout_seconds, scheduled_at)
            SELECT id, command, attempts, timeout_seconds FROM claimed ORDER BY scheduled_at
            """, [limit, lease.microseconds])
        return try result.map(ClaimedTask.init(row:))
    }

    /// Time until the earliest waiting task is due by the database clock (zero or less: due
    /// now); nil when no task waits.
    public func timeUntilNextDueTask() async throws -> Duration? {
        let result = try await client.query(
            """
            SELECT \(SQLTimestamp.microseconds(of: "min(scheduled_at)")) - \(SQLTimestamp.microseconds(of: "now()"))
            FROM tasks WHERE status = 'scheduled'
            """)
        return try result.first?.int64(0).map { .microseconds($0) }
    }

    /// Inserts a task due now that is already claimed for dispatch (the coordinator's SubmitTask).
    public func insertClaimedTask(command: String, lease: Duration) async throws -> ClaimedTask {
        let result = try await client.query(
            """
            INSERT INTO tasks (command, scheduled_at, picked_at, status, attempts, lease_expires_at)
            VALUES ($1, now(), now(), 'dispatched', 1, now() + $2 * interval '1 microsecond')
            RETURNING id, command, attempts, timeout_seconds
            """, [command, lease.microseconds])
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
            UPDATE tasks SET \(Self.backInQueue), attempts = greatest(attempts - 1, 0)
            WHERE id = ANY($1::uuid[]) AND status = 'dispatched'
            """, [PostgresArray(taskIDs)])
    }

    /// Extends the leases of the tasks a worker says it holds.
    public func renewLeases(of taskIDs: [UUID], lease: Duration) async throws {
        guard !taskIDs.isEmpty else { return }
        try await client.query(
            """
            UPDATE tasks SET lease_expires_at = now() + $2 * interval '1 microsecond'
            WHERE id = ANY($1::uuid[]) AND status IN ('dispatched', 'running')
            """, [PostgresArray(taskIDs), lease.microseconds])
    }

    /// Extends the leases of every task held by a worker that does not list what it holds.
    public func renewLeases(ofWorker workerID: UInt32, lease: Duration) async throws {
        try await client.query(
            """
            UPDATE tasks SET lease_expires_at = now() + $2 * interval '1 microsecond'
            WHERE worker_id = $1 AND status IN ('dispatched', 'running')
            """, [Int64(workerID), lease.microseconds])
    }

    /// Takes back every unfinished task of a worker that is gone. Each is due again at once
    /// (no backoff), or failed for good when it has used its attempts. Returns how many.
    @discardableResult
    public func recoverTasks(ofWorker workerID: UInt32) async throws -> Int {
        try await client.query(
            Self.recoverySQL(where: "worker_id = $2"), ["worker lost: \(workerID) stopped sending heartbeats", Int64(workerID)]
        ).affectedRows
    }

    /// Takes back every unfinished task whose lease expired (its worker or coordinator went
    /// away without a word), as `recoverTasks(ofWorker:)` does. Returns how many.
    @discardableResult
    public func recoverExpiredLeases() async throws -> Int {
        try await client.query(
            Self.recoverySQL(where: "lease_expires_at < now()"), ["lease expired: no word from the worker"]
        ).affectedRows
    }

    /// Puts in-flight tasks matching `condition` back in the queue, or fails them for good;
    /// `$1` is the error recorded.
    private static func recoverySQL(where condition: String) -> String {
        """
        UPDATE tasks SET updated_at = now(), worker_id = NULL, lease_expires_at = NULL, last_error = $1,
            status = CASE WHEN attempts < max_attempts THEN 'scheduled' ELSE 'failed' END,
            picked_at = CASE WHEN attempts < max_attempts THEN NULL ELSE picked_at END,
            started_at = CASE WHEN attempts < max_attempts THEN NULL ELSE started_at END,
            failed_at = CASE WHEN attempts < max_attempts THEN NULL ELSE now() END
        WHERE status IN ('dispatched', 'running') AND \(condition)
        """
    }

    /// Assignments that make a task wait in the queue again, as if never picked.
    private static let backInQueue = """
        status = 'scheduled', picked_at = NULL, started_at = NULL, worker_id = NULL,
        lease_expires_at = NULL, updated_at = now()
        """

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
                    UPDATE tasks SET status = 'completed', updated_at = now(), lease_expires_at = NULL,
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
                    UPDATE tasks SET updated_at = now(), lease_expires_at = NULL,
                        worker_id = coalesce($4::int8, worker_id),
                        exit_code = $5::int4, output = $6::text, last_error = $7::text,
                        status = CASE WHEN attempts < max_attempts THEN 'scheduled' ELSE 'failed' END,
                        picked_at = CASE WHEN attempts < max_attempts THEN NULL ELSE picked_at END,
                        started_at = CASE WHEN attempts < max_attempts THEN NULL ELSE started_at END,
                        failed_at = CASE WHEN attempts < max_attempts THEN NULL
                            ELSE coalesce(\(SQLTimestamp.timestamp(fromParameter: 2)), now()) END,
                        scheduled_at = CASE WHEN attempts < max_attempts
                            THEN now() + interval '1 second' * least(60, power(2, attempts - 1)) * (0.75 + random() / 2)
                            ELSE scheduled_at END
                    WHERE id = $1 AND status IN ('dispatched', 'running')
                        AND ($3::int4 IS NULL OR attempts = $3::int4)
                    """),
                [report.taskID, time, attempt, workerID, report.exitCode, report.output, report.error])
        case .handedBack:
            // The worker gave the task back unrun (it is draining): due again at once, and the
            // attempt does not count.
            result = try await client.query(
                Self.reportSQL(
                    """
                    UPDATE tasks SET \(Self.backInQueue), attempts = greatest(attempts - 1, 0)
                    WHERE id = $1 AND status IN ('dispatched', 'running')
                        AND ($2::int4 IS NULL OR attempts = $2::int4)
                    """),
                [report.taskID, attempt])
        }
        guard let row = result.first, let exists = try row.bool(0), let updated = try row.bool(1) else {
            throw TaskStoreError(code: .missingRow, message: "status report query returned no row")
        }
        if updated {
            let backInQueue = try row.bool(3) ?? false
            let startDelay = try row.int64(4).map { Duration.microseconds($0) }
            return .recorded(
                workerID: try row.int64(2).flatMap(UInt32.init(exactly:)),
                requeued: report.outcome == .failed && backInQueue,
                startDelay: report.outcome == .started ? startDelay : nil)
        }
        return exists ? .ignored : .notFound
    }

    /// Wraps an UPDATE on `id = $1` so it also tells whether the task exists at all, which
    /// worker held it, whether it went back in the queue, and — when it was still waiting to
    /// start — the time from `scheduled_at` to `started_at` in microseconds. The outer SELECT
    /// reads `tasks` as it was before the UPDATE (one snapshot for the whole statement).
    private static func reportSQL(_ update: String) -> String {
        """
        WITH updated AS (\(update) RETURNING worker_id, status,
            \(SQLTimestamp.microseconds(of: "started_at")) - \(SQLTimestamp.microseconds(of: "scheduled_at")) AS start_delay)
        SELECT EXISTS (SELECT 1 FROM tasks WHERE id = $1), EXISTS (SELECT 1 FROM updated),
            (SELECT worker_id FROM updated), (SELECT status = 'scheduled' FROM updated),
            CASE WHEN (SELECT status FROM tasks WHERE id = $1) = 'dispatched' THEN (SELECT start_delay FROM updated) END
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
