package import struct Foundation.UUID
package import APIModels
import Postgres

/// One page of the task list.
package struct TaskPage: Sendable, Hashable {
    package var tasks: [TaskRecord]
    /// Where the next page starts; `nil` on the last page.
    package var next: PageCursor?

    package init(tasks: [TaskRecord], next: PageCursor?) {
        self.tasks = tasks
        self.next = next
    }
}

extension TaskStore {
    /// Up to `limit` tasks, newest first by `(created_at, id)`, starting after `cursor`, only those
    /// in `status`, made by the schedule `scheduleID` and whose id starts with `idPrefix` when
    /// given. Keyset pagination: tasks stored while a client pages through the list never shift
    /// its pages, so it sees every older task exactly once. An id prefix is a range of the
    /// primary key, which the planner reads instead of the list's index when it is narrow.
    ///
    /// Pages are read through the `(status, created_at, id)` index alone: without a status, one
    /// page of each status, merged. No index on `(created_at, id)` is kept for the unfiltered
    /// list, since every index costs each update of a task's status a new entry.
    package func listTasks(
        status: TaskState? = nil, scheduleID: UUID? = nil, idPrefix: IDPrefix? = nil, after cursor: PageCursor? = nil, limit: Int
    ) async throws -> TaskPage {
        precondition(limit > 0, "a page holds at least one task")
        if let scheduleID {
            return try await listTasks(of: scheduleID, status: status, idPrefix: idPrefix, after: cursor, limit: limit)
        }
        var parameters: [(any PostgresBindable)?] = []
        var after = ""
        if let cursor {
            parameters.append(cursor.createdAt.microsecondsSinceEpoch)
            parameters.append(cursor.id)
            after = "AND (created_at, id) < (\(SQLTimestamp.timestamp(fromParameter: 1)), $2::uuid)"
        }
        if let idPrefix {
            parameters += [idPrefix.lowestID, idPrefix.highestID]
            after += " AND id BETWEEN $\(parameters.count - 1)::uuid AND $\(parameters.count)::uuid"
        }
        // One row more than the page tells whether another page follows.
        parameters.append(limit + 1)
        let pageSize = "$\(parameters.count)"
        let statuses = status.map { [$0] } ?? TaskState.allCases
        let pages = statuses.map { status in
            """
            (SELECT * FROM tasks WHERE status = '\(status.rawValue)' \(after)
             ORDER BY created_at DESC, id DESC LIMIT \(pageSize))
            """
        }
        let result = try await client.query(
            """
            SELECT \(TaskRecord.sqlColumns) FROM (\(pages.joined(separator: " UNION ALL "))) AS tasks
            ORDER BY created_at DESC, id DESC LIMIT \(pageSize)
            """, parameters)
        let tasks = try result.prefix(limit).map(TaskRecord.init(row:))
        return TaskPage(tasks: tasks, next: result.count > limit ? tasks.last.map(PageCursor.init(after:)) : nil)
    }

    /// The tasks of one schedule, through the `(schedule_id, created_at, id)` index.
    private func listTasks(
        of scheduleID: UUID, status: TaskState?, idPrefix: IDPrefix?, after cursor: PageCursor?, limit: Int
    ) async throws -> TaskPage {
        var parameters: [(any PostgresBindable)?] = [scheduleID, limit + 1]
        var conditions = ["schedule_id = $1"]
        if let status {
            parameters.append(status.rawValue)
            conditions.append("status = $\(parameters.count)")
        }
        if let idPrefix {
            parameters += [idPrefix.lowestID, idPrefix.highestID]
            conditions.append("id BETWEEN $\(parameters.count - 1)::uuid AND $\(parameters.count)::uuid")
        }
        if let cursor {
            parameters += [cursor.createdAt.microsecondsSinceEpoch, cursor.id]
            conditions.append(
                "(created_at, id) < (\(SQLTimestamp.timestamp(fromParameter: parameters.count - 1)), $\(parameters.count)::uuid)")
        }
        let result = try await client.query(
            """
            SELECT \(TaskRecord.sqlColumns) FROM tasks WHERE \(conditions.joined(separator: " AND "))
            ORDER BY created_at DESC, id DESC LIMIT $2
            """, parameters)
        let tasks = try result.prefix(limit).map(TaskRecord.init(row:))
        return TaskPage(tasks: tasks, next: result.count > limit ? tasks.last.map(PageCursor.init(after:)) : nil)
    }
}
