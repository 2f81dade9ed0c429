public import Logging
import NIOPosix

/// The coordinator process: CoordinatorService, the dispatch loop and the heartbeat monitor.
public struct CoordinatorApplication: Sendable {
    public var configuration: CoordinatorConfiguration
    public var database: PostgresConfiguration
    public var databaseConnections: Int
    public var logger: Logger

    public init(
        configuration: CoordinatorConfiguration, database: PostgresConfiguration, databaseConnections: Int,
        logger: Logger
    ) {
        self.configuration = configuration
        self.database = database
        self.databaseConnections = databaseConnections
        self.logger = logger
    }

    /// Runs until SIGTERM or SIGINT, then stops claiming, lets calls in flight finish and returns.
    public func run() async throws {
        let postgres = try await DatabaseStartup.connect(
            configuration: database, connections: databaseConnections,
            dataDirectory: configuration.dataDirectory, logger: logger)
        let store = TaskStore(client: postgres)
        let eventLoopGroup = MultiThreadedEventLoopGroup.singleton
        let registry = WorkerRegistry(defaultCapacity: configuration.defaultWorkerCapacity)
        let clients = WorkerClientPool(eventLoopGroup: eventLoopGroup, logger: logger)
        let dispatcher = Dispatcher(
            store: store, registry: registry, clients: clients, configuration: configuration, logger: logger)
        let monitor = HeartbeatMonitor(
            registry: registry, clients: clients, timeout: configuration.heartbeatTimeout, logger: logger)
        let service = CoordinatorRPCService(store: store, registry: registry, dispatcher: dispatcher, logger: logger)
        let server = GRPCServer(
            configuration: GRPCServerConfiguration(
                host: configuration.listenAddress.host, port: configuration.listenAddress.port),
            router: service.router(), eventLoopGroup: eventLoopGroup, logger: logger)

        let announcement = Task {
            let port = try await server.listeningPort()
            logger.info("coordinator listening", metadata: [LogKey.address: "\(configuration.listenAddress.host):\(port)"])
        }
        defer { announcement.cancel() }
        let sweeper = RetentionSweeper(store: store, configuration: configuration.retention, logger: logger)
        try await ServiceRunner.run([server, dispatcher, monitor, sweeper], logger: logger) {
            await clients.closeAll()
            await postgres.shutdown()
        }
        logger.info("coordinator stopped")
    }
}
