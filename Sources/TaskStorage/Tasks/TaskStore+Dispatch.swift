package import struct Foundation.UUID
import Postgres

/// The coordinator's half of the task store: claiming due tasks, giving them back, and
/// recording what workers report.
extension TaskStore {
    /// Claims up to `limit` tasks due by the database clock, held by no worker yet; see
    /// `claimDueTasks(assigningTo:handoffs:lease:handOffDeadline:)`.
    package func claimDueTasks(limit: Int, lease: Duration) async throws -> [ClaimedTask] {
        try await claimDueTasks(assigningTo: [UInt32?](repeating: nil, count: max(0, limit)), lease: lease)
    }

    /// Claims up to `workerIDs.count` tasks due by the database clock, oldest due first, in one
    /// statement that skips rows other coordinators hold, and records the i-th of them as held by
    /// `workerIDs[i]` for `coordinatorID` under the hand-off token `handoffs[i]` (new random ones
    /// when nil). Returns them in due order, so the tokens used are the first `count` of `handoffs`.
    /// Each claim holds a lease of `lease`, and its hand-off's deadline is `handOffDeadline` from
    /// now by the database clock: no recovery by lease or retry makes the task due before it.
    package func claimDueTasks(
        assigningTo workerIDs: [UInt32?], handoffs: [UUID]? = nil, lease: Duration, handOffDeadline: Duration = .zero
    ) async throws -> [ClaimedTask] {
        guard !workerIDs.isEmpty else { return [] }
        // The due ids are collected into an array first, so the update finds each row through the
        // primary key whatever the planner thinks of the table's size; the i-th id is paired with
        // the i-th worker and hand-off token (unnest pads the shorter array with NULLs, which match
        // no row). The tokens are made here: random UUIDs cost PostgreSQL, the busier side, more.
        let result = try await client.query(
            """
            WITH claimed AS (
                UPDATE tasks SET status = 'dispatched', picked_at = now(), attempts = attempts + 1,
                    worker_id = holder.worker_id, updated_at = now(), handoff = holder.handoff,
                    lease_expires_at = now() + $2 * interval '1 microsecond', coordinator_id = $5,
                    handoff_deadline = now() + $6 * interval '1 microsecond'
                FROM unnest(
                    ARRAY(
                        SELECT id FROM tasks
                        WHERE status = 'scheduled' AND due_at <= now()
                        ORDER BY due_at
                        LIMIT $1
                        FOR UPDATE SKIP LOCKED),
                    $3::int8[], $4::uuid[]) AS holder(id, worker_id, handoff)
                WHERE tasks.id = holder.id
                RETURNING tasks.id, command, attempts, timeout_seconds, due_at, tasks.worker_id, tasks.handoff)
            SELECT id, command, attempts, timeout_seconds, worker_id, handoff FROM claimed ORDER BY due_at
            """,
            [
                workerIDs.count, lease.microseconds, PostgresArray(workerIDs.map { $0.map(Int64.init) }),
                PostgresArray(handoffs ?? workerIDs.map { _ in UUID() }), coordinatorID, handOffDeadline.microseconds,
            ])
        return try result.map(ClaimedTask.init(row:))
    }

    /// Time until the earliest waiting task is due by the database clock (zero or less: due
    /// now); nil when no task waits.
    package func timeUntilNextDueTask() async throws -> Duration? {
        let result = try await client.query(
            """
            SELECT \(SQLTimestamp.microseconds(of: "min(due_at)")) - \(SQLTimestamp.microseconds(of: "now()"))
            FROM tasks WHERE status = 'scheduled'
            """)
        return try result.first?.int64(0).map { .microseconds($0) }
    }

    /// Inserts a task due now by the database clock (the coordinator's SubmitTask) and wakes the
    /// coordinators. Returns its id.
    package func insertTaskDueNow(command: String) async throws -> UUID {
        let result = try await client.query("INSERT INTO tasks (command, scheduled_at) VALUES ($1, now()) RETURNING id", [command])
        guard let id = try result.first?.uuid(0) else {
            throw TaskStoreError(code: .missingRow, message: "INSERT INTO tasks returned no row")
        }
        dueTaskNotifier.notify()
        return id
    }

    /// Puts tasks back in the queue, due at once, whose worker refused their hand-off or showed
    /// that it does not hold them; that hand-off does not count as an attempt. A task that is no
    /// longer in that hand-off (its worker was lost meanwhile and another one holds it now, or it
    /// started), or that another coordinator adopted, is left alone. Returns how many went back.
    @discardableResult
    package func returnToQueue(_ tasks: [ClaimedTask]) async throws -> Int {
        guard !tasks.isEmpty else { return 0 }
        return try await client.query(
            """
            UPDATE tasks SET \(Self.backInQueue), attempts = greatest(attempts - 1, 0)
            FROM unnest($1::uuid[], $2::uuid[]) AS failed(id, handoff)
            WHERE tasks.id = failed.id AND tasks.handoff = failed.handoff AND tasks.status = 'dispatched'
                AND tasks.coordinator_id IS NOT DISTINCT FROM $3
            """, [PostgresArray(tasks.map(\.id)), PostgresArray(tasks.map(\.handoff)), coordinatorID]
        ).affectedRows
    }

    /// Extends to `lease` the leases of the tasks `workerID` says it holds, and makes
    /// `coordinatorID` answer for them: a worker that moved here from another coordinator has its
    /// tasks adopted with its first heartbeat. Otherwise only leases past half their time are
    /// written, so frequent heartbeats cost a write per task per half lease.
    package func renewLeases(of taskIDs: [UUID], heldBy workerID: UInt32, lease: Duration) async throws {
        guard !taskIDs.isEmpty else { return }
        try await client.query(
            "\(Self.leaseRenewalSQL) AND id = ANY($4::uuid[])", [lease.microseconds, coordinatorID, Int64(workerID), PostgresArray(taskIDs)])
    }

    /// Extends the leases of every task held by a worker that does not list what it holds, as
    /// `renewLeases(of:heldBy:lease:)` does.
    package func renewLeases(ofWorker workerID: UInt32, lease: Duration) async throws {
        try await client.query(Self.leaseRenewalSQL, [lease.microseconds, coordinatorID, Int64(workerID)])
    }

    /// Renews (`$1`: the lease in microseconds) and adopts (`$2`: the coordinator) the in-flight
    /// tasks of worker `$3`.
    private static let leaseRenewalSQL = """
        UPDATE tasks SET lease_expires_at = now() + $1 * interval '1 microsecond', coordinator_id = $2
        WHERE worker_id = $3 AND status IN ('dispatched', 'running')
            AND (lease_expires_at < now() + $1 / 2 * interval '1 microsecond' OR coordinator_id IS DISTINCT FROM $2)
        """

    /// Assignments that make a task wait in the queue again, as if never picked.
    static let backInQueue = """
        status = 'scheduled', picked_at = NULL, started_at = NULL, worker_id = NULL,
        lease_expires_at = NULL, handoff = NULL, coordinator_id = NULL, updated_at = now()
        """
}

extension ClaimedTask {
    init(row: PostgresRow) throws {
        guard let id = try row.uuid(0), let command = row.string(1), let attempt = try row.int(2), let handoff = try row.uuid(5) else {
            throw TaskStoreError(code: .invalidColumn, message: "claimed task row has NULL id, command, attempts or handoff")
        }
        self.init(
            id: id, command: command, attempt: attempt, timeoutSeconds: try row.int(3),
            workerID: try row.int64(4).flatMap(UInt32.init(exactly:)), handoff: handoff)
    }
}
