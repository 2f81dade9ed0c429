import APIClient
import APIModels
import ClusterKit
import Core
import Postgres
import RPC
import TaskStorage
import Foundation
import Logging
import NIOSSL

/// A throwaway PostgreSQL, a scheduler, a coordinator and noop workers, run from this
/// executable's folder with their default flags (logging included), but for the workers' flags
/// of the scenario at hand. A cluster may have a companion on a database of its own on the same
/// server (`companion`), with TLS on every link or without.
struct BenchCluster {
    let postgres: ThrowawayPostgres
    /// Whether `stop` stops the PostgreSQL server too: a companion leaves it to its cluster.
    private let ownsPostgres: Bool
    let database: PostgresClient
    let scheduler: ServiceProcess
    let schedulerPort: Int
    let coordinator: ServiceProcess
    let coordinatorPort: Int
    private(set) var workers: [ServiceProcess]
    /// The flags the workers run with beyond `--executor=noop`.
    private(set) var workerFlags: [String]
    /// Where the service executables are (next to taskmaster-bench).
    let binDirectory: String
    /// With it, every service serves TLS only with this identity and requires client
    /// certificates its authority signed, and its calls to others show it.
    let tls: ThrowawayCertificateAuthority.Identity?
    /// What the benchmark's own readiness calls connect with when the cluster has TLS.
    private let clientTLS: NIOSSLContext?

    var processes: [ServiceProcess] { [scheduler, coordinator] + workers }

    static func start(workers workerCount: Int, workerFlags: [String]) async throws -> BenchCluster {
        let binDirectory = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent().path
        let script = FileManager.default.currentDirectoryPath + "/scripts/postgres.sh"
        guard FileManager.default.fileExists(atPath: script) else {
            throw TimedOut(description: "run taskmaster-bench from the repository's top folder (scripts/postgres.sh not found)")
        }
        for service in ["scheduler", "coordinator", "worker"]
        where !FileManager.default.isExecutableFile(atPath: binDirectory + "/" + service) {
            throw TimedOut(
                description: "\(service) is not built next to taskmaster-bench in \(binDirectory): run `make bench`, or `swift build -c release` first")
        }
        let postgres = try await ThrowawayPostgres.start(script: script)
        do {
            return try await launch(
                postgres: postgres, ownsPostgres: true, databaseURL: postgres.url, workers: workerCount, workerFlags: workerFlags,
                tls: nil, binDirectory: binDirectory)
        } catch {
            try? await postgres.stop()
            throw error
        }
    }

    /// A cluster of as many default workers beside this one, on a new database `name` of the
    /// same server; with `tls`, TLS on every link between its services and to them.
    func companion(database name: String, tls: ThrowawayCertificateAuthority.Identity?) async throws -> BenchCluster {
        try await Self.launch(
            postgres: postgres, ownsPostgres: false, databaseURL: try await createDatabase(named: name), workers: workers.count,
            workerFlags: [], tls: tls, binDirectory: binDirectory)
    }

    /// Starts the services on `databaseURL`.
    private static func launch(
        postgres: ThrowawayPostgres, ownsPostgres: Bool, databaseURL: String, workers workerCount: Int, workerFlags: [String],
        tls: ThrowawayCertificateAuthority.Identity?, binDirectory: String
    ) async throws -> BenchCluster {
        let clientTLS = try tls.map { identity in
            try HTTPSClientFiles(certificateAuthority: identity.authority, certificate: identity.certificate, key: identity.key).context()
        }
        let tlsArguments = tls?.serviceArguments ?? []
        var started: [ServiceProcess] = []
        do {
            let environment = ["DATABASE_URL": databaseURL]
            let coordinatorPort = try await freePort()
            let coordinator = try ServiceProcess(
                executablePath: binDirectory + "/coordinator",
                arguments: [
                    "--coordinator_port=127.0.0.1:\(coordinatorPort)", "--admin_port=127.0.0.1:\(try await freePort())",
                ] + tlsArguments,
                environment: environment)
            started.append(coordinator)
            let schedulerPort = try await freePort()
            let scheduler = try ServiceProcess(
                executablePath: binDirectory + "/scheduler",
                arguments: ["--scheduler_port=127.0.0.1:\(schedulerPort)"] + tlsArguments,
                environment: environment)
            started.append(scheduler)
            try await eventually("the coordinator to listen") { await isListening(port: coordinatorPort) ? true : nil }
            try await eventually("the scheduler to be ready") {
                await answersOK(port: schedulerPort, "/readyz", tls: clientTLS) ? true : nil
            }
            var logger = Logger(label: "bench")
            logger.logLevel = .warning
            let database = PostgresClient(configuration: try PostgresConfiguration(url: databaseURL), logger: logger)
            var cluster = BenchCluster(
                postgres: postgres, ownsPostgres: ownsPostgres, database: database, scheduler: scheduler,
                schedulerPort: schedulerPort, coordinator: coordinator, coordinatorPort: coordinatorPort, workers: [],
                workerFlags: workerFlags, binDirectory: binDirectory, tls: tls, clientTLS: clientTLS)
            do {
                try await cluster.startWorkers(workerCount)
            } catch {
                await cluster.stop()
                throw error
            }
            return cluster
        } catch {
            for process in started.reversed() { await process.stop() }
            throw error
        }
    }

    /// Runs the workers with `flags` (beyond `--executor=noop`), restarting them if they run
    /// with other flags.
    mutating func useWorkers(flags: [String]) async throws {
        guard flags != workerFlags else { return }
        let count = workers.count
        for worker in workers.reversed() { await worker.stop() }
        workers = []
        workerFlags = flags
        try await startWorkers(count)
    }

    private mutating func startWorkers(_ count: Int) async throws {
        var adminPorts: [Int] = []
        for index in 1...count {
            let adminPort = try await freePort()
            workers.append(
                try ServiceProcess(
                    executablePath: binDirectory + "/worker", name: "worker-\(index)",
                    arguments: [
                        "--coordinator=127.0.0.1:\(coordinatorPort)", "--executor=noop", "--admin_port=127.0.0.1:\(adminPort)",
                    ] + workerFlags + (tls?.serviceArguments ?? []),
                    environment: ["WORKER_ADDRESS": "127.0.0.1"]))
            adminPorts.append(adminPort)
        }
        for (worker, adminPort) in zip(workers, adminPorts) {
            try await eventually("\(worker.name) to register") { await answersOK(port: adminPort, "/readyz", tls: clientTLS) ? true : nil }
        }
    }

    func stop() async {
        for process in processes.reversed() { await process.stop() }
        await database.close()
        if ownsPostgres { try? await postgres.stop() }
    }

    /// Creates an empty database `name` on the cluster's PostgreSQL server (dropping one left by an
    /// earlier run) and returns its URL.
    func createDatabase(named name: String) async throws -> String {
        try await database.withConnection { connection in
            try connection.execute("DROP DATABASE IF EXISTS \(name) WITH (FORCE)")
            try connection.execute("CREATE DATABASE \(name)")
        }
        guard let slash = postgres.url.lastIndex(of: "/") else { throw TimedOut(description: "no database in \(postgres.url)") }
        return postgres.url[...slash] + name
    }

    /// Tells the coordinators that tasks inserted here directly (not through the scheduler) are
    /// due soon, as any writer of the table does.
    func wakeCoordinators() async throws {
        try await database.query("SELECT pg_notify($1, '')", [TaskNotifications.dueTasksChannel])
    }

    /// Waits until no task is waiting or in flight.
    func waitUntilIdle(timeout: Duration = .seconds(600)) async throws {
        // One look through the status index, not a count over the whole table: the drain being
        // measured shares the machine's two cores with this loop.
        try await eventually("every task to finish", timeout: timeout) {
            let result = try await database.query(
                "SELECT EXISTS (SELECT 1 FROM tasks WHERE status IN \(TaskState.unfinishedSQL))")
            return try result.first?.bool(0) == false ? true : nil
        }
    }

    /// Waits until the coordinator's registry shows no task held by a worker (it writes the
    /// registry about once a second).
    func waitUntilWorkersIdle(timeout: Duration = .seconds(60)) async throws {
        try await eventually("the workers to finish their tasks", timeout: timeout) {
            let result = try await database.query("SELECT coalesce(sum(in_flight), 0) FROM workers")
            return try result.first?.int(0) == 0 ? true : nil
        }
    }
}

/// True when `GET path` on 127.0.0.1:`port` answers 200; over HTTPS with `tls`.
func answersOK(port: Int, _ path: String, tls: NIOSSLContext? = nil) async -> Bool {
    guard let connection = try? await HTTPConnection.connect(host: "127.0.0.1", port: port, tls: tls) else { return false }
    let answer = try? await connection.send(.GET, path, timeout: .seconds(2))
    await connection.close()
    return answer?.status == 200
}
