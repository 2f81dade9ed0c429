package import struct Foundation.UUID
package import Postgres

/// Stores new tasks and reads them back: the scheduler's side of the `tasks` table.
package struct TaskStore: Sendable {
    package let client: PostgresClient
    package let dueTaskNotifier: DueTaskNotifier
    /// The coordinator this store claims, renews and takes back tasks for; nil outside a
    /// coordinator (its claims then answer to no coordinator, and only their leases protect them).
    package let coordinatorID: UUID?

    package init(client: PostgresClient, coordinatorID: UUID? = nil) {
        self.client = client
        self.coordinatorID = coordinatorID
        dueTaskNotifier = DueTaskNotifier(client: client)
    }

    /// Stores a task in state `scheduled`. With an idempotency key that a stored task already has,
    /// returns that task when it matches the request and throws `.idempotencyConflict` when not.
    package func schedule(_ task: NewTask) async throws -> ScheduledTask {
        do {
            return try await schedule([task])[0]
        } catch var error as TaskStoreError where error.code == .idempotencyConflict {
            error.index = nil
            throw error
        }
    }

    /// Stores tasks in one statement, all or none, and returns them in the order given. Keys are
    /// honoured as in `schedule(_:)`; a conflict names the task's index and stores nothing.
    package func schedule(_ tasks: [NewTask]) async throws -> [ScheduledTask] {
        guard !tasks.isEmpty else { return [] }
        let scheduled = try await insert(tasks)
        dueTaskNotifier.tasksStored(dueAt: tasks.map(\.scheduledAt))
        return scheduled
    }

    private func insert(_ tasks: [NewTask]) async throws -> [ScheduledTask] {
        let insert = TaskInsertStatement(tasks)
        guard insert.hasIdempotencyKeys else {
            let records = try await client.query(insert.sql, insert.parameters).map(TaskRecord.init(row:))
            return try insert.scheduledTasks(inserted: records, existing: [:])
        }
        // The unique index makes a concurrent insert with the same key wait for this one and then
        // skip its row, so the lookup below always finds the task that won.
        return try await client.withTransaction { connection in
            let records = try connection.query(insert.sql, insert.parameters).map(TaskRecord.init(row:))
            let missingKeys = insert.keysNotInserted(records)
            var existing: [String: TaskRecord] = [:]
            if !missingKeys.isEmpty {
                let keyColumn = TaskRecord.Column.allCases.count
                for row in try connection.query(
                    "SELECT \(TaskRecord.sqlColumns), idempotency_key FROM tasks WHERE idempotency_key = ANY($1::text[])",
                    [PostgresArray(missingKeys)])
                {
                    if let key = row.string(keyColumn) { existing[key] = try TaskRecord(row: row) }
                }
            }
            return try insert.scheduledTasks(inserted: records, existing: existing)
        }
    }

    /// The task with this id, or `nil` when there is none.
    package func find(id: UUID) async throws -> TaskRecord? {
        let result = try await client.query(
            "SELECT \(TaskRecord.sqlColumns) FROM tasks WHERE id = $1",
            [id]
        )
        return try result.first.map(TaskRecord.init(row:))
    }
}
