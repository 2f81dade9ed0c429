import ClusterKit
import Core
import Foundation
import Postgres
import TaskStorage

/// Recurring schedules at scale: a thundering herd of schedules firing at the same second of
/// every minute, and schedules firing every second. Every fire must make exactly one task.
enum Schedules {
    static func run(on cluster: BenchCluster, options: BenchCommand) async throws -> [Figure] {
        let database = cluster.database
        try await database.query("TRUNCATE tasks CASCADE")
        try await database.query("DELETE FROM schedules")
        var figures = try await herd(count: options.herdSchedules, minutes: options.herdMinutes, on: cluster)
        try await database.query("TRUNCATE tasks CASCADE")
        try await database.query("DELETE FROM schedules")
        figures += try await everySecond(count: options.everySecondSchedules, seconds: options.everySecondSeconds, on: cluster)
        try await database.query("DELETE FROM schedules")
        return figures
    }

    /// `count` schedules `* * * * *` for `minutes` minute boundaries, and the coordinator's CPU
    /// between two of them.
    private static func herd(count: Int, minutes: Int, on cluster: BenchCluster) async throws -> [Figure] {
        let database = cluster.database
        let first = try require(
            try await database.query(
                """
                SELECT \(SQLTimestamp.microseconds(of: "date_trunc('minute', now() + interval '10 seconds') + interval '1 minute'"))
                """
            ).first?.int64(0))
        try await insertSchedules(count: count, cron: "* * * * *", firstFire: first, on: cluster)
        let last = first + Int64(minutes - 1) * 60_000_000
        // Between the first two boundaries, from 20 s after one to 50 s after it.
        try await sleep(untilMicroseconds: first + 20_000_000)
        let cpuStart = cpuSeconds(of: cluster.coordinator.pid)
        try await sleep(untilMicroseconds: first + 50_000_000)
        let idleCPU = (cpuSeconds(of: cluster.coordinator.pid) - cpuStart) / 30 * 100
        // Long enough for every fire of the last boundary to be decided, well before the next one.
        try await sleep(untilMicroseconds: last + 30_000_000)
        try await database.query("UPDATE schedules SET paused = true")
        try await cluster.waitUntilIdle()
        return try await fireFigures(
            "schedules", "\(count) × `* * * * *`", expected: count * minutes, from: first, to: last, p99Target: 1000,
            on: cluster) + [Figure("schedules", "coordinator CPU between fires", idleCPU, "% core", target: .atMost(5))]
    }

    /// `count` schedules `* * * * * *` for `seconds` seconds.
    private static func everySecond(count: Int, seconds: Int, on cluster: BenchCluster) async throws -> [Figure] {
        let database = cluster.database
        let first = try require(
            try await database.query(
                "SELECT \(SQLTimestamp.microseconds(of: "date_trunc('second', now()) + interval '2 seconds'"))"
            ).first?.int64(0))
        try await insertSchedules(count: count, cron: "* * * * * *", firstFire: first, on: cluster)
        let last = first + Int64(seconds - 1) * 1_000_000
        try await sleep(untilMicroseconds: last + 500_000)
        try await database.query("UPDATE schedules SET paused = true")
        try await cluster.waitUntilIdle()
        return try await fireFigures(
            "schedules", "\(count) × `* * * * * *`", expected: count * seconds, from: first, to: last, p99Target: 50,
            on: cluster)
    }

    /// Schedules whose first fire is `firstFire`, stored in one statement, then announced.
    private static func insertSchedules(count: Int, cron: String, firstFire: Int64, on cluster: BenchCluster) async throws {
        try await cluster.database.query(
            """
            INSERT INTO schedules (schedule_id, cron, timezone, command, max_attempts, overlap, catchup_window_seconds,
                jitter_seconds, paused, created_at, next_fire_at)
            SELECT gen_random_uuid(), $1, 'UTC', 'bench', 1, 'skip', 60, 0, false, now(),
                \(SQLTimestamp.timestamp(fromParameter: 3))
            FROM generate_series(1, $2)
            """, [cron, count, firstFire])
        try await cluster.database.query("SELECT pg_notify($1, '')", [TaskNotifications.schedulesChannel])
    }

    /// Fires counted against those expected in `[from, to]`, duplicates, and the start delay of
    /// their tasks from the fire time.
    private static func fireFigures(
        _ scenario: String, _ label: String, expected: Int, from: Int64, to: Int64, p99Target: Double,
        on cluster: BenchCluster
    ) async throws -> [Figure] {
        let delay = "extract(epoch from started_at - nominal_time) * 1000"
        let row = try require(
            try await cluster.database.query(
                """
                SELECT count(DISTINCT (schedule_id, nominal_time)), count(*) - count(DISTINCT (schedule_id, nominal_time)),
                    percentile_cont(0.5) WITHIN GROUP (ORDER BY \(delay)),
                    percentile_cont(0.99) WITHIN GROUP (ORDER BY \(delay)), count(*) FILTER (WHERE started_at < nominal_time)
                FROM tasks WHERE schedule_id IS NOT NULL
                    AND nominal_time BETWEEN \(SQLTimestamp.timestamp(fromParameter: 1)) AND \(SQLTimestamp.timestamp(fromParameter: 2))
                """, [from, to]
            ).first)
        let fired = try row.int(0) ?? 0
        return [
            Figure(scenario, "\(label) fires expected", Double(expected)),
            Figure(scenario, "\(label) missing fires", Double(expected - fired), target: .equal(0)),
            Figure(scenario, "\(label) duplicate fires", try row.int(1) ?? 0, target: .equal(0)),
            Figure(scenario, "\(label) started early", try row.int(4) ?? 0, target: .equal(0)),
            Figure(scenario, "\(label) start delay p50", try row.double(2) ?? .nan, "ms"),
            Figure(scenario, "\(label) start delay p99", try row.double(3) ?? .nan, "ms", target: .atMost(p99Target)),
        ]
    }

    /// User and system CPU time of a process so far, from `/proc/PID/stat`.
    private static func cpuSeconds(of pid: Int32) -> Double {
        guard let stat = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8),
            let close = stat.lastIndex(of: ")")
        else { return .nan }
        let fields = stat[stat.index(after: close)...].split(separator: " ")
        // After the command: state is field 3; utime and stime are fields 14 and 15.
        guard fields.count > 12, let user = Double(fields[11]), let system = Double(fields[12]) else { return .nan }
        return (user + system) / Double(sysconf(Int32(_SC_CLK_TCK)))
    }

    private static func sleep(untilMicroseconds deadline: Int64) async throws {
        let remaining = deadline - Timestamp.now().microsecondsSinceEpoch
        if remaining > 0 { try await Task.sleep(for: .microseconds(remaining)) }
    }
}
