extension TaskStore {
    /// Deletes up to `limit` completed, failed or cancelled tasks that finished more than `age`
    /// ago by the database clock, skipping rows other sessions hold; returns how many it deleted.
    /// Reads the partial index `tasks_finished_idx` (whose expression this must repeat), then the
    /// rows by primary key: the cost follows the batch, not the table.
    package func deleteFinishedTasks(olderThan age: Duration, limit: Int) async throws -> Int {
        let result = try await client.query(
            """
            DELETE FROM tasks WHERE id = ANY (ARRAY(
                SELECT id FROM tasks
                WHERE status IN ('completed', 'failed', 'cancelled')
                    AND coalesce(completed_at, failed_at, updated_at) < now() - $1::float8 * interval '1 second'
                LIMIT $2
                FOR UPDATE SKIP LOCKED))
            """, [age.secondsValue, limit])
        return result.affectedRows
    }
}
