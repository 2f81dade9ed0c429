public import struct Foundation.UUID

/// Stores new tasks and reads them back: the scheduler's side of the `tasks` table.
public struct TaskStore: Sendable {
    let client: PostgresClient

    public init(client: PostgresClient) {
        self.client = client
    }

    /// Inserts a task in state `scheduled` and returns the stored row.
    public func schedule(_ request: NewTask) async throws -> TaskRecord {
        let result = try await client.query(
            """
            INSERT INTO tasks (command, scheduled_at, max_attempts, timeout_seconds)
            VALUES ($1, \(SQLTimestamp.timestamp(fromParameter: 2)), $3, $4)
            RETURNING \(TaskRecord.sqlColumns)
            """,
            [request.command, request.scheduledAt.microsecondsSinceEpoch, request.maxAttempts, request.timeoutSeconds]
        )
        guard let row = result.first else {
            throw TaskStoreError(code: .missingRow, message: "INSERT INTO tasks returned no row")
        }
        return try TaskRecord(row: row)
    }

    /// The task with this id, or `nil` when there is none.
    public func find(id: UUID) async throws -> TaskRecord? {
        let result = try await client.query(
            "SELECT \(TaskRecord.sqlColumns) FROM tasks WHERE id = $1",
            [id]
        )
        return try result.first.map(TaskRecord.init(row:))
    }
}
