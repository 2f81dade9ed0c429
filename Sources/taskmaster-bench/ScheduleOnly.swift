import Core
import Postgres
import NIOCore

/// `POST /schedule` alone, one task per request from keep-alive clients, for tasks due far in the
/// future (as pgbench's rows are), so nothing but the scheduler and PostgreSQL works: the figure
/// to hold against pgbench's single-row inserts.
enum ScheduleOnly {
    static let scenario = "schedule"
    static let rate = "schedule rate"

    static func run(on cluster: BenchCluster, options: BenchCommand) async throws -> [Figure] {
        let database = cluster.database
        try await database.query("TRUNCATE tasks CASCADE")
        let body = ByteBuffer(string: #"{"command":"true","scheduled_at":"2126-01-01T00:00:00Z"}"#)
        let load = await runHTTPLoad(port: cluster.schedulerPort, clients: options.clients, requests: options.tasks, timeout: .seconds(600)) {
            _ in LoadRequest(method: .POST, uri: "/schedule", body: body)
        }
        if let failure = load.firstFailure { print("  \(scenario): first failed request: \(failure)") }
        let stored = try require(try await database.query("SELECT count(*) FROM tasks").first).int(0) ?? 0
        try await database.query("TRUNCATE tasks CASCADE")
        let latencies = load.latenciesMilliseconds.sorted()
        return [
            Figure(scenario, rate, Double(options.tasks) / load.elapsedSeconds, "tasks/s"),
            Figure(scenario, "request latency p50", percentile(0.5, of: latencies), "ms"),
            Figure(scenario, "request latency p99", percentile(0.99, of: latencies), "ms"),
            Figure(scenario, "failed requests", load.failures, target: .equal(0)),
            Figure(scenario, "tasks stored", stored, target: .equal(Double(options.tasks))),
        ]
    }
}
