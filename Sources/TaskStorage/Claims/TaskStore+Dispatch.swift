package import struct Foundation.UUID
import Postgres
import TracePropagation

/// The coordinator's half of the task store: claiming due tasks, giving them back, and
/// recording what workers report.
extension TaskStore {
    /// Claims up to `limit` tasks due by the database clock, held by no worker yet; see
    /// `claimDueTasks(assigningTo:queues:handoffs:lease:handOffDeadline:priorityAging:)`.
    package func claimDueTasks(limit: Int, lease: Duration) async throws -> [ClaimedTask] {
        try await claimDueTasks(assigningTo: [UInt32?](repeating: nil, count: max(0, limit)), lease: lease)
    }

    /// Claims up to `workerIDs.count` tasks due by the database clock from the queues without
    /// limits or pause (among `queues`; nil: every queue), highest effective priority first and
    /// then oldest due first, in one statement that skips rows other coordinators hold, and
    /// records the i-th of them as held by `workerIDs[i]` for `coordinatorID` under the hand-off
    /// token `handoffs[i]` (new random ones when nil). Returns them in that order, so the tokens
    /// used are the first `count` of `handoffs`. Each claim holds a lease of `lease`, and its
    /// hand-off's deadline is `handOffDeadline` from now by the database clock: no recovery by
    /// lease or retry makes the task due before it. A task gains a priority step for every
    /// `priorityAging` it has been due (nil: never).
    package func claimDueTasks(
        assigningTo workerIDs: [UInt32?], queues: [String]? = nil, handoffs: [UUID]? = nil, lease: Duration,
        handOffDeadline: Duration = .zero, priorityAging: Duration? = nil
    ) async throws -> [ClaimedTask] {
        guard !workerIDs.isEmpty else { return [] }
        let result = try await client.query(
            Self.claimSQL,
            claimParameters(
                workerIDs: workerIDs, handoffs: handoffs, lease: lease, handOffDeadline: handOffDeadline,
                first: workerIDs.count)
                + [queues.map(PostgresArray.init), priorityAging?.microseconds])
        return try result.map(ClaimedTask.init(row:))
    }

    /// Parameters `$1` to `$6` of a claim: `first` (the ids or the count to claim), then those of
    /// `ClaimStatement.sql`. The tokens are made here: random UUIDs cost PostgreSQL, the busier
    /// side, more.
    func claimParameters(
        workerIDs: [UInt32?], handoffs: [UUID]?, lease: Duration, handOffDeadline: Duration, first: any PostgresBindable
    ) -> [(any PostgresBindable)?] {
        [
            first, lease.microseconds, PostgresArray(workerIDs.map { $0.map(Int64.init) }),
            PostgresArray(handoffs ?? workerIDs.map { _ in UUID() }), coordinatorID, handOffDeadline.microseconds,
        ]
    }

    /// The claim from queues without limits: `$1` tasks at most, from the queues `$7` (text[];
    /// NULL: all), aging `$8`. Each priority level of each queue gives its `$1` oldest due tasks
    /// (a range of the waiting index, locked with SKIP LOCKED), and the best `$1` of those go out:
    /// within a level the oldest are also the best, whatever the aging. The ids are collected into
    /// an array, so the update finds each row through the primary key whatever the planner thinks
    /// of the table's size.
    static let claimSQL = ClaimStatement.sql(
        preamble: """
            RECURSIVE \(ClaimStatement.levels),
            due AS (
                SELECT waiting.id FROM levels CROSS JOIN LATERAL (
                    SELECT id, priority, due_at FROM tasks
                    WHERE status = 'scheduled' AND queue = levels.queue AND priority = levels.priority AND due_at <= now()
                    ORDER BY due_at LIMIT $1 FOR UPDATE SKIP LOCKED) AS waiting
                WHERE ($7::text[] IS NULL OR levels.queue = ANY($7::text[]))
                    AND NOT EXISTS (SELECT FROM queues WHERE queues.name = levels.queue AND queues.restricted)
                ORDER BY \(ClaimStatement.effectivePriority(of: "waiting", agingParameter: 8)) DESC, waiting.due_at
                LIMIT $1),
            """,
        ids: "ARRAY(SELECT id FROM due)", limited: false)

    /// Time until the earliest waiting task is due by the database clock (zero or less: due
    /// now); nil when no task waits. It reads the first task of each priority level.
    package func timeUntilNextDueTask() async throws -> Duration? {
        let result = try await client.query(
            """
            WITH RECURSIVE \(ClaimStatement.levels)
            SELECT \(SQLTimestamp.microseconds(of: "min(first.due_at)")) - \(SQLTimestamp.microseconds(of: "now()"))
            FROM levels CROSS JOIN LATERAL (
                SELECT due_at FROM tasks WHERE status = 'scheduled' AND queue = levels.queue AND priority = levels.priority
                ORDER BY due_at LIMIT 1) AS first
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
    /// started), or that another coordinator adopted, is left alone; so is one whose hand-off's
    /// deadline has not passed when `onlyPastDeadline` (its worker may still take it). Returns how
    /// many went back.
    @discardableResult
    package func returnToQueue(_ tasks: [ClaimedTask], onlyPastDeadline: Bool = false) async throws -> Int {
        guard !tasks.isEmpty else { return 0 }
        return try await client.query(
            """
            UPDATE tasks SET \(Self.backInQueue), attempts = greatest(attempts - 1, 0)
            FROM unnest($1::uuid[], $2::uuid[]) AS failed(id, handoff)
            WHERE tasks.id = failed.id AND tasks.handoff = failed.handoff AND tasks.status = 'dispatched'
                AND tasks.coordinator_id IS NOT DISTINCT FROM $3 AND (NOT $4 OR \(Self.handOffDeadlinePassed))
            """, [PostgresArray(tasks.map(\.id)), PostgresArray(tasks.map(\.handoff)), coordinatorID, onlyPastDeadline]
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
        guard let id = try row.uuid(0), let command = row.string(1), let attempt = try row.int(2),
            let handoff = try row.uuid(5), let queue = row.string(6)
        else {
            throw TaskStoreError(code: .invalidColumn, message: "claimed task row has NULL id, command, attempts, handoff or queue")
        }
        self.init(
            id: id, command: command, attempt: attempt, timeoutSeconds: try row.int(3),
            workerID: try row.int64(4).flatMap(UInt32.init(exactly:)), handoff: handoff, queue: queue,
            traceContext: row.string(7).map { TaskTraceContext(stored: $0, state: row.string(8)) },
            previousAttempt: row.string(9).map { TaskTraceContext(stored: $0, state: nil) })
    }
}
