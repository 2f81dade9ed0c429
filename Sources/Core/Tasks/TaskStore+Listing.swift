/// One page of the task list.
public struct TaskPage: Sendable, Hashable {
    public var tasks: [TaskRecord]
    /// Where the next page starts; `nil` on the last page.
    public var next: TaskCursor?

    public init(tasks: [TaskRecord], next: TaskCursor?) {
        self.tasks = tasks
        self.next = next
    }
}

extension TaskStore {
    /// Up to `limit` tasks, newest first by `(created_at, id)`, starting after `cursor`, only those
    /// in `status` when given. Keyset pagination: tasks stored while a client pages through the
    /// list never shift its pages, so it sees every older task exactly once.
    public func listTasks(status: TaskState? = nil, after cursor: TaskCursor? = nil, limit: Int) async throws -> TaskPage {
        precondition(limit > 0, "a page holds at least one task")
        var conditions: [String] = []
        var parameters: [(any PostgresBindable)?] = []
        if let status {
            parameters.append(status.rawValue)
            conditions.append("status = $\(parameters.count)")
        }
        if let cursor {
            parameters.append(cursor.createdAt.microsecondsSinceEpoch)
            let createdAt = SQLTimestamp.timestamp(fromParameter: parameters.count)
            parameters.append(cursor.id)
            conditions.append("(created_at, id) < (\(createdAt), $\(parameters.count)::uuid)")
        }
        // One row more than the page tells whether another page follows.
        parameters.append(limit + 1)
        let filter = conditions.isEmpty ? "" : "WHERE " + conditions.joined(separator: " AND ")
        let result = try await client.query(
            """
            SELECT \(TaskRecord.sqlColumns) FROM tasks \(filter)
            ORDER BY created_at DESC, id DESC LIMIT $\(parameters.count)
            """, parameters)
        let tasks = try result.prefix(limit).map(TaskRecord.init(row:))
        return TaskPage(tasks: tasks, next: result.count > limit ? tasks.last.map(TaskCursor.init(after:)) : nil)
    }
}
