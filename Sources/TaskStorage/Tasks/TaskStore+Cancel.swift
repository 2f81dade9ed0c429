package import struct Foundation.UUID
package import APIModels

/// What cancelling a task did.
package enum TaskCancellation: Sendable, Hashable {
    /// The task will not run (again); when it was with a worker, the worker is told to stop it.
    case cancelled
    /// It had already reached this terminal state.
    case alreadyFinished(TaskState)
    case notFound
}

extension TaskStore {
    /// Cancels a task that has not finished. A task held by a worker is announced on
    /// `TaskNotifications.cancelChannel` in the same statement, so a coordinator tells its worker;
    /// its `task.cancelled` webhook event is written there too.
    package func cancel(id: UUID) async throws -> TaskCancellation {
        let result = try await client.query(
            """
            WITH previous AS (SELECT status FROM tasks WHERE id = $1),
            updated AS (
                UPDATE tasks SET status = 'cancelled', lease_expires_at = NULL, cancelled_at = now(), updated_at = now()
                WHERE id = $1 AND status IN \(TaskState.unfinishedSQL)
                RETURNING \(WebhookEventSQL.taskEventColumns(.taskCancelled, at: "cancelled_at", table: "tasks"))),
            \(WebhookEventSQL.record(from: "updated"))
            SELECT (SELECT status FROM tasks WHERE id = $1), EXISTS (SELECT 1 FROM updated),
                (SELECT pg_notify('\(TaskNotifications.cancelChannel)', $1::text) FROM previous
                 WHERE EXISTS (SELECT 1 FROM updated) AND previous.status IN ('dispatched', 'running'))
            """, [id])
        guard let row = result.first, let status = row.string(0).flatMap(TaskState.init(rawValue:)) else {
            return .notFound
        }
        return try row.bool(1) == true ? .cancelled : .alreadyFinished(status)
    }
}
