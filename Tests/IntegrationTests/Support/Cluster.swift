import APIModels
import ClusterKit
import Foundation
import Testing

@testable import Core
@testable import TaskStorage

/// Real scheduler, coordinator and worker processes on 127.0.0.1, sharing a database of their own.
final class Cluster: @unchecked Sendable {
    // @unchecked: a cluster belongs to one test, which drives it from one task at a time.
    let databaseURL: String
    private let dropDatabase: @Sendable () async -> Void
    private(set) var scheduler: ServiceProcess?
    private(set) var schedulerPort = 0
    private(set) var coordinator: ServiceProcess?
    private(set) var coordinatorPort = 0
    /// The coordinator's HTTP admin port (`/healthz`, `/readyz`, `/metrics`, `/workers`).
    private(set) var coordinatorAdminPort = 0
    /// Coordinators started beside the first.
    private(set) var otherCoordinators: [ServiceProcess] = []
    /// Schedulers started beside the first, and their ports.
    private(set) var otherSchedulers: [(process: ServiceProcess, port: Int)] = []
    private(set) var workers: [ServiceProcess] = []
    /// Each worker's HTTP admin port, in the order of `workers`.
    private(set) var workerAdminPorts: [Int] = []

    /// With it, every service started from then on serves TLS only with this identity and requires
    /// client certificates, and the cluster's own requests use it.
    var tls: ThrowawayCertificateAuthority.Identity?

    /// A cluster on `databaseURL`; `dropDatabase` runs once every process has stopped.
    init(databaseURL: String, dropDatabase: @escaping @Sendable () async -> Void) {
        self.databaseURL = databaseURL
        self.dropDatabase = dropDatabase
    }

    /// A cluster on a new database of the test command's PostgreSQL.
    static func create() async throws -> Cluster {
        let database = try await IsolatedDatabase.create()
        return Cluster(databaseURL: database.url) { await database.drop() }
    }

    private var databaseEnvironment: [String: String] { ["DATABASE_URL": databaseURL] }

    private var tlsArguments: [String] { tls?.serviceArguments ?? [] }

    /// `curl` with `arguments` to `path` on this host's `port`: HTTPS with the cluster's identity
    /// when it has one.
    func request(port: Int, _ path: String, _ arguments: [String] = []) async throws -> HTTPReply {
        let url = tls == nil ? "http://127.0.0.1:\(port)\(path)" : "https://localhost:\(port)\(path)"
        return try await curl((tls?.curlArguments ?? []) + arguments + [url])
    }

    func startScheduler(extraArguments: [String] = [], environment: [String: String] = [:]) async throws {
        schedulerPort = try await freePort()
        let process = try ServiceProcess(
            executablePath: TestEnvironment.executable("scheduler"),
            arguments: ["--scheduler_port=127.0.0.1:\(schedulerPort)", "--data_dir=\(TestEnvironment.dataDirectory)"]
                + tlsArguments + extraArguments,
            environment: databaseEnvironment.merging(environment) { $1 })
        scheduler = process
        let port = schedulerPort
        try await eventually("the scheduler to serve /healthz\n\(process.log)") {
            (try? await self.request(port: port, "/healthz"))?.status == 200 ? true : nil
        }
    }

    /// Starts the coordinator, listening on `host` (this host's loopback by default), with a
    /// heartbeat timeout of 3 s unless told otherwise.
    func startCoordinator(
        host: String = "127.0.0.1", heartbeatTimeout: String = "3s", extraArguments: [String] = [], environment: [String: String] = [:]
    ) async throws {
        if coordinatorPort == 0 { coordinatorPort = try await freePort() }
        if coordinatorAdminPort == 0 { coordinatorAdminPort = try await freePort() }
        let process = try ServiceProcess(
            executablePath: TestEnvironment.executable("coordinator"),
            arguments: [
                "--coordinator_port=\(host):\(coordinatorPort)", "--admin_port=127.0.0.1:\(coordinatorAdminPort)",
                "--data_dir=\(TestEnvironment.dataDirectory)", "--heartbeat_timeout=\(heartbeatTimeout)", "--poll_interval=200ms",
            ] + tlsArguments + extraArguments,
            environment: databaseEnvironment.merging(environment) { $1 })
        coordinator = process
        let port = coordinatorPort
        try await eventually("the coordinator to listen\n\(process.log)") {
            await isListening(port: port) ? true : nil
        }
    }

    /// Starts one more scheduler on the same database, on a port of its own; returns the port.
    @discardableResult
    func startAnotherScheduler() async throws -> Int {
        let port = try await freePort()
        let process = try ServiceProcess(
            executablePath: TestEnvironment.executable("scheduler"), name: "scheduler-\(otherSchedulers.count + 2)",
            arguments: ["--scheduler_port=127.0.0.1:\(port)", "--data_dir=\(TestEnvironment.dataDirectory)"],
            environment: databaseEnvironment)
        otherSchedulers.append((process, port))
        try await eventually("the scheduler to serve /healthz\n\(process.log)") {
            (try? await curl(["http://127.0.0.1:\(port)/healthz"]))?.status == 200 ? true : nil
        }
        return port
    }

    /// Starts one more coordinator on the same database, on ports of its own; returns it with
    /// its gRPC and admin ports.
    @discardableResult
    func startAnotherCoordinator() async throws -> (process: ServiceProcess, port: Int, adminPort: Int) {
        let (port, adminPort) = (try await freePort(), try await freePort())
        let process = try ServiceProcess(
            executablePath: TestEnvironment.executable("coordinator"), name: "coordinator-\(otherCoordinators.count + 2)",
            arguments: [
                "--coordinator_port=127.0.0.1:\(port)", "--admin_port=127.0.0.1:\(adminPort)",
                "--data_dir=\(TestEnvironment.dataDirectory)", "--heartbeat_timeout=3s", "--poll_interval=200ms",
            ],
            environment: databaseEnvironment)
        otherCoordinators.append(process)
        try await eventually("the coordinator to listen\n\(process.log)") { await isListening(port: port) ? true : nil }
        return (process, port, adminPort)
    }

    /// Starts a worker and, with `waitForRegistration`, waits until its heartbeats reach the
    /// coordinator. Before any coordinator started, it dials the port the coordinator will get.
    /// `executor` nil leaves the worker's default.
    @discardableResult
    /// `launcher` runs the worker (`ip netns exec NAME`, say) when not empty.
    func startWorker(
        executor: String? = "noop", extraArguments: [String] = [], environment: [String: String] = [:],
        launcher: [String] = [], waitForRegistration: Bool = true
    ) async throws -> ServiceProcess {
        if coordinatorPort == 0 { coordinatorPort = try await freePort() }
        let adminPort = try await freePort()
        let arguments =
            [
                "--worker_port=127.0.0.1:0", "--admin_port=127.0.0.1:\(adminPort)",
                "--coordinator=127.0.0.1:\(coordinatorPort)", "--heartbeat_interval=200ms",
            ] + (executor.map { ["--executor=\($0)"] } ?? []) + tlsArguments + extraArguments
        let command = launcher + [try TestEnvironment.executable("worker")] + arguments
        let process = try ServiceProcess(
            executablePath: command[0], name: "worker-\(workers.count + 1)", arguments: Array(command.dropFirst()),
            environment: ["WORKER_ADDRESS": "127.0.0.1"].merging(environment) { $1 })
        workers.append(process)
        workerAdminPorts.append(adminPort)
        if waitForRegistration {
            try await eventually("worker registration\n\(process.log)") {
                process.log.contains("heartbeats reach the coordinator") ? true : nil
            }
        }
        return process
    }

    /// `POST /schedule` as the README's curl sends it (form content type); returns the task id.
    func schedule(command: String, at time: Timestamp, maxAttempts: Int = 1, timeoutSeconds: Int? = nil) async throws -> String {
        var fields: [String: Any] = ["command": command, "scheduled_at": time.rfc3339, "max_attempts": maxAttempts]
        fields["timeout_seconds"] = timeoutSeconds
        let body = String(decoding: try JSONSerialization.data(withJSONObject: fields), as: UTF8.self)
        let reply = try await request(port: schedulerPort, "/schedule", ["-X", "POST", "-d", body])
        guard reply.status == 200, let taskID = try reply.json["task_id"] as? String else {
            throw TimedOut(description: "schedule failed: \(reply.status) \(reply.body)")
        }
        return taskID
    }

    /// `POST /schedule/batch` of one task per command, all due at `time`; returns their ids in order.
    func scheduleBatch(commands: [String], at time: Timestamp, maxAttempts: Int = 1) async throws -> [String] {
        let elements = commands.map { ["command": $0, "scheduled_at": time.rfc3339, "max_attempts": maxAttempts] as [String: Any] }
        let body = String(decoding: try JSONSerialization.data(withJSONObject: elements), as: UTF8.self)
        let reply = try await request(port: schedulerPort, "/schedule/batch", ["-X", "POST", "-d", body])
        guard reply.status == 200, let tasks = try reply.json["tasks"] as? [[String: Any]] else {
            throw TimedOut(description: "batch failed: \(reply.status) \(reply.body.prefix(300))")
        }
        return tasks.compactMap { $0["task_id"] as? String }
    }

    /// `GET /status?task_id=` as a JSON object.
    func status(of taskID: String) async throws -> [String: Any] {
        let reply = try await request(port: schedulerPort, "/status?task_id=\(taskID)")
        guard reply.status == 200 else { throw TimedOut(description: "status failed: \(reply.status) \(reply.body)") }
        return try reply.json
    }

    /// Waits until the task reaches `state` and returns its status object.
    func waitForStatus(of taskID: String, _ state: String, timeout: Duration = .seconds(30)) async throws -> [String: Any] {
        try await eventually("task \(taskID) to be \(state)", timeout: timeout) {
            let status = try await self.status(of: taskID)
            let current = status["status"] as? String
            if current != state, let current, TaskState(rawValue: current)?.isTerminal == true {
                throw TimedOut(description: "task \(taskID) ended \(current), not \(state): \(status)")
            }
            return current == state ? status : nil
        }
    }

    /// Waits until the coordinator lists every worker started, each with nothing in flight.
    func waitUntilWorkersAreIdle(timeout: Duration = .seconds(30)) async throws {
        try await eventually("every worker idle", timeout: timeout) {
            let listed = try await self.request(port: self.coordinatorAdminPort, "/workers").json["workers"] as? [[String: Any]] ?? []
            return listed.count == self.workers.count && listed.allSatisfy { $0["in_flight"] as? Int == 0 } ? true : nil
        }
    }

    /// SIGKILLs a process and waits until it is gone; `stop()` then leaves it out.
    func kill(_ process: ServiceProcess) async {
        process.signal(SIGKILL)
        _ = await process.waitForExit(timeout: .seconds(5))
        killed.insert(process.pid)
    }

    private var killed: Set<Int32> = []

    /// Stops every process that was not killed with SIGTERM and returns their exit statuses by name.
    @discardableResult
    func stop() async -> [String: Int32?] {
        var statuses: [String: Int32?] = [:]
        for process in processes where !killed.contains(process.pid) {
            statuses[process.name] = await process.stop()
        }
        await dropDatabase()
        return statuses
    }

    /// Every process started, workers first (the order they stop in).
    private var processes: [ServiceProcess] {
        workers + otherCoordinators + otherSchedulers.map(\.process) + [coordinator, scheduler].compactMap { $0 }
    }

    /// All logs, for failure messages.
    var logs: String {
        processes.map { "== \($0.name)\n\($0.log)" }.joined(separator: "\n")
    }
}

/// Runs `body` on `cluster` (a new one on its own database by default), records the processes'
/// logs when it throws, then stops the cluster and expects every process not killed on purpose
/// to exit 0.
func withCluster(_ cluster: Cluster? = nil, _ body: (Cluster) async throws -> Void) async throws {
    let cluster = if let cluster { cluster } else { try await Cluster.create() }
    do {
        try await body(cluster)
    } catch {
        Issue.record("\(error)\n\(cluster.logs)")
    }
    let statuses = await cluster.stop()
    #expect(statuses.values.allSatisfy { $0 == 0 }, "exit statuses: \(statuses)")
}

extension Timestamp {
    /// This instant moved by `seconds`.
    func advanced(bySeconds seconds: Double) -> Timestamp {
        Timestamp(microsecondsSinceEpoch: microsecondsSinceEpoch + Int64(seconds * 1_000_000))
    }

    /// Parses a timestamp field of an API reply.
    init?(field value: Any?) {
        guard let text = value as? String, let timestamp = try? Timestamp(rfc3339: text) else { return nil }
        self = timestamp
    }
}
