import ClusterKit
import Core
import Postgres

/// How late tasks start: `started_at − scheduled_at` of every task, for a burst of tasks due at
/// one instant (inserted ahead of time) and for tasks posted at a steady pace.
enum StartDelay {
    /// `tasks` tasks inserted ahead of time, all due at the next whole second but one.
    static func burst(_ scenario: String, tasks: Int, p50Target: Double?, p99Target: Double, on cluster: BenchCluster)
        async throws -> [Figure]
    {
        let database = cluster.database
        try await database.query("TRUNCATE tasks CASCADE")
        try await database.query(
            """
            INSERT INTO tasks (command, scheduled_at)
            SELECT 'burst', date_trunc('second', now()) + interval '2 seconds' FROM generate_series(1, $1)
            """, [tasks])
        try await cluster.wakeCoordinators()
        try await cluster.waitUntilIdle()
        return try await figures(scenario, tasks: tasks, p50Target: p50Target, p99Target: p99Target, in: database)
    }

    /// One task every 10 ms, each due 3 s after it was posted.
    static func paced(on cluster: BenchCluster, options: BenchCommand) async throws -> [Figure] {
        let database = cluster.database
        try await database.query("TRUNCATE tasks CASCADE")
        for _ in 0..<options.pacedTasks {
            try await database.query("INSERT INTO tasks (command, scheduled_at) VALUES ('paced', now() + interval '3 seconds')")
            try await cluster.wakeCoordinators()
            try await Task.sleep(for: .milliseconds(10))
        }
        try await cluster.waitUntilIdle()
        return try await figures("paced", tasks: options.pacedTasks, p50Target: nil, p99Target: 5, in: database)
    }

    private static func figures(_ scenario: String, tasks: Int, p50Target: Double?, p99Target: Double, in database: PostgresClient)
        async throws -> [Figure]
    {
        let delay = "extract(epoch from started_at - scheduled_at) * 1000"
        let row = try require(
            try await database.query(
                """
                SELECT count(*) FILTER (WHERE status = 'completed'),
                    count(*) FILTER (WHERE started_at < scheduled_at OR picked_at < scheduled_at),
                    min(\(delay)), percentile_cont(0.5) WITHIN GROUP (ORDER BY \(delay)),
                    percentile_cont(0.99) WITHIN GROUP (ORDER BY \(delay)), max(\(delay))
                FROM tasks
                """
            ).first)
        return [
            Figure(scenario, "tasks completed", try row.int(0) ?? 0, target: .equal(Double(tasks))),
            Figure(scenario, "started early", try row.int(1) ?? 0, target: .equal(0)),
            Figure(scenario, "start delay min", try row.double(2) ?? .nan, "ms"),
            Figure(scenario, "start delay p50", try row.double(3) ?? .nan, "ms", target: p50Target.map { .atMost($0) }),
            Figure(scenario, "start delay p99", try row.double(4) ?? .nan, "ms", target: .atMost(p99Target)),
            Figure(scenario, "start delay max", try row.double(5) ?? .nan, "ms"),
        ]
    }
}

/// `try #require` for the benchmark: the value or a clear error.
func require<T>(_ value: T?, _ what: String = "a result row") throws -> T {
    guard let value else { throw TimedOut(description: "missing \(what)") }
    return value
}
