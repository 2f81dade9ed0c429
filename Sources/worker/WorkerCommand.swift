import ArgumentParser
import Core
import WorkerService
import FoundationEssentials
import Logging

@main
struct WorkerCommand: ServiceCommand {
    static let configuration = CommandConfiguration(
        commandName: "worker",
        abstract: "Runs the tasks the coordinator hands it and reports how they went.",
        discussion: """
            WORKER_ADDRESS is the host advertised to the coordinator (default 127.0.0.1); the \
            bound port is appended. When TASKMASTER_CLUSTER_TOKEN is set, every gRPC call must \
            carry it (authorization: Bearer <token>) and calls to the coordinator send it; without it, \
            only callers on this host are served unless --insecure is given. TASKMASTER_QUEUES stands \
            for --queues when the flag is not given.
            """)

    @Option(name: .customLong("worker_port"), help: "Address of WorkerService, host:port or :port; empty picks a free port.")
    var workerPort = ""

    @Option(
        name: .customLong("admin_port"),
        help: "Address of the HTTP admin server (/healthz, /readyz, /metrics); port 0 picks a free one.")
    var adminAddress = ListenAddress(host: "0.0.0.0", port: 0)

    @Option(
        name: .customLong("coordinator"),
        help: "The coordinators' host:port, comma-separated; a name may resolve to several addresses. The worker talks to one at a time and moves to the next when it stops answering.")
    var coordinators = ServerAddresses([ListenAddress(host: "localhost", port: 8080)])

    @Option(name: .customLong("capacity"), help: "Tasks run at once.")
    var capacity = 5

    @Option(
        name: .customLong("prefetch"),
        help: "Most tasks taken beyond --capacity, started the moment a slot frees; as many are offered as hold about 50ms of work per slot. Default: 64 × --capacity, at most 1000.")
    var prefetch: Int?

    @Option(name: .customLong("executor"), help: "How tasks run: \(ExecutorKind.allCases.map(\.rawValue).joined(separator: ", ")).")
    var executor = WorkerConfiguration().executor

    @Option(name: .customLong("task_duration"), help: "How long the sleep executor works on a task.")
    var taskDuration = DurationArgument(.seconds(5))

    @Option(
        name: .customLong("task_timeout"),
        help: "Time limit of a task scheduled without timeout_seconds; 0s: none. The shell executor kills the task's process group.")
    var taskTimeout = DurationArgument(.zero)

    @Option(
        name: .customLong("max_output_bytes"),
        help: "Bytes of each task's output kept (from 1024 to 3145728); a task that prints more keeps its head and tail with a marker between.")
    var maxOutputBytes = WorkerConfiguration().maxOutputBytes

    @Option(
        name: .customLong("drain_timeout"),
        help: "On SIGTERM/SIGINT, how long running tasks may take to finish before they are killed and handed back.")
    var drainTimeout = DurationArgument(.seconds(30))

    @Option(name: .customLong("heartbeat_interval"), help: "Time between two heartbeats.")
    var heartbeatInterval = DurationArgument(.seconds(1))

    @Option(name: .customLong("queues"), help: "The queues to take tasks from, comma-separated. Default: every queue.")
    var queues: String?

    @OptionGroup var common: CommonOptions

    func validate() throws {
        guard (1...10_000).contains(capacity) else { throw ValidationError("--capacity must be between 1 and 10000") }
        if let prefetch, !(0...10_000).contains(prefetch) {
            throw ValidationError("--prefetch must be between 0 and 10000")
        }
        guard WorkerConfiguration.maxOutputBytesRange.contains(maxOutputBytes) else {
            let range = WorkerConfiguration.maxOutputBytesRange
            throw ValidationError("--max_output_bytes must be between \(range.lowerBound) and \(range.upperBound)")
        }
        guard heartbeatInterval.duration >= .milliseconds(10) else {
            throw ValidationError("--heartbeat_interval must be at least 10ms")
        }
        if !workerPort.isEmpty { _ = try ListenAddress(parsing: workerPort) }
        _ = try WorkerConfiguration.queues(parsing: queueList)
    }

    /// `--queues`, or `TASKMASTER_QUEUES` without the flag.
    private var queueList: String {
        queues ?? ProcessInfo.processInfo.environment["TASKMASTER_QUEUES"] ?? ""
    }

    func run() async throws {
        if common.check { await SelfCheck.exit(probing: adminAddress, tls: try common.tlsSettings) }
        common.bootstrapLogging()
        let logger = Logger(label: "worker")
        let metrics = MetricsRegistry.bootstrapProcessMetrics()
        var configuration = WorkerConfiguration()
        configuration.tls = try common.loadTLS(logger: logger)
        if !workerPort.isEmpty {
            configuration.listenAddress = try ListenAddress(parsing: workerPort)
        }
        configuration.coordinatorAddresses = coordinators.addresses
        configuration.capacity = capacity
        configuration.prefetch = prefetch
        configuration.executor = executor
        configuration.taskDuration = taskDuration.duration
        configuration.taskTimeout = taskTimeout.duration > .zero ? taskTimeout.duration : nil
        configuration.maxOutputBytes = maxOutputBytes
        configuration.drainTimeout = drainTimeout.duration
        configuration.heartbeatInterval = heartbeatInterval.duration
        configuration.queues = try WorkerConfiguration.queues(parsing: queueList)
        if let host = ProcessInfo.processInfo.environment["WORKER_ADDRESS"], !host.isEmpty {
            configuration.advertisedHost = host
        }
        configuration.adminAddress = adminAddress
        configuration.clusterToken = ClusterToken.fromEnvironment(ProcessInfo.processInfo.environment)
        configuration.servesOtherHostsWithoutToken = common.servesOtherHostsWithoutToken
        try await WorkerApplication(configuration: configuration, logger: logger, metrics: metrics).run()
    }
}

