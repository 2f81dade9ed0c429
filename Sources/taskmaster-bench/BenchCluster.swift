import ClusterKit
import Core
import Foundation
import Logging

/// A throwaway PostgreSQL, a coordinator and noop workers, run from this executable's folder.
struct BenchCluster {
    let postgres: ThrowawayPostgres
    let database: PostgresClient
    let processes: [ServiceProcess]

    static func start(workers: Int, capacity: Int) async throws -> BenchCluster {
        let binDirectory = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent().path
        let script = FileManager.default.currentDirectoryPath + "/scripts/postgres.sh"
        guard FileManager.default.fileExists(atPath: script) else {
            throw TimedOut(description: "run taskmaster-bench from the repository's top folder (scripts/postgres.sh not found)")
        }
        let postgres = try await ThrowawayPostgres.start(script: script)
        let environment = ["DATABASE_URL": postgres.url]
        let coordinatorPort = try await freePort()
        var processes = [
            try ServiceProcess(
                executablePath: binDirectory + "/coordinator",
                arguments: ["--coordinator_port=127.0.0.1:\(coordinatorPort)", "--log_level=warning"],
                environment: environment)
        ]
        try await eventually("the coordinator to listen") { await isListening(port: coordinatorPort) ? true : nil }
        for index in 1...workers {
            processes.append(
                try ServiceProcess(
                    executablePath: binDirectory + "/worker", name: "worker-\(index)",
                    arguments: [
                        "--coordinator=127.0.0.1:\(coordinatorPort)", "--executor=noop", "--capacity=\(capacity)",
                        "--heartbeat_interval=200ms",
                    ],
                    environment: ["WORKER_ADDRESS": "127.0.0.1"]))
        }
        for worker in processes.dropFirst() {
            try await eventually("\(worker.name) to register") {
                worker.log.contains("heartbeats reach the coordinator") ? true : nil
            }
        }
        var logger = Logger(label: "bench")
        logger.logLevel = .warning
        let database = PostgresClient(configuration: try PostgresConfiguration(url: postgres.url), logger: logger)
        return BenchCluster(postgres: postgres, database: database, processes: processes)
    }

    func stop() async {
        for process in processes.reversed() { await process.stop() }
        await database.shutdown()
        try? await postgres.stop()
    }

    /// Waits until no task is waiting or in flight.
    func waitUntilIdle(timeout: Duration = .seconds(300)) async throws {
        try await eventually("every task to finish", timeout: timeout) {
            let result = try await database.query("SELECT count(*) FROM tasks WHERE status NOT IN ('completed', 'failed', 'cancelled')")
            return try result.first?.int(0) == 0 ? true : nil
        }
    }
}
