import APIClient
import APIModels
import ClusterKit
import Foundation
import Logging
import NIOCore
import Postgres
import TaskStorage

/// The `failover` scenario, at the default flags, on a database and cluster of its own: two
/// coordinators with three shell workers each, tasks flowing, one coordinator SIGKILLed. How long
/// until its workers heartbeat to the other one, how many tasks ran twice (none should: every
/// worker lives), and how many were lost (none may be). Then the same for PostgreSQL
/// (`DatabaseFailover`).
enum Failover {
    private static let scenario = "failover"
    /// Tasks of one second each: 30 slots work them off in about 20 s.
    private static let tasks = 600

    static func run(on cluster: BenchCluster) async throws -> [Figure] {
        let url = try await cluster.createDatabase(named: scenario)
        let runs = FileManager.default.temporaryDirectory.appendingPathComponent("taskmaster-failover-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: runs, withIntermediateDirectories: true)
        var processes: [ServiceProcess] = []
        var logger = Logger(label: "bench")
        logger.logLevel = .warning
        let database = PostgresClient(configuration: try PostgresConfiguration(url: url), logger: logger)
        defer { try? FileManager.default.removeItem(at: runs) }
        do {
            let figures = try await measure(
                cluster: cluster, url: url, database: database, runs: runs, started: { processes.append($0) })
            for process in processes.reversed() { await process.stop() }
            await database.close()
            return figures + (try await DatabaseFailover.run(binDirectory: cluster.binDirectory))
        } catch {
            for process in processes.reversed() { await process.stop() }
            await database.close()
            throw error
        }
    }

    private static func measure(
        cluster: BenchCluster, url: String, database: PostgresClient, runs: URL, started: (ServiceProcess) -> Void
    ) async throws -> [Figure] {
        let environment = ["DATABASE_URL": url]
        var coordinators: [(process: ServiceProcess, port: Int, adminPort: Int)] = []
        for name in ["coordinator-a", "coordinator-b"] {
            let (port, adminPort) = (try await freePort(), try await freePort())
            let process = try ServiceProcess(
                executablePath: cluster.binDirectory + "/coordinator", name: name,
                arguments: ["--coordinator_port=127.0.0.1:\(port)", "--admin_port=127.0.0.1:\(adminPort)"],
                environment: environment)
            started(process)
            coordinators.append((process, port, adminPort))
            try await eventually("\(name) to listen") { await isListening(port: port) ? true : nil }
        }
        let (first, second) = ("127.0.0.1:\(coordinators[0].port)", "127.0.0.1:\(coordinators[1].port)")
        for index in 0..<6 {
            let servers = index < 3 ? "\(first),\(second)" : "\(second),\(first)"
            started(
                try ServiceProcess(
                    executablePath: cluster.binDirectory + "/worker", name: "failover-worker-\(index + 1)",
                    arguments: ["--coordinator=\(servers)", "--admin_port=127.0.0.1:0"],
                    environment: ["WORKER_ADDRESS": "127.0.0.1"]))
        }
        try await eventually("both coordinators to have three workers") {
            var counts: [Int] = []
            for coordinator in coordinators { counts.append(try await workerCount(adminPort: coordinator.adminPort)) }
            return counts == [3, 3] ? true : nil
        }
        try await database.query(
            "INSERT INTO tasks (command, scheduled_at, max_attempts) SELECT 'sleep 1; echo ' || n || ' >> \(runs.path)/runs', now(), 3 FROM generate_series(1, $1) AS n",
            [tasks])
        try await database.query("SELECT pg_notify($1, '')", [TaskNotifications.dueTasksChannel])
        try await Task.sleep(for: .seconds(5))

        let killedAt = ContinuousClock.now
        coordinators[0].process.signal(SIGKILL)
        try await eventually("the other coordinator to have every worker", timeout: .seconds(60)) {
            try await workerCount(adminPort: coordinators[1].adminPort) == 6 ? true : nil
        }
        let failover = killedAt.duration(to: .now)
        try await eventually("every task to finish", timeout: .seconds(180)) {
            let result = try await database.query("SELECT count(*) FROM tasks WHERE status NOT IN ('completed', 'failed', 'cancelled')")
            return try result.first?.int(0) == 0 ? true : nil
        }
        let outcome = try await ExactlyOnce.read(from: database)
        let lines = try String(contentsOf: runs.appendingPathComponent("runs"), encoding: .utf8).split(separator: "\n")
        return [
            Figure(scenario, "worker failover", failover.seconds, "s", target: .atMost(10)),
            Figure(scenario, "tasks run twice", lines.count - Set(lines).count, target: .equal(0)),
            Figure(scenario, "tasks lost", tasks - outcome.completed, target: .equal(0)),
            Figure(scenario, "hand-offs lost with the coordinator (run once, later)", outcome.attempts - outcome.tasks),
        ]
    }

    /// The workers registered with the coordinator whose admin server is on `adminPort`.
    private static func workerCount(adminPort: Int) async throws -> Int {
        let connection = try await HTTPConnection.connect(host: "127.0.0.1", port: adminPort)
        let answer = try await connection.send(.GET, "/workers", timeout: .seconds(2))
        await connection.close()
        return try JSONDecoder().decode(WorkersResponse.self, from: Data(answer.body.readableBytesView)).workers.count
    }
}
