import struct Foundation.UUID
import struct Foundation.Data
import class Foundation.JSONDecoder
import APIModels
import Core
import Postgres
import TracePropagation

extension TaskRecord {
    /// The select list that `init(row:)` decodes, for every query that returns whole tasks
    /// (`SELECT \(TaskRecord.sqlColumns) FROM tasks ...`, `RETURNING \(TaskRecord.sqlColumns)`).
    static let sqlColumns = Column.allCases.map { $0.selectExpression(of: nil) }.joined(separator: ", ")

    /// The same columns of the row `table`, each as the text PostgreSQL sends for it (a boolean
    /// as `t` or `f`, not the `true` or `false` of a cast): an array of them holds a row that
    /// `init(snapshot:)` reads back.
    static func textColumns(of table: String) -> String {
        Column.allCases.map { column in
            let value = column.selectExpression(of: table)
            return column.isBoolean ? "(CASE WHEN \(value) THEN 't' WHEN NOT \(value) THEN 'f' END)" : "(\(value))::text"
        }.joined(separator: ", ")
    }

    /// Decodes a row kept as the JSON array of `textColumns(of:)`; a snapshot taken before
    /// columns were added to the end of the list reads them as NULL.
    init(snapshot json: String) throws {
        var cells = try JSONDecoder().decode([String?].self, from: Data(json.utf8))
        cells += [String?](repeating: nil, count: max(Column.allCases.count - cells.count, 0))
        guard cells.count == Column.allCases.count else {
            throw TaskStoreError(
                code: .invalidColumn, message: "a task snapshot has \(cells.count) columns, not \(Column.allCases.count)")
        }
        try self.init(row: PostgresRow(cells: cells))
    }

    /// Decodes a row selected with `sqlColumns`.
    init(row: PostgresRow) throws {
        let reader = TaskRowReader(row: row)
        let statusText = try reader.required(.status) { $0.string($1) }
        guard let status = TaskState(rawValue: statusText) else {
            throw TaskRowReader.invalid(.status, "unknown status '\(statusText)'")
        }
        self.init(
            id: try reader.required(.id) { try $0.uuid($1) },
            command: try reader.required(.command) { $0.string($1) },
            scheduledAt: try reader.requiredTimestamp(.scheduledAt),
            pickedAt: try reader.optionalTimestamp(.pickedAt),
            startedAt: try reader.optionalTimestamp(.startedAt),
            completedAt: try reader.optionalTimestamp(.completedAt),
            failedAt: try reader.optionalTimestamp(.failedAt),
            cancelledAt: try reader.optionalTimestamp(.cancelledAt),
            nextAttemptAt: try reader.optionalTimestamp(.nextAttemptAt),
            status: status,
            attempts: try reader.required(.attempts) { try $0.int($1) },
            maxAttempts: try reader.required(.maxAttempts) { try $0.int($1) },
            timeoutSeconds: try row.int(Column.timeoutSeconds.rawValue),
            workerID: try reader.optionalExactly(.workerID, as: UInt32.self),
            lastError: row.string(Column.lastError.rawValue),
            exitCode: try reader.optionalExactly(.exitCode, as: Int32.self),
            output: row.string(Column.output.rawValue),
            createdAt: try reader.requiredTimestamp(.createdAt),
            scheduleID: try row.uuid(Column.scheduleID.rawValue),
            nominalTime: try reader.optionalTimestamp(.nominalTime),
            placement: QueuePlacement(
                queue: try reader.required(.queue) { $0.string($1) },
                priority: try reader.required(.priority) { try $0.int($1) },
                concurrencyKey: row.string(Column.concurrencyKey.rawValue)),
            createdBy: row.string(Column.createdBy.rawValue),
            outputBytes: try row.int64(Column.outputBytes.rawValue),
            outputTruncated: try row.bool(Column.outputTruncated.rawValue),
            traceContext: row.string(Column.traceParent.rawValue).map {
                TaskTraceContext(stored: $0, state: row.string(Column.traceState.rawValue))
            }
        )
    }

    /// The columns of `sqlColumns`, in order; the raw value is the column's index in a row.
    enum Column: Int, CaseIterable {
        case id, command, scheduledAt, pickedAt, startedAt, completedAt, failedAt, status, attempts
        case maxAttempts, timeoutSeconds, workerID, lastError, exitCode, output, createdAt, cancelledAt, nextAttemptAt
        case scheduleID, nominalTime, queue, priority, concurrencyKey, createdBy, outputBytes, outputTruncated, traceParent, traceState

        var name: String {
            switch self {
            case .id: "id"
            case .command: "command"
            case .scheduledAt: "scheduled_at"
            case .pickedAt: "picked_at"
            case .startedAt: "started_at"
            case .completedAt: "completed_at"
            case .failedAt: "failed_at"
            case .status: "status"
            case .attempts: "attempts"
            case .maxAttempts: "max_attempts"
            case .timeoutSeconds: "timeout_seconds"
            case .workerID: "worker_id"
            case .lastError: "last_error"
            case .exitCode: "exit_code"
            case .output: "output"
            case .createdAt: "created_at"
            case .cancelledAt: "cancelled_at"
            case .nextAttemptAt: "next_attempt_at"
            case .scheduleID: "schedule_id"
            case .nominalTime: "nominal_time"
            case .queue: "queue"
            case .priority: "priority"
            case .concurrencyKey: "concurrency_key"
            case .createdBy: "created_by"
            case .outputBytes: "output_bytes"
            case .outputTruncated: "output_truncated"
            case .traceParent: "trace_parent"
            case .traceState: "trace_state"
            }
        }

        var isTimestamp: Bool {
            switch self {
            case .scheduledAt, .pickedAt, .startedAt, .completedAt, .failedAt, .createdAt, .cancelledAt, .nextAttemptAt,
                .nominalTime:
                true
            default: false
            }
        }

        var isBoolean: Bool { self == .outputTruncated }

        /// The column of `table` (nil: unqualified); timestamps are selected as int8 microseconds
        /// since the epoch (see `SQLTimestamp`).
        func selectExpression(of table: String?) -> String {
            let qualified = table.map { "\($0).\(name)" } ?? name
            return isTimestamp ? SQLTimestamp.microseconds(of: qualified) : qualified
        }
    }
}

/// Reads typed columns of one task row, turning NULLs and unrepresentable values into errors.
private struct TaskRowReader {
    let row: PostgresRow

    func required<Value>(
        _ column: TaskRecord.Column, _ read: (PostgresRow, Int) throws -> Value?
    ) throws -> Value {
        guard let value = try read(row, column.rawValue) else {
            throw Self.invalid(column, "unexpected NULL")
        }
        return value
    }

    func requiredTimestamp(_ column: TaskRecord.Column) throws -> Timestamp {
        Timestamp(microsecondsSinceEpoch: try required(column) { try $0.int64($1) })
    }

    func optionalTimestamp(_ column: TaskRecord.Column) throws -> Timestamp? {
        try row.int64(column.rawValue).map(Timestamp.init(microsecondsSinceEpoch:))
    }

    func optionalExactly<Value: FixedWidthInteger>(
        _ column: TaskRecord.Column, as type: Value.Type
    ) throws -> Value? {
        guard let wide = try row.int64(column.rawValue) else { return nil }
        guard let value = Value(exactly: wide) else {
            throw Self.invalid(column, "\(wide) does not fit in \(Value.self)")
        }
        return value
    }

    static func invalid(_ column: TaskRecord.Column, _ problem: String) -> TaskStoreError {
        TaskStoreError(code: .invalidColumn, message: "tasks.\(column.name): \(problem)")
    }
}
