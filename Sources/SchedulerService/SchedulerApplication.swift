package import Hummingbird
package import Logging
package import Core
package import Postgres
package import TaskStorage
package import SpanExport
import ServiceLifecycle

/// The scheduler process: the HTTP/JSON API and the sampler of its database pool.
package struct SchedulerApplication: Sendable {
    package var configuration: SchedulerConfiguration
    package var database: PostgresConfiguration
    package var databaseConnections: Int
    package var logger: Logger
    /// What `/metrics` renders.
    package var metrics: MetricsRegistry

    package init(
        configuration: SchedulerConfiguration, database: PostgresConfiguration, databaseConnections: Int,
        logger: Logger, metrics: MetricsRegistry = MetricsRegistry()
    ) {
        self.configuration = configuration
        self.database = database
        self.databaseConnections = databaseConnections
        self.logger = logger
        self.metrics = metrics
    }

    /// Runs until SIGTERM or SIGINT, then lets requests in flight finish and returns.
    package func run() async throws {
        let (spans, spanExporter) = try SpanExport.start(serviceName: "taskmaster-scheduler", logger: logger)
        let postgres = try await DatabaseStartup.connect(
            configuration: database, connections: databaseConnections,
            dataDirectory: configuration.dataDirectory, logger: logger)
        if let warning = configuration.exposureWarning {
            logger.warning("\(warning)")
        }
        if let notice = configuration.protectedModeNotice {
            logger.notice("\(notice)")
        }
        let api = Self.httpApplication(
            configuration: configuration, store: TaskStore(client: postgres), metrics: metrics, spans: spans, logger: logger)
        let sampler = MetricsSampler(samples: [.databasePool(postgres)], logger: logger)
        let admin = configuration.adminAddress.map {
            AdminServer(address: $0, readiness: [.database(postgres)], metrics: metrics, tls: configuration.tls, logger: logger)
        }
        // The span exporter and the file watchers first, so they stop last.
        var services: [any Service] = spanExporter.map { [$0] } ?? []
        if let tls = configuration.tls { services.append(tls) }
        if let tokens = configuration.apiTokens { services.append(tokens) }
        services.append(postgres)
        if let admin { services.append(admin) }
        services += [BindingService(api, address: configuration.listenAddress), sampler]
        try await ServiceRunner.run(services, logger: logger)
        logger.info("scheduler stopped")
    }

    /// The API as a Hummingbird application on `store`, listening where `configuration` says.
    /// It runs the services that store tasks for it (group commit, coordinator wake-ups), started
    /// before its server and stopped after it.
    package static func httpApplication(
        configuration: SchedulerConfiguration, store: TaskStore, metrics: MetricsRegistry = MetricsRegistry(),
        spans: TaskSpans = .disabled, logger: Logger
    ) -> some ApplicationProtocol {
        let inserter = TaskInsertCoalescer(store: store)
        return Application(
            router: router(
                configuration: configuration, store: store, inserter: inserter, metrics: metrics, spans: spans, logger: logger),
            server: configuration.limits.server(tls: configuration.tls, refusedPeers: RefusedPeerLog(logger: logger)),
            configuration: configuration.limits.applicationConfiguration(
                address: configuration.listenAddress, serverName: "taskmaster-scheduler"),
            services: [store.dueTaskNotifier, inserter],
            logger: logger
        )
    }

    /// The routes of the scheduler's API, with every error rendered as JSON, every request timed in
    /// `taskmaster_http_request_duration_seconds` and, when the configuration has an API token,
    /// every path but the public ones (probes, the dashboard's files) behind it.
    private static func router(
        configuration: SchedulerConfiguration, store: TaskStore, inserter: TaskInsertCoalescer, metrics: MetricsRegistry,
        spans: TaskSpans, logger: Logger
    ) -> Router<ServiceRequestContext> {
        let bodies = RequestBodies(
            budget: BodyMemoryBudget(
                limit: configuration.maxBodyMemory, maxWait: min(.seconds(10), configuration.limits.bodyTimeout / 2)))
        let endpoints = SchedulerEndpoints(
            store: store, inserter: inserter, maxBodyBytes: configuration.maxBodyBytes,
            maxBatchBodyBytes: configuration.maxBatchBodyBytes, bodies: bodies, spans: spans)
        let schedules = ScheduleEndpoints(
            store: ScheduleStore(client: store.client), bodies: bodies, maxBodyBytes: configuration.maxBodyBytes)
        let queues = QueueEndpoints(store: QueueStore(client: store.client), bodies: bodies, maxBodyBytes: configuration.maxBodyBytes)
        let webhooks = WebhookEndpoints(store: WebhookStore(client: store.client), bodies: bodies, maxBodyBytes: configuration.maxBodyBytes)
        let output = TaskOutputEndpoint(store: store)
        let summary = SummaryEndpoint(store: store)
        let health = HealthEndpoints(readiness: [.database(store.client)], registry: metrics)
        let workers = WorkersEndpoint.fromDatabase(
            WorkerStore(client: store.client), staleness: configuration.workerStaleness)
        let coordinators = CoordinatorsEndpoint(
            store: CoordinatorStore(client: store.client), staleness: configuration.workerStaleness)
        // Every route of the API; document each one in OpenAPI/scheduler.openapi.json too.
        let routes: [(path: String, method: HTTPRequest.Method, handler: SchedulerRoute)] = [
            ("/schedule", .post, endpoints.schedule),
            ("/schedule/batch", .post, endpoints.scheduleBatch),
            ("/status", .get, endpoints.status),
            ("/tasks", .get, endpoints.listTasks),
            ("/tasks/:id", .get, endpoints.task),
            ("/tasks/:id/output", .get, output.output),
            ("/tasks/:id/cancel", .post, endpoints.cancelByPath),
            ("/tasks/:id/retry", .post, endpoints.retry),
            ("/cancel", .post, endpoints.cancel),
            ("/schedules", .post, schedules.create),
            ("/schedules", .get, schedules.list),
            ("/schedules/:id", .get, schedules.show),
            ("/schedules/:id", .patch, schedules.update),
            ("/schedules/:id", .delete, schedules.delete),
            ("/schedules/:id/upcoming", .get, schedules.upcoming),
            ("/schedules/:id/trigger", .post, schedules.trigger),
            ("/schedules/:id/backfill", .post, schedules.backfill),
            ("/queues", .get, queues.list),
            ("/queues/:name", .get, queues.show),
            ("/queues/:name", .put, queues.replace),
            ("/queues/:name/pause", .post, queues.pause),
            ("/queues/:name/resume", .post, queues.resume),
            ("/webhooks", .post, webhooks.create),
            ("/webhooks", .get, webhooks.list),
            ("/webhooks/:id", .get, webhooks.show),
            ("/webhooks/:id", .delete, webhooks.delete),
            ("/webhooks/:id/deliveries", .get, webhooks.deliveries),
            ("/summary", .get, summary.summary),
            ("/openapi.json", .get, endpoints.openAPI),
            (DashboardEndpoints.assetPath, .get, DashboardEndpoints.asset),
        ] + DashboardEndpoints.pagePaths.map { ($0, .get, DashboardEndpoints.page) } + (health.routes + [workers.route, coordinators.route]).map { route in (route.path, .get, { _, _ in Response(try await route.handler()) }) }
        let router = Router(context: ServiceRequestContext.self, options: .autoGenerateHeadEndpoints)
        let knownRoutes = KnownRoutes(routes.map { ($0.path, $0.method) })
        router.add(middleware: RequestMetricsMiddleware(routes: knownRoutes))
        router.add(middleware: APIErrorMiddleware(routes: knownRoutes))
        if let tokens = configuration.apiTokens {
            router.add(middleware: APITokenMiddleware(tokens: tokens, isPublic: SchedulerConfiguration.isPublic))
        } else if let access = configuration.tokenlessAccess, case .thisHostOnly = access {
            router.add(
                middleware: ThisHostOnlyMiddleware(
                    access: access, isPublic: SchedulerConfiguration.isPublic, refusedPeers: RefusedPeerLog(logger: logger)))
        }
        for route in routes {
            router.on(RouterPath(route.path), method: route.method, use: route.handler)
        }
        return router
    }
}

private typealias SchedulerRoute = @Sendable (Request, ServiceRequestContext) async throws -> Response
