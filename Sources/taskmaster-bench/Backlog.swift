import ClusterKit
import Core
import Postgres
import Foundation

/// A small and a large backlog of tasks all due at once: claiming and `GET /status` should be
/// about as fast with the large one, and the coordinator's memory should not grow with it (its
/// peak goes to the memory figures).
enum Backlog {
    static let scenario = "backlog"

    private struct Measurement {
        var claimRate: Double
        var statusP99: Double
        var statusFailures: Int
        var coordinatorPeakMB: Double
    }

    static func run(on cluster: BenchCluster, options: BenchCommand, memory: MemoryLog) async throws -> [Figure] {
        let small = try await measure(tasks: options.backlogSmall, label: 1, on: cluster, options: options)
        let large = try await measure(tasks: options.backlogLarge, label: 2, on: cluster, options: options)
        let smallName = shortCount(options.backlogSmall)
        let largeName = shortCount(options.backlogLarge)
        memory.recordCoordinatorPeak(large.coordinatorPeakMB, pending: largeName)
        return [
            Figure(scenario, "claim rate over \(smallName), \(smallName) pending", small.claimRate, "tasks/s"),
            Figure(scenario, "claim rate over \(smallName), \(largeName) pending", large.claimRate, "tasks/s"),
            Figure(scenario, "claim rate \(largeName) ÷ \(smallName)", large.claimRate / small.claimRate, target: .atLeast(1 / 1.5)),
            Figure(scenario, "/status p99, \(smallName) pending", small.statusP99, "ms"),
            Figure(scenario, "/status p99, \(largeName) pending", large.statusP99, "ms"),
            Figure(scenario, "/status p99 \(largeName) ÷ \(smallName)", large.statusP99 / small.statusP99, target: .atMost(1.5)),
            Figure(scenario, "failed /status requests", small.statusFailures + large.statusFailures, target: .equal(0)),
        ]
    }

    /// Inserts `tasks` tasks due at once, then measures while they are claimed: the claim rate
    /// over the first `backlogSmall` claims, `GET /status` of random tasks, the coordinator's peak.
    private static func measure(tasks: Int, label: Int, on cluster: BenchCluster, options: BenchCommand) async throws
        -> Measurement
    {
        let database = cluster.database
        let window = options.backlogSmall
        try await database.query("TRUNCATE tasks CASCADE")
        ProcessMemory.resetPeak(of: cluster.coordinator.pid)
        print("  inserting \(tasks) tasks…")
        // One statement, one commit: the tasks become visible, and due, at the same instant.
        try await database.query(
            """
            INSERT INTO tasks (id, command, scheduled_at)
            SELECT (lpad(to_hex($2::int), 8, '0') || '-0000-4000-8000-' || lpad(to_hex(i), 12, '0'))::uuid, 'true', now()
            FROM generate_series(1, $1) AS i
            """, [tasks, label])
        try await cluster.wakeCoordinators()
        async let status = runHTTPLoad(
            port: cluster.schedulerPort, clients: options.clients, requests: options.statusRequests, timeout: .seconds(300)
        ) { _ in
            LoadRequest(method: .GET, uri: "/status?task_id=" + taskID(label: label, index: Int.random(in: 1...tasks)))
        }
        try await waitForClaims(window, in: database)
        let statusLoad = await status
        let coordinatorPeak = ProcessMemory.peakMB(of: cluster.coordinator.pid)
        let claimSeconds = try await claimSeconds(window, in: database)
        if let failure = statusLoad.firstFailure { print("  backlog: first failed request: \(failure)") }
        if tasks > window {
            try await database.query("TRUNCATE tasks CASCADE")
            try await cluster.waitUntilWorkersIdle()
        } else {
            try await cluster.waitUntilIdle()
        }
        return Measurement(
            claimRate: Double(window) / claimSeconds,
            statusP99: percentile(0.99, of: statusLoad.latenciesMilliseconds.sorted()),
            statusFailures: statusLoad.failures, coordinatorPeakMB: coordinatorPeak)
    }

    /// 10000 as `10k`, 1000000 as `1M`.
    private static func shortCount(_ count: Int) -> String {
        if count % 1_000_000 == 0 { return "\(count / 1_000_000)M" }
        if count % 1_000 == 0 { return "\(count / 1_000)k" }
        return String(count)
    }

    /// The id the insert gives task `index` (from 1) of backlog `label`.
    private static func taskID(label: Int, index: Int) -> String {
        String(format: "%08x-0000-4000-8000-%012x", label, index)
    }

    /// Claimed tasks, counted through the status index: a sequential scan of a large backlog
    /// would load the database while it is measured.
    private static let claimed = "status IN ('dispatched', 'running', 'completed', 'failed')"

    private static func waitForClaims(_ count: Int, in database: PostgresClient) async throws {
        let deadline = ContinuousClock.now + .seconds(600)
        while ContinuousClock.now < deadline {
            let claimedCount = try await database.withTransaction { connection in
                try connection.execute("SET LOCAL enable_seqscan = off")
                return try connection.query("SELECT count(*) FROM tasks WHERE \(claimed)").first?.int(0) ?? 0
            }
            if claimedCount >= count { return }
            try await Task.sleep(for: .milliseconds(100))
        }
        throw TimedOut(description: "timed out waiting for \(count) tasks to be claimed")
    }

    /// From the first claim to the `count`th, by `picked_at`.
    private static func claimSeconds(_ count: Int, in database: PostgresClient) async throws -> Double {
        try await database.withTransaction { connection in
            try connection.execute("SET LOCAL enable_seqscan = off")
            let row = try require(
                try connection.query(
                    """
                    SELECT extract(epoch from
                        (SELECT picked_at FROM tasks WHERE \(claimed) ORDER BY picked_at OFFSET $1 LIMIT 1)
                        - (SELECT min(picked_at) FROM tasks WHERE \(claimed)))
                    """, [count - 1]
                ).first)
            return try row.double(0) ?? .nan
        }
    }
}
