import ArgumentParser
import Core
import Foundation
import Logging
import SchedulerService
import TaskStorage

@main
struct SchedulerCommand: ServiceCommand {
    static let configuration = CommandConfiguration(
        commandName: "scheduler",
        abstract: "Serves the HTTP API that schedules tasks and reports their status.",
        discussion: """
            PostgreSQL is configured through DATABASE_URL, or POSTGRES_HOST, POSTGRES_PORT, \
            POSTGRES_USER, POSTGRES_PASSWORD and POSTGRES_DB. When TASKMASTER_API_TOKEN (an admin \
            token) or a tokens file is set, every request except /healthz and /readyz needs \
            Authorization: Bearer <token>; without them, only callers on this host are served unless \
            --insecure is given.
            """)

    @Option(name: .customLong("scheduler_port"), help: "Address of the HTTP API, host:port or :port.")
    var listenAddress = SchedulerConfiguration().listenAddress

    @Option(
        name: .customLong("admin_port"),
        help: "Address of an HTTP admin server (/healthz, /readyz, /metrics) that takes no token, for Prometheus; empty: none.")
    var adminPort = ""
    @Option(name: .customLong("max_body_bytes"), help: "Largest request body accepted.")
    var maxBodyBytes = SchedulerConfiguration().maxBodyBytes

    @Option(name: .customLong("max_batch_body_bytes"), help: "Largest body of POST /schedule/batch.")
    var maxBatchBodyBytes = SchedulerConfiguration().maxBatchBodyBytes

    @Option(
        name: .customLong("max_body_memory"),
        help: "Bytes of request bodies read and handled at once; a request that does not fit waits, then gets 503 busy (after half --body_timeout, 10s at most).")
    var maxBodyMemory = SchedulerConfiguration().maxBodyMemory

    @Option(name: .customLong("header_timeout"), help: "Time a client has to send a request's headers (then 408).")
    var headerTimeout = DurationArgument(HTTPServerLimits().headTimeout)

    @Option(name: .customLong("body_timeout"), help: "Time a client has to send a request's body after its headers.")
    var bodyTimeout = DurationArgument(HTTPServerLimits().bodyTimeout)

    @Option(name: .customLong("idle_timeout"), help: "A connection without traffic this long is closed.")
    var idleTimeout = DurationArgument(HTTPServerLimits().idleTimeout)

    @Option(name: .customLong("max_connections"), help: "Connections open at once; more wait to be accepted.")
    var maxConnections = HTTPServerLimits().maxConnections

    @Option(
        name: .customLong("api_tokens_file"),
        help: "File of API tokens, one NAME ROLE TOKEN a line (roles read, write, admin); read again when it changes. Also TASKMASTER_API_TOKENS_FILE.")
    var apiTokensFile: String?

    @OptionGroup var database: DatabaseOptions
    @OptionGroup var common: CommonOptions

    func validate() throws {
        guard (1...(64 << 20)).contains(maxBodyBytes) else {
            throw ValidationError("--max_body_bytes must be between 1 and 67108864")
        }
        guard (1...(256 << 20)).contains(maxBatchBodyBytes) else {
            throw ValidationError("--max_batch_body_bytes must be between 1 and 268435456")
        }
        if !adminPort.isEmpty { _ = try ListenAddress(parsing: adminPort) }
        guard maxBodyMemory >= 1 else { throw ValidationError("--max_body_memory must be at least 1") }
        guard (1...1_000_000).contains(maxConnections) else {
            throw ValidationError("--max_connections must be between 1 and 1000000")
        }
        for (flag, duration) in [("--header_timeout", headerTimeout), ("--body_timeout", bodyTimeout), ("--idle_timeout", idleTimeout)]
        where duration.duration < .milliseconds(100) {
            throw ValidationError("\(flag) must be at least 100ms")
        }
    }

    func run() async throws {
        if common.check { await SelfCheck.exit(probing: listenAddress, tls: try common.tlsSettings) }
        common.bootstrapLogging()
        let logger = Logger(label: "scheduler")
        var configuration = SchedulerConfiguration()
        configuration.tls = try common.loadTLS(logger: logger)
        configuration.listenAddress = listenAddress
        configuration.adminAddress = adminPort.isEmpty ? nil : try ListenAddress(parsing: adminPort)
        configuration.maxBodyBytes = maxBodyBytes
        configuration.maxBatchBodyBytes = maxBatchBodyBytes
        configuration.maxBodyMemory = maxBodyMemory
        configuration.limits.headTimeout = headerTimeout.duration
        configuration.limits.bodyTimeout = bodyTimeout.duration
        configuration.limits.idleTimeout = idleTimeout.duration
        configuration.limits.maxConnections = maxConnections
        configuration.dataDirectory = database.dataDirectory
        let environment = ProcessInfo.processInfo.environment
        let tokensFile = (apiTokensFile ?? environment[APITokens.fileVariable]).flatMap { $0.isEmpty ? nil : $0 }
        let environmentToken = SchedulerConfiguration.apiToken(fromEnvironment: environment)
        if tokensFile != nil || environmentToken != nil {
            configuration.apiTokens = try ReloadingAPITokens(
                path: tokensFile, fixed: environmentToken.map { [$0] } ?? [], logger: logger)
        }
        configuration.servesOtherHostsWithoutToken = common.servesOtherHostsWithoutToken
        try await SchedulerApplication(
            configuration: configuration, database: try database.postgresConfiguration(),
            databaseConnections: database.connections, logger: logger,
            metrics: MetricsRegistry.bootstrapProcessMetrics()
        ).run()
    }
}
