import ClusterKit
import Foundation

/// pgqueuer, a PostgreSQL-backed queue, working off the same backlog as the `defaults` scenario
/// on the same PostgreSQL, at its own defaults (`scripts/bench/pgqueuer_drain.py`: as many `pgq
/// run` workers as the cluster has, a no-op entrypoint), measured the same way: jobs ÷ (last
/// completion − first start). The drains of `defaults` and `drain` are divided by its rate.
enum PeerQueue {
    static let scenario = "pgqueuer"
    static let rate = "drain rate"

    /// What the script prints on its last line.
    private struct Outcome: Decodable {
        var rate: Double
        var duplicates: Int
        var missing: Int
        var pgqueuerVersion: String

        enum CodingKeys: String, CodingKey {
            case rate, duplicates, missing
            case pgqueuerVersion = "pgqueuer_version"
        }
    }

    static func run(on cluster: BenchCluster, options: BenchCommand) async throws -> [Figure] {
        guard FileManager.default.isExecutableFile(atPath: options.peerPython) else {
            throw TimedOut(
                description: "\(options.peerPython) is missing: `make bench` makes it (a venv with scripts/bench/requirements.txt), or pass --peer-python")
        }
        let url = try await cluster.createDatabase(named: "pgqueuer")
        let result = try await runCommand([
            options.peerPython, "scripts/bench/pgqueuer_drain.py", "--database-url", url,
            "--jobs", String(options.defaultsTasks), "--workers", String(options.workers),
        ])
        guard result.status == 0, let line = result.output.split(separator: "\n").last,
            let outcome = try? JSONDecoder().decode(Outcome.self, from: Data(line.utf8))
        else {
            throw TimedOut(description: "pgqueuer_drain.py exited \(result.status): \(result.output)\(result.errors.suffix(2000))")
        }
        print("pgqueuer \(outcome.pgqueuerVersion): \(Int(outcome.rate)) jobs/s")
        return [
            Figure(scenario, "jobs", options.defaultsTasks),
            Figure(scenario, rate, outcome.rate, "tasks/s"),
            Figure(scenario, "duplicate runs", outcome.duplicates, target: .equal(0)),
            Figure(scenario, "jobs lost", outcome.missing, target: .equal(0)),
        ]
    }
}
