import Core
import Postgres

/// A backlog of tasks that fall due at one instant, inserted ahead of time: how fast the
/// cluster works it off.
enum Drain {
    static let scenario = "drain"
    static let rate = "drain rate"

    static func run(on cluster: BenchCluster, options: BenchCommand) async throws -> [Figure] {
        try await run(scenario, tasks: options.tasks, target: 18_000, on: cluster)
    }

    /// Inserts `tasks` tasks, each with the W3C trace context `traceParent` (nil: none), makes them
    /// due at one instant and waits until they are all done; the rate's target is at least
    /// `target`, when given.
    static func run(
        _ scenario: String, tasks: Int, target: Double?, traceParent: String? = nil, on cluster: BenchCluster
    ) async throws -> [Figure] {
        let seconds = try await time(tasks: tasks, traceParent: traceParent, on: cluster)
        let outcome = try await ExactlyOnce.read(from: cluster.database)
        return [
            Figure(scenario, "tasks", tasks),
            Figure(scenario, rate, Double(tasks) / seconds, "tasks/s", target: target.map { .atLeast($0) }),
            Figure(scenario, "drain time", seconds, "s"),
        ] + outcome.figures(scenario, expected: tasks)
    }

    /// Inserts `tasks` tasks into `queue` (over `keys` concurrency keys when given; each with the
    /// trace context `traceParent` when given), makes them due at one instant, waits until they
    /// are all done; returns the seconds from the first start to the last end.
    static func time(
        tasks: Int, queue: String = "default", keys: Int? = nil, traceParent: String? = nil, on cluster: BenchCluster
    ) async throws -> Double {
        let database = cluster.database
        try await database.query("TRUNCATE tasks CASCADE")
        try await database.query(
            """
            INSERT INTO tasks (command, scheduled_at, queue, concurrency_key, trace_parent)
            SELECT 'true', now() + interval '100 years', $2, CASE WHEN $3::int4 IS NOT NULL THEN 'key-' || (i % $3::int4) END, $4::text
            FROM generate_series(1, $1) AS i
            """, [tasks, queue, keys, traceParent])
        // One statement, one commit: every task falls due at the same instant, after it is stored.
        try await database.query("UPDATE tasks SET scheduled_at = now() + interval '1 second'")
        try await cluster.wakeCoordinators()
        try await cluster.waitUntilIdle()
        return try require(
            try await database.query("SELECT extract(epoch from max(completed_at) - min(started_at)) FROM tasks").first
        ).double(0) ?? .nan
    }
}
