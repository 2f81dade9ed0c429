import ArgumentParser
import ClusterKit
import Core
import Foundation

/// The benchmark scenarios.
enum Scenario: String, CaseIterable, ExpressibleByArgument, Sendable {
    /// Many tasks due at one instant, inserted ahead of time.
    case burst
    /// One task posted every 10 ms, each due 3 s after it was posted.
    case paced

    func run(on cluster: BenchCluster, options: BenchCommand) async throws -> BenchResult {
        let database = cluster.database
        try await database.query("TRUNCATE tasks")
        switch self {
        case .burst:
            try await database.query(
                """
                INSERT INTO tasks (command, scheduled_at)
                SELECT 'burst', date_trunc('second', now()) + interval '2 seconds' FROM generate_series(1, $1)
                """, [options.burstTasks])
        case .paced:
            for _ in 0..<options.pacedTasks {
                try await database.query("INSERT INTO tasks (command, scheduled_at) VALUES ('paced', now() + interval '3 seconds')")
                try await Task.sleep(for: .milliseconds(10))
            }
        }
        try await cluster.waitUntilIdle()
        return try await BenchResult.startDelay(of: self, in: database)
    }
}

/// Start-delay figures of one scenario: `started_at − scheduled_at` of every task.
struct BenchResult: Codable, Sendable {
    var scenario: String
    var tasks: Int
    var completed: Int
    /// Tasks picked or started before they were due (must be 0).
    var early: Int
    var minMilliseconds: Double
    var p50Milliseconds: Double
    var p99Milliseconds: Double
    var maxMilliseconds: Double

    static func startDelay(of scenario: Scenario, in database: PostgresClient) async throws -> BenchResult {
        let delay = "extract(epoch from started_at - scheduled_at) * 1000"
        let result = try await database.query(
            """
            SELECT count(*), count(*) FILTER (WHERE status = 'completed'),
                count(*) FILTER (WHERE started_at < scheduled_at OR picked_at < scheduled_at),
                min(\(delay)), percentile_cont(0.5) WITHIN GROUP (ORDER BY \(delay)),
                percentile_cont(0.99) WITHIN GROUP (ORDER BY \(delay)), max(\(delay))
            FROM tasks
            """)
        let row = try require(result.first)
        return BenchResult(
            scenario: scenario.rawValue, tasks: try row.int(0) ?? 0, completed: try row.int(1) ?? 0,
            early: try row.int(2) ?? 0, minMilliseconds: try row.double(3) ?? .nan,
            p50Milliseconds: try row.double(4) ?? .nan, p99Milliseconds: try row.double(5) ?? .nan,
            maxMilliseconds: try row.double(6) ?? .nan)
    }

    static func table(_ results: [BenchResult]) -> String {
        let header = "scenario   tasks  completed  early  start delay ms: min      p50      p99      max"
        let rows = results.map { result in
            [
                result.scenario.padding(toLength: 9, withPad: " ", startingAt: 0),
                String(result.tasks).leftPadded(6), String(result.completed).leftPadded(10),
                String(result.early).leftPadded(6),
                format(result.minMilliseconds).leftPadded(21), format(result.p50Milliseconds).leftPadded(8),
                format(result.p99Milliseconds).leftPadded(8), format(result.maxMilliseconds).leftPadded(8),
            ].joined(separator: " ")
        }
        return ([header] + rows).joined(separator: "\n")
    }

    private static func format(_ value: Double) -> String {
        String(format: "%.1f", value)
    }
}

extension String {
    func leftPadded(_ width: Int) -> String {
        String(repeating: " ", count: max(0, width - count)) + self
    }
}

/// `try #require` for the benchmark: the value or a clear error.
func require<T>(_ value: T?, _ what: String = "a result row") throws -> T {
    guard let value else { throw TimedOut(description: "missing \(what)") }
    return value
}
