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
    /// due at one instant and waits until they are all done.
    static func run(
        _ scenario: String, tasks: Int, target: Double, traceParent: String? = nil, on cluster: BenchCluster
    ) async throws -> [Figure] {
        let database = cluster.database
        try await database.query("TRUNCATE tasks")
        try await database.query(
            """
            INSERT INTO tasks (command, scheduled_at, trace_parent)
            SELECT 'true', now() + interval '100 years', $2::text FROM generate_series(1, $1)
            """,
            [tasks, traceParent])
        // One statement, one commit: every task falls due at the same instant, after it is stored.
        try await database.query("UPDATE tasks SET scheduled_at = now() + interval '1 second'")
        try await cluster.wakeCoordinators()
        try await cluster.waitUntilIdle()
        let seconds = try require(
            try await database.query("SELECT extract(epoch from max(completed_at) - min(started_at)) FROM tasks").first
        ).double(0) ?? .nan
        let outcome = try await ExactlyOnce.read(from: database)
        return [
            Figure(scenario, "tasks", tasks),
            Figure(scenario, rate, Double(tasks) / seconds, "tasks/s", target: .atLeast(target)),
            Figure(scenario, "drain time", seconds, "s"),
        ] + outcome.figures(scenario, expected: tasks)
    }
}
