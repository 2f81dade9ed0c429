package import APIModels
import Postgres

/// One page of the schedule list.
package struct SchedulePage: Sendable, Hashable {
    package var schedules: [ScheduleRecord]
    /// Where the next page starts; nil on the last page.
    package var next: PageCursor?
}

extension ScheduleStore {
    /// Up to `limit` schedules, newest first by `(created_at, schedule_id)`, after `cursor`, only
    /// those whose id starts with `idPrefix` when given.
    package func list(idPrefix: IDPrefix? = nil, after cursor: PageCursor? = nil, limit: Int) async throws -> SchedulePage {
        precondition(limit > 0, "a page holds at least one schedule")
        var parameters: [(any PostgresBindable)?] = [limit + 1]
        var conditions: [String] = []
        if let cursor {
            parameters += [cursor.createdAt.microsecondsSinceEpoch, cursor.id]
            conditions.append("(created_at, schedule_id) < (\(SQLTimestamp.timestamp(fromParameter: 2)), $3::uuid)")
        }
        if let idPrefix {
            parameters += [idPrefix.lowestID, idPrefix.highestID]
            conditions.append("schedule_id BETWEEN $\(parameters.count - 1)::uuid AND $\(parameters.count)::uuid")
        }
        // One row more than the page tells whether another page follows.
        let result = try await client.query(
            """
            SELECT \(ScheduleRecord.sqlColumns) FROM schedules
            \(conditions.isEmpty ? "" : "WHERE " + conditions.joined(separator: " AND "))
            ORDER BY created_at DESC, schedule_id DESC LIMIT $1
            """, parameters)
        let schedules = try result.prefix(limit).map(ScheduleRecord.init(row:))
        return SchedulePage(
            schedules: schedules, next: result.count > limit ? schedules.last.map(PageCursor.init(after:)) : nil)
    }
}
