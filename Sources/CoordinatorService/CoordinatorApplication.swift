package import Logging
import NIOPosix
import struct Foundation.UUID
import ServiceLifecycle
package import Core
package import Postgres
import RPC
import SpanExport
import TaskStorage
import Webhooks

/// The coordinator process: CoordinatorService, the dispatch loop and the heartbeat monitor.
package struct CoordinatorApplication: Sendable {
    package var configuration: CoordinatorConfiguration
    package var database: PostgresConfiguration
    package var databaseConnections: Int
    package var logger: Logger
    /// What the admin server's `/metrics` renders.
    package var metrics: MetricsRegistry

    package init(
        configuration: CoordinatorConfiguration, database: PostgresConfiguration, databaseConnections: Int,
        logger: Logger, metrics: MetricsRegistry = MetricsRegistry()
    ) {
        self.configuration = configuration
        self.database = database
        self.databaseConnections = databaseConnections
        self.logger = logger
        self.metrics = metrics
    }

    /// Runs until SIGTERM or SIGINT, then stops claiming, lets calls in flight finish and returns.
    package func run() async throws {
        let (spans, spanExporter) = try SpanExport.start(serviceName: "taskmaster-coordinator", logger: logger)
        let postgres = try await DatabaseStartup.connect(
            configuration: database, connections: databaseConnections,
            dataDirectory: configuration.dataDirectory, logger: logger)
        // Names this run of the coordinator in the database: the tasks and workers it answers for.
        let coordinatorID = UUID()
        let store = TaskStore(client: postgres, coordinatorID: coordinatorID)
        let eventLoopGroup = MultiThreadedEventLoopGroup.singleton
        let registry = WorkerRegistry(defaultCapacity: configuration.defaultWorkerCapacity)
        let clients = WorkerClientPool(
            eventLoopGroup: eventLoopGroup, logger: logger, bearerToken: configuration.clusterToken, tls: configuration.tls,
            tlsServerName: configuration.workerTLSName)
        let queueStore = QueueStore(client: postgres)
        let restrictions = QueueRestrictions(store: queueStore, logger: logger)
        let dispatcher = Dispatcher(
            store: store, registry: registry, restrictions: restrictions, clients: clients, configuration: configuration,
            spans: spans, logger: logger)
        let leaseRecovery = LeaseRecoveryGate(grace: configuration.heartbeatTimeout)
        let monitor = LivenessMonitor(
            registry: registry, clients: clients, store: store, dispatcher: dispatcher,
            heartbeatTimeout: configuration.heartbeatTimeout, leaseRecovery: leaseRecovery,
            logger: logger)
        let cancellations = CancellationForwarder(store: store, registry: registry, clients: clients, logger: logger)
        let schedules = ScheduleMaterializer(store: ScheduleStore(client: postgres), logger: logger) {
            dispatcher.wake()
        }
        let listener = NotificationListener(
            configuration: database,
            channels: [
                TaskNotifications.dueTasksChannel, TaskNotifications.cancelChannel, TaskNotifications.schedulesChannel,
                TaskNotifications.queuesChannel,
            ],
            logger: logger
        ) { notification in
            switch notification?.channel {
            case TaskNotifications.cancelChannel?:
                cancellations.request(taskID: notification?.payload ?? "")
            case TaskNotifications.schedulesChannel?:
                schedules.scheduleChanged()
            case TaskNotifications.queuesChannel?:
                restrictions.changed()
                dispatcher.wake()
            default:
                // Also after a (re)connection, when notifications may have been missed.
                restrictions.changed()
                dispatcher.wake()
                schedules.scheduleChanged()
            }
        }
        let presenceRecord = PresenceRecord()
        let service = CoordinatorRPCService(
            store: store, registry: registry, dispatcher: dispatcher, leaseDuration: configuration.leaseDuration,
            heartbeatTimeout: configuration.heartbeatTimeout, presence: presenceRecord, leaseRecovery: leaseRecovery,
            restrictions: restrictions, spans: spans, logger: logger)
        let server = GRPCServer(
            configuration: GRPCServerConfiguration(
                host: configuration.listenAddress.host, port: configuration.listenAddress.port,
                access: configuration.grpcAccess, serviceName: "coordinator", tls: configuration.tls),
            router: service.router(), eventLoopGroup: eventLoopGroup, logger: logger)
        let admin = AdminServer(
            address: configuration.adminAddress, readiness: [.database(postgres), .grpcServer(server)],
            metrics: metrics,
            routes: [WorkersEndpoint.fromRegistry(registry).route], tls: configuration.tls, logger: logger)
        let sampler = MetricsSampler(
            samples: [
                .queueDepth(store), .queues(queueStore), .webhookDeliveriesPending(WebhookOutbox(client: postgres)),
                .workersLive(registry), .databasePool(postgres),
                .activeSchedules(ScheduleStore(client: postgres)),
            ], logger: logger)
        let workerTable = WorkerTableSync(
            coordinatorID: coordinatorID, registry: registry, store: WorkerStore(client: postgres), logger: logger)
        let host = CoordinatorPresence.listedHost(
            advertised: configuration.advertisedHost, listening: configuration.listenAddress.host)
        let presence = CoordinatorPresence(
            id: coordinatorID, store: CoordinatorStore(client: postgres), registry: registry, record: presenceRecord, logger: logger
        ) {
            ListenAddress(host: host, port: try await server.listeningPort()).description
        }
        SecurityWarnings.checkGRPCExposure(
            service: "coordinator", listenAddress: configuration.listenAddress, access: configuration.grpcAccess,
            logger: logger)

        let outbox = WebhookOutbox(client: postgres)
        let sweeper = RetentionSweeper(store: store, outbox: outbox, configuration: configuration.retention, logger: logger)
        let deliverer = WebhookDeliverer(
            outbox: outbox, sender: try WebhookSender(addressPolicy: configuration.webhookAddressPolicy),
            configuration: configuration.webhooks, logger: logger)
        // Stopped in reverse order: the work first, then the gRPC server; the admin server after
        // them, so /metrics stays up while the others drain; the clients last, and the span
        // exporter after everything that makes spans.
        let services: [any Service] = (spanExporter.map { [$0] } ?? []) + (configuration.tls.map { [$0] } ?? []) + [
            postgres, clients, admin, store.dueTaskNotifier, server, cancellations, listener,
            dispatcher, schedules, monitor, sampler, workerTable, presence, sweeper, deliverer,
        ]
        try await ServiceRunner.run(services, logger: logger)
        logger.info("coordinator stopped")
    }
}
