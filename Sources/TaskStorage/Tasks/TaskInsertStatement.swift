import struct Foundation.UUID
import Postgres
import Core

/// One `INSERT … SELECT … FROM unnest(…)` that stores any number of new tasks in a single
/// statement. Ids are chosen here, so the rows can be matched to the requests whatever order the
/// database returns them in; a row whose idempotency key is taken is skipped, not an error.
struct TaskInsertStatement {
    private let tasks: [NewTask]
    private let ids: [UUID]

    init(_ tasks: [NewTask]) {
        self.tasks = tasks
        self.ids = tasks.map { _ in UUID() }
    }

    var hasIdempotencyKeys: Bool { tasks.contains { $0.idempotencyKey != nil } }

    var sql: String {
        """
        INSERT INTO tasks (id, command, scheduled_at, max_attempts, timeout_seconds, idempotency_key, queue, priority,
            concurrency_key, created_by, trace_parent, trace_state)
        SELECT id, command, \(SQLTimestamp.timestamp(fromMicroseconds: "scheduled_us")), max_attempts,
            timeout_seconds, idempotency_key, queue, priority, concurrency_key, created_by, trace_parent, trace_state
        FROM unnest($1::uuid[], $2::text[], $3::int8[], $4::int4[], $5::int4[], $6::text[], $7::text[], $8::int2[],
                $9::text[], $10::text[], $11::text[], $12::text[])
            AS new (id, command, scheduled_us, max_attempts, timeout_seconds, idempotency_key, queue, priority,
                concurrency_key, created_by, trace_parent, trace_state)
        ON CONFLICT (idempotency_key) WHERE idempotency_key IS NOT NULL DO NOTHING
        RETURNING \(TaskRecord.sqlColumns)
        """
    }

    var parameters: [(any PostgresBindable)?] {
        [
            PostgresArray(ids),
            PostgresArray(tasks.map(\.command)),
            PostgresArray(tasks.map(\.scheduledAt.microsecondsSinceEpoch)),
            PostgresArray(tasks.map(\.maxAttempts)),
            PostgresArray(tasks.map(\.timeoutSeconds)),
            PostgresArray(tasks.map(\.idempotencyKey)),
            PostgresArray(tasks.map(\.placement.queue)),
            PostgresArray(tasks.map(\.placement.priority)),
            PostgresArray(tasks.map(\.placement.concurrencyKey)),
            PostgresArray(tasks.map(\.createdBy)),
            PostgresArray(tasks.map(\.traceContext?.traceParent)),
            PostgresArray(tasks.map { $0.traceContext?.traceState }),
        ]
    }

    /// The keys of the tasks that `inserted` lacks: their keys belonged to stored tasks already.
    func keysNotInserted(_ inserted: [TaskRecord]) -> [String] {
        let insertedIDs = Set(inserted.map(\.id))
        return zip(ids, tasks).compactMap { id, task in insertedIDs.contains(id) ? nil : task.idempotencyKey }
    }

    /// The outcome for every task, in request order: the inserted row, or the stored task that
    /// holds its key (`existing`, by key). Throws `.idempotencyConflict` for the first task whose
    /// key holds a different task.
    func scheduledTasks(inserted: [TaskRecord], existing: [String: TaskRecord]) throws -> [ScheduledTask] {
        let insertedByID = Dictionary(inserted.map { ($0.id, $0) }, uniquingKeysWith: { first, _ in first })
        return try zip(ids, tasks).enumerated().map { index, element in
            let (id, task) = element
            if let record = insertedByID[id] {
                return ScheduledTask(record: record, isReplay: false)
            }
            guard let key = task.idempotencyKey, let record = existing[key] else {
                throw TaskStoreError(code: .missingRow, message: "INSERT INTO tasks returned no row for task \(index)")
            }
            let differences = task.differences(from: record)
            guard differences.isEmpty else {
                throw TaskStoreError(
                    code: .idempotencyConflict,
                    message: "the idempotency key is already used by task \(record.id.text) "
                        + "with a different \(differences.joined(separator: ", "))",
                    index: index)
            }
            return ScheduledTask(record: record, isReplay: true)
        }
    }
}
