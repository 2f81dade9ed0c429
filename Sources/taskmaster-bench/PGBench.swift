import ClusterKit
import Foundation

/// PostgreSQL's own `pgbench` running the single-row insert that `POST /schedule` makes, at the
/// same client count: the ceiling the scheduler is compared with.
enum PGBench {
    static let scenario = "pgbench"
    static let tps = "insert tps"

    static func run(on cluster: BenchCluster, options: BenchCommand) async throws -> [Figure] {
        let database = cluster.database
        try await database.query("TRUNCATE tasks CASCADE")
        let script = FileManager.default.temporaryDirectory.appendingPathComponent("taskmaster-pgbench-\(UUID().uuidString).sql")
        // Due far in the future, so the workers never run these rows.
        try "INSERT INTO tasks (command, scheduled_at) VALUES ('true', now() + interval '100 years') RETURNING id;\n"
            .write(to: script, atomically: true, encoding: .utf8)
        defer { try? FileManager.default.removeItem(at: script) }
        let arguments = [
            "-n", "-M", "prepared", "-c", String(options.clients), "-j", "2", "-T", String(options.pgbenchSeconds),
            "-f", script.path, cluster.postgres.url,
        ]
        let executable = try await binDirectory() + "/pgbench"
        // pgbench -T stops on SIGALRM, which the threads of the concurrency pool block.
        let pgbench = try await withSignalsUnblocked {
            try ServiceProcess(executablePath: executable, arguments: arguments)
        }
        let status = await pgbench.waitForExit(timeout: .seconds(options.pgbenchSeconds + 60))
        let output = pgbench.log
        try? FileManager.default.removeItem(at: pgbench.logFile)
        guard status == 0, let rate = number(after: "tps = ", in: output) else {
            await pgbench.stop()
            throw TimedOut(description: "pgbench exited \(status.map(String.init) ?? "late"): \(output)")
        }
        let stored = try require(try await database.query("SELECT count(*) FROM tasks").first).int(0) ?? 0
        try await database.query("TRUNCATE tasks CASCADE")
        return [
            Figure(scenario, "clients", options.clients),
            Figure(scenario, tps, rate, "tasks/s"),
            Figure(scenario, "rows inserted", stored),
            Figure(scenario, "failed transactions", number(after: "number of failed transactions: ", in: output) ?? 0, target: .equal(0)),
        ]
    }

    /// `pgbench`'s folder: `pg_config --bindir`, else the newest `/usr/lib/postgresql/*/bin`
    /// (as `scripts/postgres.sh` finds it).
    private static func binDirectory() async throws -> String {
        let configured = try? await runCommand(["pg_config", "--bindir"])
        if let directory = configured?.output.trimmingCharacters(in: .whitespacesAndNewlines),
            FileManager.default.isExecutableFile(atPath: directory + "/pgbench")
        {
            return directory
        }
        let versions = (try? FileManager.default.contentsOfDirectory(atPath: "/usr/lib/postgresql")) ?? []
        let newest = versions.compactMap(Int.init).max().map { "/usr/lib/postgresql/\($0)/bin" }
        guard let newest, FileManager.default.isExecutableFile(atPath: newest + "/pgbench") else {
            throw TimedOut(description: "pgbench not found (pg_config --bindir, /usr/lib/postgresql/*/bin)")
        }
        return newest
    }

    /// The number that follows `prefix` on the first line holding it.
    private static func number(after prefix: String, in output: String) -> Double? {
        guard let range = output.range(of: prefix) else { return nil }
        return Double(output[range.upperBound...].prefix { $0.isNumber || $0 == "." })
    }
}
