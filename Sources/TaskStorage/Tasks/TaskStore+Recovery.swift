package import struct Foundation.UUID
import Postgres

/// Taking tasks back from workers and coordinators that went away. Every statement decides by
/// the database's clock and by who answers for a task now, in the statement that changes it, so
/// any number of coordinators may run them at once and one acting on a stale view (paused,
/// partitioned) takes back nothing that another one adopted meanwhile.
extension TaskStore {
    /// What `recoverTasks(ofWorker:)` did.
    package struct WorkerRecovery: Sendable, Hashable {
        /// Tasks taken back.
        package var tasks: Int
        /// How long until the last deadline of the hand-offs that kept the others back passes;
        /// nil when none did.
        package var lastDeadlineIn: Duration?
    }

    /// Takes back every unfinished task of a worker that is gone, among those this store's
    /// coordinator answers for (a task its worker took to another coordinator is left alone),
    /// once its last hand-off's deadline passed: until then the worker may still take that
    /// hand-off (it was stopped and continues, say), and the hand-off's outcome decides. Each is
    /// due again at once (no backoff), or failed for good when it has used its attempts.
    package func recoverTasks(ofWorker workerID: UInt32) async throws -> WorkerRecovery {
        let parameters: [(any PostgresBindable)?] = [Int64(workerID), coordinatorID]
        let held = "worker_id = $1 AND coordinator_id IS NOT DISTINCT FROM $2"
        let tasks =
            try await client.query(
                Self.recoverySQL(where: "\(held) AND \(Self.handOffDeadlinePassed)", errorParameter: 3),
                parameters + ["worker lost: \(workerID) stopped sending heartbeats"]
            ).first?.int(0) ?? 0
        let waiting = try await client.query(
            """
            SELECT \(SQLTimestamp.microseconds(of: "max(handoff_deadline)")) - \(SQLTimestamp.microseconds(of: "now()"))
            FROM tasks WHERE status IN ('dispatched', 'running') AND handoff_deadline > now() AND \(held)
            """, parameters
        ).first?.int64(0)
        return WorkerRecovery(tasks: tasks, lastDeadlineIn: waiting.map { .microseconds($0) })
    }

    /// Takes back every unfinished task whose lease expired (its worker or coordinator went
    /// away without a word), as `recoverTasks(ofWorker:)` does, once its last hand-off's
    /// deadline passed too: until then a worker may still take that hand-off (a lease shorter
    /// than the hand-off's time, say). Returns how many.
    @discardableResult
    package func recoverExpiredLeases() async throws -> Int {
        try await client.query(
            Self.recoverySQL(where: "lease_expires_at < now() AND \(Self.handOffDeadlinePassed)", errorParameter: 1),
            ["lease expired: no word from the worker"]
        ).first?.int(0) ?? 0
    }

    /// What `recoverTasksOfLostCoordinators(silentFor:)` did.
    package struct LostCoordinators: Sendable, Hashable {
        /// The coordinators whose rows were deleted.
        package var coordinatorIDs: [UUID]
        /// Their tasks taken back.
        package var tasks: Int
    }

    /// Deletes the rows of the other coordinators silent for `silence` by the database clock
    /// (crashed, or stopped with their row marked), with the rows of the workers they listed, and
    /// takes back the tasks they still answer for, as `recoverTasks(ofWorker:)` does, in one
    /// transaction: a lost coordinator's workers that moved to another coordinator in time had
    /// their tasks adopted, so what is left has no live worker. A coordinator whose row was
    /// deleted while it was paused writes it again when it resumes.
    package func recoverTasksOfLostCoordinators(silentFor silence: Duration) async throws -> LostCoordinators {
        let coordinatorID = coordinatorID
        return try await client.withTransaction { connection in
            let lost = try connection.query(
                """
                DELETE FROM coordinators
                WHERE last_heartbeat < now() - $1 * interval '1 microsecond' AND coordinator_id IS DISTINCT FROM $2
                RETURNING coordinator_id
                """, [silence.microseconds, coordinatorID]
            ).map { row in
                guard let id = try row.uuid(0) else {
                    throw TaskStoreError(code: .invalidColumn, message: "coordinators row has a NULL coordinator_id")
                }
                return id
            }
            guard !lost.isEmpty else { return LostCoordinators(coordinatorIDs: [], tasks: 0) }
            try connection.query("DELETE FROM workers WHERE coordinator_id = ANY($1::uuid[])", [PostgresArray(lost)])
            let tasks = try connection.query(
                Self.recoverySQL(where: "coordinator_id = ANY($2::uuid[])", errorParameter: 1),
                ["coordinator lost: it stopped sending heartbeats", PostgresArray(lost)]
            ).first?.int(0) ?? 0
            return LostCoordinators(coordinatorIDs: lost, tasks: tasks)
        }
    }

    /// No worker can take the task's last hand-off any more (a worker refuses one it reads later).
    static let handOffDeadlinePassed = "(handoff_deadline IS NULL OR handoff_deadline <= now())"

    /// Puts in-flight tasks matching `condition` back in the queue, due no earlier than their last
    /// hand-off's deadline, or fails them for good, with their `task.retrying` or `task.failed`
    /// webhook events; parameter `errorParameter` is the error recorded. Returns how many.
    private static func recoverySQL(where condition: String, errorParameter: Int) -> String {
        let eventType = """
            CASE WHEN status = 'scheduled' THEN '\(WebhookEventSQL.EventType.taskRetrying.rawValue)'
                ELSE '\(WebhookEventSQL.EventType.taskFailed.rawValue)' END
            """
        return """
            WITH recovered AS (
                UPDATE tasks SET updated_at = now(), worker_id = NULL, lease_expires_at = NULL, handoff = NULL, last_error = $\(errorParameter),
                    coordinator_id = NULL,
                    status = CASE WHEN attempts < max_attempts THEN 'scheduled' ELSE 'failed' END,
                    next_attempt_at = CASE WHEN attempts < max_attempts THEN greatest(now(), handoff_deadline) ELSE next_attempt_at END,
                    picked_at = CASE WHEN attempts < max_attempts THEN NULL ELSE picked_at END,
                    started_at = CASE WHEN attempts < max_attempts THEN NULL ELSE started_at END,
                    failed_at = CASE WHEN attempts < max_attempts THEN NULL ELSE now() END
                WHERE status IN ('dispatched', 'running') AND \(condition)
                RETURNING \(WebhookEventSQL.taskEventColumns(eventType, at: "updated_at", table: "tasks"))),
            \(WebhookEventSQL.record(from: "recovered"))
            SELECT count(*) FROM recovered
            """
    }
}
