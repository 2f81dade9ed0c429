import Core
import Postgres
import RPC
import TaskStorage

/// How long a worker's slot stays empty: from a task's end on a worker to the start of the next
/// task there, by the worker's own clock (`completed_at`, `started_at`). Each worker's ends and
/// starts are paired in time order, every start taking the earliest unpaired end before it;
/// starts that found a slot never used yet (the first fill) have no end to pair with.
enum Turnaround {
    static func figures(_ scenario: String, in database: PostgresClient) async throws -> [Figure] {
        let rows = try await database.query(
            """
            SELECT worker_id, \(SQLTimestamp.microseconds(of: "started_at")), \(SQLTimestamp.microseconds(of: "completed_at"))
            FROM tasks WHERE status = 'completed' AND worker_id IS NOT NULL
            """)
        var attempts: [Int64: [(start: Int64, end: Int64)]] = [:]
        for row in rows {
            guard let worker = try row.int64(0), let start = try row.int64(1), let end = try row.int64(2) else { continue }
            attempts[worker, default: []].append((start, end))
        }
        let gaps = attempts.values.flatMap(gaps(of:)).map { Double($0) / 1000 }.sorted()
        return [
            Figure(scenario, "turnaround p50", percentile(0.5, of: gaps), "ms", target: .atMost(2)),
            Figure(scenario, "turnaround p99", percentile(0.99, of: gaps), "ms"),
        ]
    }

    /// The empty time of each slot that was used again, in microseconds.
    private static func gaps(of attempts: [(start: Int64, end: Int64)]) -> [Int64] {
        let starts = attempts.map(\.start).sorted()
        let ends = attempts.map(\.end).sorted()
        var gaps: [Int64] = []
        var nextEnd = 0
        var freed: [Int64] = []
        var firstFreed = 0
        for start in starts {
            while nextEnd < ends.count, ends[nextEnd] <= start {
                freed.append(ends[nextEnd])
                nextEnd += 1
            }
            guard firstFreed < freed.count else { continue }
            gaps.append(start - freed[firstFreed])
            firstFreed += 1
        }
        return gaps
    }
}
