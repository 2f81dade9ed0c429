import APIModels
import Core

extension TaskStore {
    /// The queue now and its last `TaskSummary.windowSeconds`, read on one connection. The unfinished
    /// states are counted through the status index; finished tasks are found through the index on
    /// their finish time, so the cost follows what finished in the window, not the table's size.
    package func summary() async throws -> TaskSummary {
        try await client.withConnection { connection in
            let bounds = try connection.query(Self.boundsSQL)
            guard let row = bounds.first, let now = try row.int64(0), let windowStart = try row.int64(1) else {
                throw TaskStoreError(code: .missingRow, message: "the summary's bounds query returned no row")
            }
            let unfinished = TaskSummary.Unfinished(
                scheduled: try row.int(2) ?? 0, due: try row.int(3) ?? 0,
                dispatched: try row.int(4) ?? 0, running: try row.int(5) ?? 0)
            var intervals = (0..<TaskSummary.intervalCount).map { index in
                TaskSummary.Interval(
                    start: Timestamp(microsecondsSinceEpoch: windowStart + Int64(index * TaskSummary.intervalSeconds) * 1_000_000))
            }
            for row in try connection.query(Self.intervalsSQL, [windowStart]) {
                guard let index = try row.int(0), intervals.indices.contains(index) else { continue }
                intervals[index].completed = try row.int(1) ?? 0
                intervals[index].failed = try row.int(2) ?? 0
                intervals[index].cancelled = try row.int(3) ?? 0
                intervals[index].startDelayMedian = try row.double(4)
                intervals[index].startDelay95thPercentile = try row.double(5)
                intervals[index].startDelayMaximum = try row.double(6)
            }
            return TaskSummary(
                generatedAt: Timestamp(microsecondsSinceEpoch: now), unfinished: unfinished, intervals: intervals)
        }
    }

    /// Now, the start of the window (intervals aligned to multiples of their length, the last one
    /// holding now), and the unfinished tasks by state.
    private static let boundsSQL = """
        SELECT \(SQLTimestamp.microseconds(of: "now()")),
            \(SQLTimestamp.microseconds(of: "date_bin(interval '\(TaskSummary.intervalSeconds) seconds', now(), timestamptz 'epoch') - interval '\(TaskSummary.windowSeconds - TaskSummary.intervalSeconds) seconds'")),
            count(*) FILTER (WHERE status = 'scheduled'),
            count(*) FILTER (WHERE status = 'scheduled' AND due_at <= now()),
            count(*) FILTER (WHERE status = 'dispatched'),
            count(*) FILTER (WHERE status = 'running')
        FROM tasks WHERE status IN \(TaskState.unfinishedSQL)
        """

    /// Finished tasks by interval since `$1` (microseconds): counts by final state and start
    /// delays in milliseconds. A finish time the workers' clocks put after now counts in the last interval.
    private static let intervalsSQL: String = {
        let finished = "coalesce(completed_at, failed_at, updated_at)"
        return """
            SELECT least(\(TaskSummary.intervalCount - 1),
                    floor((\(SQLTimestamp.microseconds(of: finished)) - $1::int8) / \(TaskSummary.intervalSeconds * 1_000_000)::float8))::int4,
                count(*) FILTER (WHERE status = 'completed'),
                count(*) FILTER (WHERE status = 'failed'),
                count(*) FILTER (WHERE status = 'cancelled'),
                round(percentile_cont(0.5) WITHIN GROUP (ORDER BY delay_ms)::numeric, 3)::float8,
                round(percentile_cont(0.95) WITHIN GROUP (ORDER BY delay_ms)::numeric, 3)::float8,
                round(max(delay_ms)::numeric, 3)::float8
            FROM (SELECT status, completed_at, failed_at, updated_at,
                    extract(epoch FROM started_at - due_at)::float8 * 1000 AS delay_ms
                FROM tasks
                WHERE status IN ('completed', 'failed', 'cancelled') AND \(finished) >= \(SQLTimestamp.timestamp(fromParameter: 1))
            ) AS ended
            GROUP BY 1
            """
    }()
}
