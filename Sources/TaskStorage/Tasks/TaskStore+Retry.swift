package import struct Foundation.UUID
package import APIModels

/// What asking for another attempt of a task did.
package enum TaskRetry: Sendable, Hashable {
    /// The task is due again now, with one more attempt allowed: as the retry left it.
    case retried(TaskRecord)
    /// Only a failed or cancelled task can be retried; the task is in this state.
    case notRetryable(TaskState)
    case notFound
}

extension TaskStore {
    /// Makes a failed or cancelled task due now for one more attempt: the same task (its id, its
    /// command, its attempt count), with `max_attempts` set to the attempts made plus one and the
    /// times of the ended attempt cleared
    /// (and a schedule's catch-up deadline: the operator asked for this run). The previous attempt's output, exit code and error stay
    /// until the new attempt reports its own. A task cancelled while a hand-off of it was on its
    /// way is due only once that hand-off's deadline passed: until then a worker may take it.
    /// Coordinators are woken in the same statement.
    package func retry(id: UUID) async throws -> TaskRetry {
        let result = try await client.query(
            """
            WITH updated AS (
                UPDATE tasks SET status = 'scheduled', max_attempts = attempts + 1, next_attempt_at = greatest(now(), handoff_deadline),
                    picked_at = NULL, started_at = NULL, completed_at = NULL, failed_at = NULL, cancelled_at = NULL,
                    worker_id = NULL, handoff = NULL, coordinator_id = NULL, lease_expires_at = NULL, start_by = NULL,
                    updated_at = now()
                WHERE id = $1 AND status IN ('failed', 'cancelled')
                RETURNING \(TaskRecord.sqlColumns)),
            notified AS (SELECT pg_notify('\(TaskNotifications.dueTasksChannel)', '') FROM updated)
            SELECT updated.*, (SELECT status FROM tasks WHERE id = $1), (SELECT count(*) FROM notified)
            FROM (SELECT 1) AS one LEFT JOIN updated ON true
            """, [id])
        let statusColumn = TaskRecord.Column.allCases.count
        guard let row = result.first, let status = row.string(statusColumn).flatMap(TaskState.init(rawValue:)) else {
            return .notFound
        }
        guard row.string(TaskRecord.Column.id.rawValue) != nil else { return .notRetryable(status) }
        return .retried(try TaskRecord(row: row))
    }
}
