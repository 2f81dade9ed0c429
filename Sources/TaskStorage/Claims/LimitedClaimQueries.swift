import struct Foundation.UUID
import APIModels
import Postgres

/// The statements of the limited claim, each run on the claim's transaction after the queues'
/// rows are locked, so each reads what every claim before it committed.
enum LimitedClaimQueries {
    /// Locks the rows of the queues with limits, not paused, among `$1` (text[]; NULL: all), in
    /// name order (so two claims never wait on each other crosswise), and reads their settings.
    static func lockQueues(_ queues: [String]?, on connection: PostgresConnection) throws -> [QueueRecord] {
        try connection.query(
            """
            SELECT \(QueueRecord.sqlColumns) FROM queues
            WHERE restricted AND NOT paused AND ($1::text[] IS NULL OR name = ANY($1::text[]))
            ORDER BY name FOR UPDATE
            """, [queues.map(PostgresArray.init)]
        ).map(QueueRecord.init(row:))
    }

    /// What each queue holds: its tasks counting against its concurrency limits, by key, and the
    /// claims inside its rate window (with `prune`, the claims outside it are deleted first).
    static func usage(of queues: [QueueRecord], prune: Bool = true, on connection: PostgresConnection) throws
        -> [String: QueueUsage]
    {
        var usage: [String: QueueUsage] = [:]
        for row in try connection.query(heldSQL, [PostgresArray(queues.map(\.name))]) {
            guard let queue = row.string(0), let count = try row.int(2) else { continue }
            usage[queue, default: QueueUsage()].heldByKey[row.string(1)] = count
        }
        let rateLimited = queues.compactMap { queue in
            queue.settings.rateLimit.map { (name: queue.name, periodMicroseconds: Int64($0.periodSeconds) * 1_000_000) }
        }
        guard !rateLimited.isEmpty else { return usage }
        let parameters: [(any PostgresBindable)?] = [
            PostgresArray(rateLimited.map(\.name)), PostgresArray(rateLimited.map(\.periodMicroseconds)),
        ]
        if prune { try connection.query(pruneRateClaimsSQL, parameters) }
        for row in try connection.query(rateClaimsSQL, parameters) {
            guard let queue = row.string(0), let count = try row.int(1) else { continue }
            usage[queue, default: QueueUsage()].rateClaims = count
        }
        return usage
    }

    /// The due tasks of `queue` at the head of each of its priority levels, `window` per level;
    /// only those without a concurrency key when `unkeyedOnly`. `wasCut` tells whether a level
    /// had more than `window`.
    static func head(
        of queue: String, window: Int, unkeyedOnly: Bool, priorityAging: Duration?, on connection: PostgresConnection
    ) throws -> (candidates: [LimitedClaimPlan.Candidate], wasCut: Bool) {
        let rows = try connection.query(
            unkeyedOnly ? unkeyedHeadSQL : headSQL, [queue, window, priorityAging?.microseconds])
        let candidates = try rows.map { try candidate(row: $0, queue: queue) }
        let perLevel = try rows.reduce(into: [Int: Int]()) { counts, row in counts[try row.int(4) ?? 0, default: 0] += 1 }
        return (candidates, perLevel.values.contains { $0 >= window })
    }

    /// For each concurrency key of `queue` not in `keysAtLimit` that has due tasks, its best
    /// `perKey`: one index descent per key, so keys at their limit cost one step each, whatever
    /// they have waiting.
    static func keyWalk(
        of queue: String, perKey: Int, keysAtLimit: [String], priorityAging: Duration?, on connection: PostgresConnection
    ) throws -> [LimitedClaimPlan.Candidate] {
        try connection.query(keyWalkSQL, [queue, perKey, PostgresArray(keysAtLimit), priorityAging?.microseconds])
            .map { try candidate(row: $0, queue: queue) }
    }

    /// Records the claims from rate-limited queues, which count in their rate from now on.
    static func recordRateClaims(_ claimed: [ClaimedTask], in queues: [QueueRecord], on connection: PostgresConnection) throws {
        let rateLimited = Set(queues.filter { $0.settings.rateLimit != nil }.map(\.name))
        let counted = claimed.filter { rateLimited.contains($0.queue) }
        guard !counted.isEmpty else { return }
        try connection.query(
            """
            INSERT INTO queue_rate_claims (queue, task_id, handoff)
            SELECT * FROM unnest($1::text[], $2::uuid[], $3::uuid[])
            """, [PostgresArray(counted.map(\.queue)), PostgresArray(counted.map(\.id)), PostgresArray(counted.map(\.handoff))])
    }

    private static func candidate(row: PostgresRow, queue: String) throws -> LimitedClaimPlan.Candidate {
        guard let id = try row.uuid(0), let priority = try row.int(2), let due = try row.int64(3) else {
            throw TaskStoreError(code: .invalidColumn, message: "claim candidate row has NULL id, priority or due time")
        }
        return LimitedClaimPlan.Candidate(
            id: id, queue: queue, concurrencyKey: row.string(1), effectivePriority: priority, dueMicroseconds: due)
    }

    /// Tasks that count against a queue's concurrency limits: in flight under a limited claim, or
    /// back in the queue before that claim's hand-off deadline (its worker may still start it).
    private static let heldSQL = """
        SELECT queue, concurrency_key, count(*)::int8 FROM tasks
        WHERE limited AND status IN ('scheduled', 'dispatched', 'running') AND queue = ANY($1::text[])
            AND (status <> 'scheduled' OR handoff_deadline > now())
        GROUP BY queue, concurrency_key
        """

    /// Whether claim `c` of a queue whose rate period is `q.period_us` still counts. A claim holds
    /// its place from the claim until one period after the start of the run it led to, which
    /// makes "no more than N starts in any window" exact: a run that has not been seen to start
    /// may start at any moment, and a run taken away (requeued, cancelled, retried) started no
    /// later than the last change of its task.
    private static let rateClaimCounts = """
        (c.claimed_at > now() - q.period_us * interval '1 microsecond' OR EXISTS (
            SELECT FROM tasks t WHERE t.id = c.task_id AND CASE
                WHEN t.handoff = c.handoff AND t.status = 'dispatched' THEN true
                WHEN t.handoff = c.handoff AND t.started_at IS NOT NULL
                    THEN t.started_at > now() - q.period_us * interval '1 microsecond'
                ELSE t.updated_at > now() - q.period_us * interval '1 microsecond' END))
        """

    private static let pruneRateClaimsSQL = """
        DELETE FROM queue_rate_claims c USING unnest($1::text[], $2::int8[]) AS q(name, period_us)
        WHERE c.queue = q.name AND NOT \(rateClaimCounts)
        """

    private static let rateClaimsSQL = """
        SELECT c.queue, count(*)::int8 FROM queue_rate_claims c
        JOIN unnest($1::text[], $2::int8[]) AS q(name, period_us) ON c.queue = q.name
        WHERE \(rateClaimCounts)
        GROUP BY c.queue
        """

    /// `$1` queue, `$2` rows per level, `$3` aging. Columns: id, key, effective priority, due
    /// (microseconds), priority.
    private static func headSQL(extraCondition: String) -> String {
        """
        WITH RECURSIVE levels(priority) AS (
            (SELECT priority FROM tasks WHERE status = 'scheduled' AND queue = $1 ORDER BY priority DESC LIMIT 1)
            UNION ALL
            SELECT next.priority FROM levels CROSS JOIN LATERAL (
                SELECT priority FROM tasks WHERE status = 'scheduled' AND queue = $1 AND priority < levels.priority
                ORDER BY priority DESC LIMIT 1) AS next)
        SELECT waiting.id, waiting.concurrency_key,
            \(ClaimStatement.effectivePriority(of: "waiting", agingParameter: 3))::int4,
            \(SQLTimestamp.microseconds(of: "waiting.due_at")), waiting.priority::int4
        FROM levels CROSS JOIN LATERAL (
            SELECT id, concurrency_key, priority, due_at FROM tasks
            WHERE status = 'scheduled' AND queue = $1 AND priority = levels.priority AND due_at <= now()\(extraCondition)
            ORDER BY due_at LIMIT $2) AS waiting
        """
    }

    private static let headSQL = headSQL(extraCondition: "")
    private static let unkeyedHeadSQL = headSQL(extraCondition: " AND concurrency_key IS NULL")

    /// `$1` queue, `$2` rows per key, `$3` keys to pass over, `$4` aging. Columns as `headSQL`'s.
    private static let keyWalkSQL = """
        WITH RECURSIVE keys(concurrency_key) AS (
            (SELECT concurrency_key FROM tasks
             WHERE status = 'scheduled' AND concurrency_key IS NOT NULL AND queue = $1
             ORDER BY concurrency_key LIMIT 1)
            UNION ALL
            SELECT next.concurrency_key FROM keys CROSS JOIN LATERAL (
                SELECT concurrency_key FROM tasks
                WHERE status = 'scheduled' AND concurrency_key IS NOT NULL AND queue = $1
                    AND concurrency_key > keys.concurrency_key
                ORDER BY concurrency_key LIMIT 1) AS next)
        SELECT waiting.id, waiting.concurrency_key,
            \(ClaimStatement.effectivePriority(of: "waiting", agingParameter: 4))::int4,
            \(SQLTimestamp.microseconds(of: "waiting.due_at")), waiting.priority::int4
        FROM keys CROSS JOIN LATERAL (
            SELECT id, concurrency_key, priority, due_at FROM tasks
            WHERE status = 'scheduled' AND concurrency_key IS NOT NULL AND queue = $1
                AND concurrency_key = keys.concurrency_key AND due_at <= now()
            ORDER BY priority DESC, due_at LIMIT $2) AS waiting
        WHERE keys.concurrency_key <> ALL($3::text[])
        """
}
