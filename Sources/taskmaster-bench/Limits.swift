import APIClient
import ClusterKit
import Core
import Foundation
import NIOCore
import Postgres
import Synchronization

/// Queues with limits on wide workers: a backlog over many keys each limited to one task at a
/// time against the same backlog without limits; a queue limited to a number of tasks at once,
/// sampled while it drains; and high priorities arriving while a low-priority backlog drains.
enum Limits {
    static let scenario = "limits"
    /// The keys of the keyed backlog.
    static let keys = 1_000
    /// The concurrency limit of the limited queue.
    static let concurrencyLimit = 50

    static func run(on cluster: BenchCluster, options: BenchCommand) async throws -> [Figure] {
        let tasks = options.limitsTasks
        let plain = Double(tasks) / (try await Drain.time(tasks: tasks, on: cluster))
        try await putQueue("keyed", #"{"key_concurrency_limit": 1}"#, on: cluster)
        let keyed = Double(tasks) / (try await Drain.time(tasks: tasks, queue: "keyed", keys: keys, on: cluster))
        let keyOverlaps = try await overlappingClaims(partitionedBy: "concurrency_key", in: cluster.database)
        var figures = [
            Figure(scenario, "tasks", tasks),
            Figure(scenario, "drain rate, no limits", plain, "tasks/s"),
            Figure(scenario, "drain rate, \(keys) keys × key limit 1", keyed, "tasks/s"),
            Figure(scenario, "key-limited ÷ no limits", keyed / plain, target: .atLeast(0.8)),
            Figure(scenario, "key-limited: claims of a key held at once beyond 1", keyOverlaps, target: .equal(0)),
        ]
        figures += try await concurrency(tasks: tasks / 4, on: cluster)
        figures += try await priorities(lowTasks: tasks / 2, highTasks: 100, on: cluster)
        try await cluster.database.query("TRUNCATE queues")
        try await cluster.database.query("SELECT pg_notify('taskmaster_queues', '')")
        return figures
    }

    /// A queue limited to `concurrencyLimit` tasks at once drains `tasks`; how many it held at
    /// once, sampled from the database every 2 ms, must never pass the limit.
    private static func concurrency(tasks: Int, on cluster: BenchCluster) async throws -> [Figure] {
        let database = cluster.database
        try await putQueue("fifty", #"{"concurrency_limit": \#(concurrencyLimit)}"#, on: cluster)
        try await database.query("TRUNCATE tasks CASCADE")
        try await database.query(
            "INSERT INTO tasks (command, scheduled_at, queue) SELECT 'true', now() + interval '1 second', 'fifty' FROM generate_series(1, $1)",
            [tasks])
        try await cluster.wakeCoordinators()
        let samples = Mutex<[Int]>([])
        let sampler = Task {
            while !Task.isCancelled {
                let held = try await database.query(
                    "SELECT count(*) FROM tasks WHERE status IN ('dispatched', 'running') AND queue = 'fifty'"
                ).first?.int(0) ?? 0
                samples.withLock { $0.append(held) }
                try await Task.sleep(for: .milliseconds(2))
            }
        }
        try await cluster.waitUntilIdle()
        sampler.cancel()
        _ = await sampler.result
        let busy = samples.withLock { $0 }.filter { $0 > 0 }.sorted()
        let outcome = try await ExactlyOnce.read(from: database)
        return [
            Figure(scenario, "concurrency limit \(concurrencyLimit): samples", busy.count),
            Figure(scenario, "concurrency limit \(concurrencyLimit): most held at once", busy.last ?? 0, target: .equal(Double(concurrencyLimit))),
            Figure(scenario, "concurrency limit \(concurrencyLimit): median held", busy.isEmpty ? 0 : busy[busy.count / 2]),
        ] + outcome.figures(scenario, expected: tasks)
    }

    /// `lowTasks` at priority -10 due at one instant; once they drain, `highTasks` at +10 arrive.
    /// Every +10 task must be claimed before any -10 task still waiting when they arrived.
    private static func priorities(lowTasks: Int, highTasks: Int, on cluster: BenchCluster) async throws -> [Figure] {
        let database = cluster.database
        try await database.query("TRUNCATE tasks CASCADE")
        try await database.query(
            "INSERT INTO tasks (command, scheduled_at, priority) SELECT 'true', now() + interval '1 second', -10 FROM generate_series(1, $1)",
            [lowTasks])
        try await cluster.wakeCoordinators()
        try await eventually("the low priorities to start", timeout: .seconds(30)) {
            try await database.query("SELECT EXISTS (SELECT 1 FROM tasks WHERE status = 'completed')").first?.bool(0) == true ? true : nil
        }
        try await database.query(
            "INSERT INTO tasks (command, scheduled_at, priority) SELECT 'true', now(), 10 FROM generate_series(1, $1)", [highTasks])
        // Claims that begin after this instant see the +10 tasks.
        let arrived = try require(try await database.query("SELECT clock_timestamp()::text").first?.string(0))
        try await cluster.wakeCoordinators()
        try await cluster.waitUntilIdle()
        let row = try require(
            try await database.query(
                """
                SELECT count(*) FILTER (WHERE priority = -10 AND picked_at > $1::timestamptz),
                    count(*) FILTER (WHERE priority = -10 AND picked_at > $1::timestamptz
                        AND picked_at < (SELECT max(picked_at) FROM tasks WHERE priority = 10))
                FROM tasks
                """, [arrived]
            ).first)
        return [
            Figure(scenario, "priority: -10 tasks waiting when 100 +10 arrived", try row.int(0) ?? 0),
            Figure(scenario, "priority: of those, claimed before a +10", try row.int(1) ?? 0, target: .equal(0)),
        ]
    }

    /// Claims of one partition (`column`) whose hold (from the claim to the end) overlaps the
    /// next claim of the same partition.
    private static func overlappingClaims(partitionedBy column: String, in database: PostgresClient) async throws -> Int {
        try await database.query(
            """
            SELECT count(*) FROM (
                SELECT completed_at, lead(picked_at) OVER (PARTITION BY \(column) ORDER BY picked_at) AS next_claim
                FROM tasks WHERE status = 'completed') AS held
            WHERE next_claim < completed_at
            """
        ).first?.int(0) ?? 0
    }

    /// `PUT /queues/{name}` on the scheduler.
    private static func putQueue(_ name: String, _ settings: String, on cluster: BenchCluster) async throws {
        let connection = try await HTTPConnection.connect(host: "127.0.0.1", port: cluster.schedulerPort)
        let answer: HTTPAnswer
        do {
            answer = try await connection.send(.PUT, "/queues/\(name)", body: ByteBuffer(string: settings))
        } catch {
            await connection.close()
            throw error
        }
        await connection.close()
        guard answer.status == 200 else { throw TimedOut(description: "PUT /queues/\(name) answered \(answer.status)") }
    }
}
