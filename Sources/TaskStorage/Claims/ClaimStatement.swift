/// The SQL both claims share: the waiting tasks' priority levels, a task's effective priority,
/// and the update that records claimed tasks as handed to workers.
enum ClaimStatement {
    /// `levels(queue, priority)`: every queue and priority that has a waiting task, found with one
    /// index descent each (a loose scan of `tasks_waiting_idx`), in (queue, priority) order.
    static let levels = """
        levels(queue, priority) AS (
            (SELECT queue, priority FROM tasks WHERE status = 'scheduled' ORDER BY queue, priority LIMIT 1)
            UNION ALL
            SELECT next.queue, next.priority FROM levels CROSS JOIN LATERAL (
                SELECT queue, priority FROM tasks
                WHERE status = 'scheduled' AND (queue, priority) > (levels.queue, levels.priority)
                ORDER BY queue, priority LIMIT 1) AS next)
        """

    /// The priority a waiting task of `table` claims with: its own, plus one for every
    /// `agingParameter` microseconds (an int8 parameter; NULL: no aging) it has been due.
    static func effectivePriority(of table: String, agingParameter: Int) -> String {
        """
        (\(table).priority + coalesce(floor(greatest(extract(epoch FROM now() - \(table).due_at), 0) * 1000000 / $\(agingParameter)::int8), 0))
        """
    }

    /// Records the tasks `ids` (an SQL uuid[] expression, in the order they go out) as handed to
    /// the workers `$3` (int8[], paired by position) under the hand-off tokens `$4` (uuid[]) for
    /// coordinator `$5`, with a lease of `$2` and a hand-off deadline of `$6` microseconds from now,
    /// counted against their queue's limits when `limited`. `preamble` adds common table
    /// expressions ahead of the update (ending with a comma). A row that is no longer waiting
    /// (cancelled meanwhile) is skipped. Returns the claimed tasks in the order of `ids`, with
    /// their trace context and their last attempt's span, so the hand-off needs no other query.
    /// Each row is found through the primary key: its status is tested in a form no index
    /// answers (`IS TRUE`), so the plan cached while `tasks` was small never hashes every waiting
    /// task instead (300 ms a claim with a million waiting, against 8).
    ///
    /// Times are the statement's start, not the transaction's: a claim that first locked its
    /// queues and counted what they hold is recorded as made when it was decided.
    static func sql(preamble: String = "", ids: String, limited: Bool) -> String {
        """
        WITH \(preamble)
        claimed AS (
            UPDATE tasks SET status = 'dispatched', picked_at = statement_timestamp(), attempts = attempts + 1,
                worker_id = holder.worker_id, updated_at = statement_timestamp(), handoff = holder.handoff,
                lease_expires_at = statement_timestamp() + $2 * interval '1 microsecond', coordinator_id = $5,
                handoff_deadline = statement_timestamp() + $6 * interval '1 microsecond', limited = \(limited)
            FROM unnest(\(ids), $3::int8[], $4::uuid[]) WITH ORDINALITY AS holder(id, worker_id, handoff, position)
            WHERE tasks.id = holder.id AND (tasks.status = 'scheduled') IS TRUE
            RETURNING tasks.id, command, attempts, timeout_seconds, tasks.worker_id, tasks.handoff, queue, trace_parent,
                trace_state, last_attempt_trace_parent, holder.position)
        SELECT id, command, attempts, timeout_seconds, worker_id, handoff, queue, trace_parent, trace_state,
            last_attempt_trace_parent
        FROM claimed ORDER BY position
        """
    }
}
