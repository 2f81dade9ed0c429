package import struct Foundation.UUID
package import APIModels
import Postgres

/// A piece of the live output of a running task, as a worker sent it.
package struct LiveOutputChunk: Sendable, Hashable {
    package var taskID: UUID
    /// The hand-off the chunk is about: it is stored only while the task is running under it.
    package var handoff: UUID
    /// Where the chunk starts among the bytes the command printed, and how many it holds.
    package var byteOffset: Int64
    package var byteCount: Int
    package var text: String

    package init(taskID: UUID, handoff: UUID, byteOffset: Int64, byteCount: Int, text: String) {
        self.taskID = taskID
        self.handoff = handoff
        self.byteOffset = byteOffset
        self.byteCount = byteCount
        self.text = text
    }
}

/// A stored piece of a running attempt's live output.
package struct LiveOutputPiece: Sendable, Hashable {
    /// Where the piece starts among the bytes the command printed, and how many it holds.
    package var byteOffset: Int64
    package var byteCount: Int
    package var text: String
}

/// A task's output as `GET /tasks/{id}/output` reads it at one instant.
package struct TaskOutputRead: Sendable, Hashable {
    package var status: TaskState
    /// The hand-off that runs the task, whose live output `live` is (nil: none holds it).
    package var handoff: UUID?
    /// The output the last attempt that ended reported; nil when none has ended, or its output
    /// is past `--output_retention`.
    package var output: String?
    /// While an attempt runs: the pieces of its live output from the offset asked for, in order.
    package var live: [LiveOutputPiece]

    /// Whether the task has ended for good: its output will not change.
    package var hasEnded: Bool { status.isTerminal }
}

/// Storing the live output of running tasks and reading a task's output.
extension TaskStore {
    /// Stores the chunks whose task is still running under the chunk's hand-off; a chunk sent
    /// again is stored once. Returns how many were stored.
    package func appendLiveOutput(_ chunks: [LiveOutputChunk]) async throws -> Int {
        guard !chunks.isEmpty else { return 0 }
        let result = try await client.query(
            """
            INSERT INTO task_output (task_id, handoff, byte_offset, byte_count, content)
            SELECT t.id, t.handoff, c.byte_offset, c.byte_count, c.content
            FROM unnest($1::uuid[], $2::uuid[], $3::int8[], $4::int4[], $5::text[])
                AS c(task_id, handoff, byte_offset, byte_count, content)
            JOIN tasks t ON t.id = c.task_id AND t.handoff = c.handoff AND t.status IN ('dispatched', 'running')
            ON CONFLICT DO NOTHING
            """,
            [
                PostgresArray(chunks.map(\.taskID)), PostgresArray(chunks.map(\.handoff)), PostgresArray(chunks.map(\.byteOffset)),
                PostgresArray(chunks.map(\.byteCount)), PostgresArray(chunks.map(\.text)),
            ])
        return result.affectedRows
    }

    /// The task's status, its last reported output, and, while a hand-off runs it, that run's
    /// live output from `liveOffset` on; nil when there is no such task.
    package func readOutput(of id: UUID, liveFrom liveOffset: Int64) async throws -> TaskOutputRead? {
        let rows = try await client.query(
            """
            SELECT t.status, t.handoff, t.output, o.byte_offset, o.byte_count, o.content
            FROM tasks t
            LEFT JOIN task_output o ON o.task_id = t.id AND o.handoff = t.handoff AND o.byte_offset >= $2
                AND t.status IN ('dispatched', 'running')
            WHERE t.id = $1
            ORDER BY o.byte_offset
            """, [id, liveOffset])
        guard let first = rows.first else { return nil }
        guard let statusText = first.string(0), let status = TaskState(rawValue: statusText) else {
            throw TaskStoreError(code: .invalidColumn, message: "task output row has no status")
        }
        let live = try rows.compactMap { row -> LiveOutputPiece? in
            guard let offset = try row.int64(3), let count = try row.int(4), let text = row.string(5) else { return nil }
            return LiveOutputPiece(byteOffset: offset, byteCount: count, text: text)
        }
        return TaskOutputRead(status: status, handoff: try first.uuid(1), output: first.string(2), live: live)
    }

    /// Deletes the live output of runs that have ended (their final report holds their output);
    /// returns how many chunks it deleted.
    package func deleteEndedLiveOutput(limit: Int) async throws -> Int {
        let result = try await client.query(
            """
            DELETE FROM task_output WHERE (task_id, handoff, byte_offset) IN (
                SELECT o.task_id, o.handoff, o.byte_offset FROM task_output o JOIN tasks t ON t.id = o.task_id
                WHERE t.status NOT IN ('dispatched', 'running') OR o.handoff IS DISTINCT FROM t.handoff
                LIMIT $1)
            """, [limit])
        return result.affectedRows
    }

    /// Forgets the output of up to `limit` tasks that finished more than `age` ago, after the
    /// task `after` in the order of finish time then id (keeping `output_bytes` and
    /// `output_truncated`); returns the last task it went through, from which the next call goes
    /// on (nil: none left), so each finished task is read once. Reads the partial index
    /// `tasks_finished_idx`, whose expression this repeats.
    package func forgetOutput(finishedBefore age: Duration, after: OutputRetentionMark?, limit: Int) async throws
        -> OutputRetentionMark?
    {
        let finished = "coalesce(completed_at, failed_at, updated_at)"
        let rows = try await client.query(
            """
            WITH old AS (
                SELECT id, \(finished) AS finished FROM tasks
                WHERE status IN ('completed', 'failed', 'cancelled')
                    AND \(finished) < now() - $1::float8 * interval '1 second'
                    AND ($2::timestamptz IS NULL OR \(finished) >= $2::timestamptz)
                    AND ($2::timestamptz IS NULL OR \(finished) > $2::timestamptz OR id > $3::uuid)
                ORDER BY 2, 1
                LIMIT $4),
            forgotten AS (
                UPDATE tasks SET output = NULL FROM old WHERE tasks.id = old.id AND tasks.output IS NOT NULL)
            SELECT finished::text, id FROM old ORDER BY finished DESC, id DESC LIMIT 1
            """, [age.secondsValue, after?.finished, after?.taskID, limit])
        guard let row = rows.first, let finished = row.string(0), let id = try row.uuid(1) else { return nil }
        return OutputRetentionMark(finished: finished, taskID: id)
    }
}

/// Where a sweep of old output stopped: the finish time (as the database writes it) and id of
/// the last task it went through.
package struct OutputRetentionMark: Sendable, Hashable {
    package var finished: String
    package var taskID: UUID
}
