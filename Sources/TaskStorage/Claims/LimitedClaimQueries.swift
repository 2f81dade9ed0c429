import struct Foundation.UUID
import APIModels
import Postgres

/// The statements of the limited claim, each run on the claim's transaction after the queues'
/// rows are locked, so each reads what every claim before it committed.
enum LimitedClaimQueries {
    /// Locks the rows of the queues with limits, not paused, among `$1` (text[]; NULL: all), in
    /// name order (so two claims never wait on each other crosswise), and reads their settings,
    /// with the names of those whose keys were not walked within `keyWalkInterval`.
    static func lockQueues(_ queues: [String]?, on connection: PostgresConnection) throws
        -> (queues: [QueueRecord], keyWalkDue: Set<String>)
    {
        let rows = try connection.query(
            """
            SELECT \(QueueRecord.sqlColumns),
                keys_walked_at IS NULL OR keys_walked_at < clock_timestamp() - $2 * interval '1 microsecond'
            FROM queues
            WHERE restricted AND NOT paused AND ($1::text[] IS NULL OR name = ANY($1::text[]))
            ORDER BY name FOR UPDATE
            """, [queues.map(PostgresArray.init), keyWalkInterval.microseconds])
        let records = try rows.map(QueueRecord.init(row:))
        let due = try zip(records, rows).compactMap { record, row in
            try row.bool(QueueRecord.columnCount) == true ? record.name : nil
        }
        return (records, Set(due))
    }

    /// How often a queue's keys may be walked while its head still gives some task: a key whose
    /// tasks wait behind other keys' backlog is found within this long.
    static let keyWalkInterval: Duration = .milliseconds(100)

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

    /// The due tasks of `queue` at the head of each of its priority levels, `window` per level,
    /// but for those of `keysAtLimit` and, of each other key, those after its first `perKey`
    /// (nil: all); only those without a concurrency key when `unkeyedOnly`. `wasCut` tells
    /// whether a level had `window` or more.
    static func head(
        of queue: String, window: Int, unkeyedOnly: Bool, keysAtLimit: [String], perKey: Int?, priorityAging: Duration?,
        on connection: PostgresConnection
    ) throws -> (candidates: [LimitedClaimPlan.Candidate], wasCut: Bool) {
        let rows = try connection.query(
            unkeyedOnly ? unkeyedHeadSQL : headSQL,
            [queue, window, priorityAging?.microseconds, PostgresArray(keysAtLimit), perKey])
        let candidates = try rows.filter { try $0.uuid(0) != nil }.map { try candidate(row: $0, queue: queue) }
        return (candidates, try rows.first?.bool(4) ?? false)
    }

    /// Notes that `queue`'s keys were walked now.
    static func recordKeyWalk(of queue: String, on connection: PostgresConnection) throws {
        try connection.query("UPDATE queues SET keys_walked_at = clock_timestamp() WHERE name = $1", [queue])
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

    /// `$1` queue, `$2` rows per level, `$3` aging, `$4` keys to pass over, `$5` most rows per
    /// key (NULL: all). Columns: id, key, effective priority, due (microseconds), whether a level
    /// had `$2` rows or more. The rows passed over are read (they are part of the window) but not
    /// sent; one row with a NULL id carries the last column when every row is passed over.
    private static func headSQL(extraCondition: String) -> String {
        """
        WITH RECURSIVE levels(priority) AS (
            (SELECT priority FROM tasks WHERE status = 'scheduled' AND queue = $1 ORDER BY priority DESC LIMIT 1)
            UNION ALL
            SELECT next.priority FROM levels CROSS JOIN LATERAL (
                SELECT priority FROM tasks WHERE status = 'scheduled' AND queue = $1 AND priority < levels.priority
                ORDER BY priority DESC LIMIT 1) AS next),
        head AS (
            SELECT waiting.* FROM levels CROSS JOIN LATERAL (
                SELECT id, concurrency_key, priority, due_at FROM tasks
                WHERE status = 'scheduled' AND queue = $1 AND priority = levels.priority AND due_at <= now()\(extraCondition)
                ORDER BY due_at LIMIT $2) AS waiting),
        cut AS (
            SELECT coalesce(max(rows) >= $2, false) AS was_cut
            FROM (SELECT count(*) AS rows FROM head GROUP BY priority) AS levels_read)
        SELECT head.id, head.concurrency_key, \(ClaimStatement.effectivePriority(of: "head", agingParameter: 3))::int4,
            \(SQLTimestamp.microseconds(of: "head.due_at")), cut.was_cut
        FROM cut LEFT JOIN (
            SELECT * FROM (
                SELECT head.*, row_number() OVER (PARTITION BY head.concurrency_key ORDER BY head.priority DESC, head.due_at) AS rank
                FROM head LEFT JOIN unnest($4::text[]) AS passed(key) ON passed.key = head.concurrency_key
                WHERE passed.key IS NULL) AS ranked
            WHERE concurrency_key IS NULL OR $5::int4 IS NULL OR rank <= $5::int4) AS head ON true
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
        WHERE NOT EXISTS (SELECT FROM unnest($3::text[]) AS passed(key) WHERE passed.key = keys.concurrency_key)
        """
}
