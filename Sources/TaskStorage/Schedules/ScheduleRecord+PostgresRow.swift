import Core
import Postgres
import TracePropagation

extension ScheduleRecord {
    /// The select list `init(row:)` decodes, in its order.
    static let sqlColumns = selectList.joined(separator: ", ")

    /// How many columns `sqlColumns` selects: where a query's own columns after them begin.
    static let columnCount = selectList.count

    private static let selectList = [
        "schedule_id", "name", "cron", "timezone", "command", "max_attempts", "timeout_seconds", "overlap",
        "catchup_window_seconds", "jitter_seconds", SQLTimestamp.microseconds(of: "start_at"),
        SQLTimestamp.microseconds(of: "end_at"), "paused", SQLTimestamp.microseconds(of: "created_at"),
        SQLTimestamp.microseconds(of: "next_fire_at"), SQLTimestamp.microseconds(of: "last_fire_at"), "fired", "skipped",
        "missed", SQLTimestamp.microseconds(of: "buffered_fire_at"), "queue", "priority", "concurrency_key", "created_by",
        "trace_parent", "trace_state",
    ]

    /// Decodes a row selected with `sqlColumns`.
    init(row: PostgresRow) throws {
        func required<Value>(_ column: Int, _ value: Value?) throws -> Value {
            guard let value else {
                throw TaskStoreError(code: .invalidColumn, message: "schedules: unexpected NULL in column \(column)")
            }
            return value
        }
        func timestamp(_ column: Int) throws -> Timestamp? {
            try row.int64(column).map(Timestamp.init(microsecondsSinceEpoch:))
        }
        let overlapText = try required(7, row.string(7))
        guard let overlap = OverlapPolicy(rawValue: overlapText) else {
            throw TaskStoreError(code: .invalidColumn, message: "schedules.overlap: unknown policy '\(overlapText)'")
        }
        self.init(
            id: try required(0, row.uuid(0)),
            definition: ScheduleDefinition(
                name: row.string(1), cron: try required(2, row.string(2)), timezone: try required(3, row.string(3)),
                command: try required(4, row.string(4)), maxAttempts: try required(5, row.int(5)),
                timeoutSeconds: try row.int(6), overlap: overlap, catchupWindowSeconds: try required(8, row.int(8)),
                jitterSeconds: try required(9, row.int(9)), startAt: try timestamp(10), endAt: try timestamp(11),
                paused: try required(12, row.bool(12)),
                placement: QueuePlacement(
                    queue: try required(20, row.string(20)), priority: try required(21, row.int(21)),
                    concurrencyKey: row.string(22))),
            createdAt: try required(13, timestamp(13)),
            nextFireAt: try timestamp(14),
            bufferedFireAt: try timestamp(19),
            lastFireAt: try timestamp(15),
            counts: ScheduleCounts(
                fired: try required(16, row.int64(16)), skipped: try required(17, row.int64(17)),
                missed: try required(18, row.int64(18))),
            createdBy: row.string(23),
            traceContext: row.string(24).map { TaskTraceContext(stored: $0, state: row.string(25)) })
    }
}
