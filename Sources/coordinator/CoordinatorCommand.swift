import ArgumentParser
import CoordinatorService
import Core
import TaskStorage
import Webhooks
import Foundation
import Logging

@main
struct CoordinatorCommand: ServiceCommand {
    static let configuration = CommandConfiguration(
        commandName: "coordinator",
        abstract: "Hands due tasks to workers and tracks their liveness and results.",
        discussion: """
            PostgreSQL is configured through DATABASE_URL, or POSTGRES_HOST, POSTGRES_PORT, \
            POSTGRES_USER, POSTGRES_PASSWORD and POSTGRES_DB. When TASKMASTER_CLUSTER_TOKEN is set, \
            every gRPC call must carry it (authorization: Bearer <token>) and calls to workers send it; \
            without it, only callers on this host are served unless --insecure is given. \
            COORDINATOR_ADDRESS is the host listed for this coordinator in GET /coordinators \
            (default: the listening host, or this host's name when it listens on every interface).
            """)

    @Option(name: .customLong("coordinator_port"), help: "Address of CoordinatorService, host:port or :port.")
    var listenAddress = ListenAddress(host: "0.0.0.0", port: 8080)

    @Option(name: .customLong("admin_port"), help: "Address of the HTTP admin server (/healthz, /readyz, /metrics, /workers).")
    var adminAddress = ListenAddress(host: "0.0.0.0", port: 9090)

    @Option(name: .customLong("heartbeat_timeout"), help: "A worker silent this long is removed.")
    var heartbeatTimeout = DurationArgument(.seconds(5))

    @Option(name: .customLong("lease_duration"), help: "How long a dispatched task stays with its worker without news.")
    var leaseDuration = DurationArgument(.seconds(30))

    @Option(name: .customLong("poll_interval"), help: "Longest wait between two looks for due tasks.")
    var pollInterval = DurationArgument(.seconds(1))

    @Option(name: .customLong("default_worker_capacity"), help: "Slots assumed for a worker that does not advertise any.")
    var defaultWorkerCapacity = 5

    @Option(
        name: .customLong("priority_aging"),
        help: "A due task claims as one priority higher for each period this long it has waited; 0 turns aging off.")
    var priorityAging = DurationArgument(.seconds(60))

    @Option(
        name: .customLong("webhook_addresses"),
        help: "Where webhook deliveries may go: any address, or public ones only (no loopback, private or link-local address).")
    var webhookAddresses = WebhookAddressPolicy.any

    @Option(name: .customLong("webhook_retry_for"), help: "How long failed webhook deliveries are retried before they are given up on.")
    var webhookRetryFor = DurationArgument(.seconds(24 * 3600))

    @Option(name: .customLong("retention"), help: "Finished tasks are deleted this long after they finish (e.g. 7d, 36h); 0 keeps them.")
    var retention = DurationArgument(.seconds(7 * 24 * 3600))

    @Option(
        name: .customLong("tls_worker_name"),
        help: "With TLS, the name every worker's certificate must carry; empty: the address each worker advertises (WORKER_ADDRESS). Also TASKMASTER_TLS_WORKER_NAME.")
    var tlsWorkerName: String?

    @Option(
        name: .customLong("output_retention"),
        help: "Finished tasks' output is deleted this long after they finish (e.g. 1d), keeping the tasks and their output_bytes; 0 keeps it as long as the task.")
    var outputRetention = DurationArgument(.zero)

    @OptionGroup var database: DatabaseOptions
    @OptionGroup var common: CommonOptions

    func validate() throws {
        guard heartbeatTimeout.duration >= .milliseconds(100) else {
            throw ValidationError("--heartbeat_timeout must be at least 100ms")
        }
        guard leaseDuration.duration >= .seconds(1) else {
            throw ValidationError("--lease_duration must be at least 1s")
        }
        guard pollInterval.duration >= .milliseconds(1) else {
            throw ValidationError("--poll_interval must be at least 1ms")
        }
        guard (1...10_000).contains(defaultWorkerCapacity) else {
            throw ValidationError("--default_worker_capacity must be between 1 and 10000")
        }
        guard priorityAging.duration == .zero || priorityAging.duration >= .seconds(1) else {
            throw ValidationError("--priority_aging must be 0 or at least 1s")
        }
        guard webhookRetryFor.duration >= .seconds(1) else {
            throw ValidationError("--webhook_retry_for must be at least 1s")
        }
        guard retention.duration <= .seconds(36_500 * 24 * 3600) else {
            throw ValidationError("--retention must be at most 36500d")
        }
        guard outputRetention.duration <= .seconds(36_500 * 24 * 3600) else {
            throw ValidationError("--output_retention must be at most 36500d")
        }
    }

    func run() async throws {
        if common.check { await SelfCheck.exit(probing: adminAddress, tls: try common.tlsSettings) }
        common.bootstrapLogging()
        let logger = Logger(label: "coordinator")
        let metrics = MetricsRegistry.bootstrapProcessMetrics()
        var configuration = CoordinatorConfiguration()
        configuration.tls = try common.loadTLS(logger: logger)
        configuration.workerTLSName = (tlsWorkerName ?? ProcessInfo.processInfo.environment["TASKMASTER_TLS_WORKER_NAME"])
            .flatMap { $0.isEmpty ? nil : $0 }
        configuration.listenAddress = listenAddress
        if let host = ProcessInfo.processInfo.environment["COORDINATOR_ADDRESS"], !host.isEmpty {
            configuration.advertisedHost = host
        }
        configuration.heartbeatTimeout = heartbeatTimeout.duration
        configuration.pollInterval = pollInterval.duration
        configuration.leaseDuration = leaseDuration.duration
        configuration.defaultWorkerCapacity = defaultWorkerCapacity
        configuration.dataDirectory = database.dataDirectory
        configuration.adminAddress = adminAddress
        configuration.clusterToken = ClusterToken.fromEnvironment(ProcessInfo.processInfo.environment)
        configuration.servesOtherHostsWithoutToken = common.servesOtherHostsWithoutToken
        configuration.retention.retention = retention.duration == .zero ? nil : retention.duration
        configuration.retention.outputRetention = outputRetention.duration == .zero ? nil : outputRetention.duration
        configuration.priorityAging = priorityAging.duration == .zero ? nil : priorityAging.duration
        configuration.webhookAddressPolicy = webhookAddresses
        configuration.webhooks.retryFor = webhookRetryFor.duration
        let application = CoordinatorApplication(
            configuration: configuration, database: try database.postgresConfiguration(),
            databaseConnections: database.connections, logger: logger, metrics: metrics)
        try await application.run()
    }
}

extension WebhookAddressPolicy: ExpressibleByArgument {}
