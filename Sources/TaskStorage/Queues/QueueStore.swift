package import APIModels
package import Postgres

/// Stores queues' settings and reads queues back with their unfinished tasks: the API's side of
/// the `queues` table.
package struct QueueStore: Sendable {
    package let client: PostgresClient

    package init(client: PostgresClient) {
        self.client = client
    }

    /// The queue `name` with its settings and counts; nil when it has neither settings nor
    /// unfinished tasks.
    package func find(name: String) async throws -> QueueResponse? {
        try await list(names: [name]).first
    }

    /// Every queue that has settings or unfinished tasks (only those of `names` when given), by name.
    package func list(names: [String]? = nil) async throws -> [QueueResponse] {
        let filter = names.map(PostgresArray.init)
        let settings = try await client.query(
            "SELECT \(QueueRecord.sqlColumns) FROM queues WHERE $1::text[] IS NULL OR name = ANY($1::text[])", [filter]
        ).map(QueueRecord.init(row:))
        let counts = try await self.counts(names: filter, dueOnly: false)
        let holds = try await self.holds(of: settings, due: counts.mapValues(\.due))
        let byName = Dictionary(uniqueKeysWithValues: settings.map { ($0.name, $0.settings) })
        return Set(byName.keys).union(counts.keys).sorted().map { name in
            QueueResponse(
                name: name, settings: byName[name] ?? QueueSettings(), counts: counts[name] ?? QueueResponse.Counts(),
                heldBack: holds[name].map { QueueResponse.HeldBack(limit: $0.limit.rawValue, tasks: $0.tasks) })
        }
    }

    /// What holds back the due tasks of each of `queues` (`due` of them), by queue name.
    package func holds(of queues: [QueueRecord], due: [String: Int]) async throws -> [String: QueueHold] {
        let restricted = queues.filter { $0.settings.isRestricted && due[$0.name, default: 0] > 0 }
        guard !restricted.isEmpty else { return [:] }
        return try await client.withConnection { connection in
            let usage = try LimitedClaimQueries.usage(of: restricted, prune: false, on: connection)
            var holds: [String: QueueHold] = [:]
            for queue in restricted {
                let held = usage[queue.name] ?? QueueUsage()
                let keysAtLimit = queue.settings.keyConcurrencyLimit.map { limit in
                    held.heldByKey.compactMap { key, count in count >= limit ? key : nil }
                } ?? []
                let dueWithKeysAtLimit = keysAtLimit.isEmpty ? 0 : try connection.query(
                    """
                    SELECT count(*)::int8 FROM tasks
                    WHERE status = 'scheduled' AND queue = $1 AND concurrency_key = ANY($2::text[]) AND due_at <= now()
                    """, [queue.name, PostgresArray(keysAtLimit)]
                ).first?.int(0) ?? 0
                holds[queue.name] = QueueHold.of(
                    settings: queue.settings, usage: held, due: due[queue.name, default: 0], dueWithKeysAtLimit: dueWithKeysAtLimit)
            }
            return holds
        }
    }

    /// Every queue that has settings.
    package func settings() async throws -> [QueueRecord] {
        try await client.query("SELECT \(QueueRecord.sqlColumns) FROM queues ORDER BY name").map(QueueRecord.init(row:))
    }

    /// Replaces the settings of `name` (creating its row). A queue that gets limits starts
    /// counting the tasks it has in flight against them, and against its rate window when it
    /// gets a rate limit; a queue without a rate limit forgets its rate window. Coordinators are
    /// told at once.
    package func put(name: String, settings: QueueSettings) async throws -> QueueResponse {
        try await client.withTransaction { connection in
            try connection.query(
                """
                INSERT INTO queues (name, concurrency_limit, key_concurrency_limit, rate_limit, rate_period_seconds, paused)
                VALUES ($1, $2, $3, $4, $5, $6)
                ON CONFLICT (name) DO UPDATE SET concurrency_limit = excluded.concurrency_limit,
                    key_concurrency_limit = excluded.key_concurrency_limit, rate_limit = excluded.rate_limit,
                    rate_period_seconds = excluded.rate_period_seconds, paused = excluded.paused, updated_at = now()
                """,
                [
                    name, settings.concurrencyLimit, settings.keyConcurrencyLimit, settings.rateLimit?.limit,
                    settings.rateLimit?.periodSeconds, settings.paused,
                ])
            try Self.countInFlightTasks(of: name, settings: settings, on: connection)
            try connection.execute(Self.announcement)
        }
        return try await find(name: name) ?? QueueResponse(name: name, settings: settings, counts: QueueResponse.Counts())
    }

    /// Pauses or resumes `name`, keeping its other settings (a queue without a row gets one).
    package func setPaused(name: String, _ paused: Bool) async throws -> QueueResponse {
        try await client.withTransaction { connection in
            try connection.query(
                """
                INSERT INTO queues (name, paused) VALUES ($1, $2)
                ON CONFLICT (name) DO UPDATE SET paused = excluded.paused, updated_at = now()
                """, [name, paused])
            try connection.execute(Self.announcement)
        }
        return try await find(name: name) ?? QueueResponse(name: name, settings: QueueSettings(paused: paused), counts: QueueResponse.Counts())
    }

    /// The names of the queues whose claims are held to something (limits or the pause), and of
    /// those paused.
    package func restrictedQueues() async throws -> (restricted: Set<String>, paused: Set<String>) {
        var restricted = Set<String>()
        var paused = Set<String>()
        for row in try await client.query("SELECT name, paused FROM queues WHERE restricted") {
            guard let name = row.string(0) else { continue }
            restricted.insert(name)
            if try row.bool(1) == true { paused.insert(name) }
        }
        return (restricted, paused)
    }

    /// Unfinished tasks by queue: waiting (and due) ones read level by level from the waiting
    /// index, in-flight ones from the status index. With `dueOnly`, the waiting tasks not due yet
    /// are not counted (`scheduled` then counts the due ones only), which spares reading them.
    package func counts(names: PostgresArray? = nil, dueOnly: Bool) async throws -> [String: QueueResponse.Counts] {
        var counts: [String: QueueResponse.Counts] = [:]
        for row in try await client.query(dueOnly ? Self.dueCountsSQL : Self.waitingCountsSQL, [names]) {
            guard let queue = row.string(0) else { continue }
            counts[queue, default: QueueResponse.Counts()].scheduled += try row.int(1) ?? 0
            counts[queue, default: QueueResponse.Counts()].due += try row.int(2) ?? 0
        }
        for row in try await client.query(Self.inFlightCountsSQL, [names]) {
            guard let queue = row.string(0), let count = try row.int(2) else { continue }
            switch row.string(1) {
            case "dispatched": counts[queue, default: QueueResponse.Counts()].dispatched += count
            default: counts[queue, default: QueueResponse.Counts()].running += count
            }
        }
        return counts
    }

    /// Makes the in-flight tasks of a queue that now has limits count against them, and against
    /// its rate window when it has a rate limit; a queue without one forgets its window.
    private static func countInFlightTasks(of name: String, settings: QueueSettings, on connection: PostgresConnection) throws {
        if settings.isRestricted {
            try connection.query(
                "UPDATE tasks SET limited = true WHERE status IN ('dispatched', 'running') AND queue = $1 AND NOT limited",
                [name])
        }
        guard settings.rateLimit != nil else {
            try connection.query("DELETE FROM queue_rate_claims WHERE queue = $1", [name])
            return
        }
        try connection.query(
            """
            INSERT INTO queue_rate_claims (queue, task_id, handoff, claimed_at)
            SELECT queue, id, handoff, picked_at FROM tasks
            WHERE status IN ('dispatched', 'running') AND queue = $1 AND handoff IS NOT NULL
                AND NOT EXISTS (SELECT FROM queue_rate_claims c WHERE c.task_id = tasks.id AND c.handoff = tasks.handoff)
            """, [name])
    }

    private static let announcement = "SELECT pg_notify('\(TaskNotifications.queuesChannel)', '')"

    private static func waitingCountsSQL(dueOnly: Bool) -> String {
        let scheduled = dueOnly ? "count(*) FILTER (WHERE due_at <= now())" : "count(*)"
        return """
            WITH RECURSIVE \(ClaimStatement.levels)
            SELECT levels.queue, level.scheduled, level.due FROM levels CROSS JOIN LATERAL (
                SELECT \(scheduled)::int8 AS scheduled, count(*) FILTER (WHERE due_at <= now())::int8 AS due FROM tasks
                WHERE status = 'scheduled' AND queue = levels.queue AND priority = levels.priority
                    \(dueOnly ? "AND due_at <= now()" : "")) AS level
            WHERE $1::text[] IS NULL OR levels.queue = ANY($1::text[])
            """
    }

    private static let waitingCountsSQL = waitingCountsSQL(dueOnly: false)
    private static let dueCountsSQL = waitingCountsSQL(dueOnly: true)

    private static let inFlightCountsSQL = """
        SELECT queue, status, count(*)::int8 FROM tasks
        WHERE status IN ('dispatched', 'running') AND ($1::text[] IS NULL OR queue = ANY($1::text[]))
        GROUP BY queue, status
        """
}
