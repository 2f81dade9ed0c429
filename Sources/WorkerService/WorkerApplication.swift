package import Logging
import NIOPosix
import ServiceLifecycle
package import Core
import RPC

/// The worker process: WorkerService, the task slots and the heartbeats.
package struct WorkerApplication: Sendable {
    package var configuration: WorkerConfiguration
    package var logger: Logger
    /// What the admin server's `/metrics` renders.
    package var metrics: MetricsRegistry

    package init(configuration: WorkerConfiguration, logger: Logger, metrics: MetricsRegistry = MetricsRegistry()) {
        self.configuration = configuration
        var logger = logger
        logger[metadataKey: LogKey.workerID] = "\(configuration.workerID)"
        self.logger = logger
        self.metrics = metrics
    }

    /// Runs until SIGTERM or SIGINT; then drains (refuses new tasks, hands back the queued ones,
    /// finishes or hands back the running ones) while heartbeats say it is draining, and returns.
    package func run() async throws {
        let configuration = configuration
        let eventLoopGroup = MultiThreadedEventLoopGroup.singleton
        let coordinator = FailoverGRPCClient(
            servers: configuration.coordinatorAddresses, bearerToken: configuration.clusterToken, tls: configuration.tls,
            eventLoopGroup: eventLoopGroup,
            logger: logger)
        let liveOutput = LiveOutputBoard()
        let runner = TaskRunner(
            capacity: configuration.capacity, prefetch: configuration.prefetchPlaces, drainTimeout: configuration.drainTimeout,
            executor: configuration.executor.makeExecutor(
                taskDuration: configuration.taskDuration, taskTimeout: configuration.taskTimeout,
                outputLimit: configuration.maxOutputBytes, liveOutput: liveOutput),
            reporter: StatusReporter(client: coordinator, logger: logger, stopGrace: configuration.drainTimeout),
            workerID: configuration.workerID,
            logger: logger)
        let server = GRPCServer(
            configuration: GRPCServerConfiguration(
                host: configuration.listenAddress.host, port: configuration.listenAddress.port,
                access: configuration.grpcAccess, serviceName: "worker", tls: configuration.tls),
            router: WorkerRPCService(runner: runner, logger: logger).router(), eventLoopGroup: eventLoopGroup,
            logger: logger)
        let heartbeats = HeartbeatSender(
            client: coordinator, runner: runner, configuration: configuration,
            advertisedAddress: {
                ListenAddress(host: configuration.advertisedHost, port: try await server.listeningPort()).description
            },
            logger: logger)
        let admin = AdminServer(
            address: configuration.adminAddress, readiness: [.registered(heartbeats)], metrics: metrics, tls: configuration.tls,
            logger: logger)
        SecurityWarnings.checkGRPCExposure(
            service: "worker", listenAddress: configuration.listenAddress, access: configuration.grpcAccess,
            logger: logger)
        SecurityWarnings.checkShellExecutor(executor: configuration.executor.rawValue, access: configuration.grpcAccess, logger: logger)
        // Stopped in reverse order: the runner drains first while the server still answers
        // (refusing new tasks, taking cancellations) and heartbeats go on, then heartbeats
        // stop, then live output and the server; the admin server and the coordinator's client last.
        let publisher = LiveOutputPublisher(board: liveOutput, client: coordinator, logger: logger)
        let services: [any Service] =
            (configuration.tls.map { [$0] } ?? []) + [coordinator, admin, server, heartbeats, publisher, runner]
        try await ServiceRunner.run(services, logger: logger)
        logger.info("worker stopped")
    }
}
