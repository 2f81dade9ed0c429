public import Logging
import NIOPosix

/// The worker process: WorkerService, the task slots and the heartbeats.
public struct WorkerApplication: Sendable {
    public var configuration: WorkerConfiguration
    public var logger: Logger

    public init(configuration: WorkerConfiguration, logger: Logger) {
        self.configuration = configuration
        var logger = logger
        logger[metadataKey: LogKey.workerID] = "\(configuration.workerID)"
        self.logger = logger
    }

    /// Runs until SIGTERM or SIGINT; then drains (refuses new tasks, hands back the queued ones,
    /// finishes or hands back the running ones) while heartbeats say it is draining, and returns.
    public func run() async throws {
        let configuration = configuration
        let eventLoopGroup = MultiThreadedEventLoopGroup.singleton
        let coordinator = GRPCClient(
            configuration: GRPCClientConfiguration(
                host: configuration.coordinatorAddress.host, port: configuration.coordinatorAddress.port),
            eventLoopGroup: eventLoopGroup, logger: logger)
        let runner = TaskRunner(
            capacity: configuration.capacity, queueLimit: configuration.capacity, drainTimeout: configuration.drainTimeout,
            executor: configuration.executor.makeExecutor(
                taskDuration: configuration.taskDuration, taskTimeout: configuration.taskTimeout),
            reporter: StatusReporter(client: coordinator, logger: logger), workerID: configuration.workerID,
            logger: logger)
        let server = GRPCServer(
            configuration: GRPCServerConfiguration(
                host: configuration.listenAddress.host, port: configuration.listenAddress.port),
            router: WorkerRPCService(runner: runner, logger: logger).router(), eventLoopGroup: eventLoopGroup,
            logger: logger)
        let logger = logger
        let heartbeats = HeartbeatSender(
            client: coordinator, runner: runner, configuration: configuration,
            advertisedAddress: {
                let port = try await server.listeningPort()
                logger.info("worker listening", metadata: [LogKey.address: "\(configuration.listenAddress.host):\(port)"])
                return ListenAddress(host: configuration.advertisedHost, port: port).description
            },
            logger: logger)
        // Stopped in reverse order: the runner drains first while the server still answers
        // (refusing new tasks, taking cancellations) and heartbeats go on, then heartbeats
        // stop, then the server.
        try await ServiceRunner.run([server, heartbeats, runner], logger: logger) {
            await coordinator.close()
        }
        logger.info("worker stopped")
    }
}
