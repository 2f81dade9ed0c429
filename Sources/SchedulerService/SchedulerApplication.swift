public import Hummingbird
public import Logging
public import Core
public import TaskStorage

/// The scheduler's HTTP/JSON API as a Hummingbird application, listening where `configuration`
/// says. Run it with `runService()` or inside a `ServiceGroup`.
public func makeSchedulerApplication(
    configuration: SchedulerConfiguration, store: TaskStore, metrics: MetricsRegistry = MetricsRegistry(),
    logger: Logger
) -> some ApplicationProtocol {
    if let warning = configuration.exposureWarning {
        logger.warning("\(warning)")
    }
    if let notice = configuration.protectedModeNotice {
        logger.notice("\(notice)")
    }
    return Application(
        router: makeSchedulerRouter(configuration: configuration, store: store, metrics: metrics, logger: logger),
        server: configuration.limits.server,
        configuration: configuration.limits.applicationConfiguration(
            address: ListenAddress(host: configuration.host, port: configuration.port), serverName: "taskmaster-scheduler"),
        logger: logger
    )
}

/// The routes of the scheduler's API, with every error rendered as JSON, every request timed in
/// `taskmaster_http_request_duration_seconds` and, when the configuration has an API token,
/// every path but the public ones behind it.
public func makeSchedulerRouter(
    configuration: SchedulerConfiguration, store: TaskStore, metrics: MetricsRegistry = MetricsRegistry(),
    logger: Logger = Logger(label: "scheduler")
) -> Router<ServiceRequestContext> {
    let endpoints = SchedulerEndpoints(
        store: store, inserter: TaskInsertCoalescer(store: store), maxBodyBytes: configuration.maxBodyBytes,
        maxBatchBodyBytes: configuration.maxBatchBodyBytes, bodyBudget: BodyMemoryBudget(
            limit: configuration.maxBodyMemory, maxWait: min(.seconds(10), configuration.limits.bodyTimeout / 2)))
    let health = HealthEndpoints(readiness: [.database(store.client)], registry: metrics)
    let workers = WorkersEndpoint.fromDatabase(
        WorkerStore(client: store.client), staleness: configuration.workerStaleness)
    // Every route of the API; document each one in OpenAPI/scheduler.openapi.json too.
    let routes: [(path: String, method: HTTPRequest.Method, handler: SchedulerRoute)] = [
        ("/schedule", .post, endpoints.schedule),
        ("/schedule/batch", .post, endpoints.scheduleBatch),
        ("/status", .get, endpoints.status),
        ("/tasks", .get, endpoints.listTasks),
        ("/tasks/:id", .get, endpoints.task),
        ("/tasks/:id/cancel", .post, endpoints.cancelByPath),
        ("/cancel", .post, endpoints.cancel),
        ("/healthz", .get, health.health),
        ("/readyz", .get, health.ready),
        ("/metrics", .get, health.metrics),
        ("/workers", .get, workers.list),
        ("/openapi.json", .get, endpoints.openAPI),
    ]
    let router = Router(context: ServiceRequestContext.self, options: .autoGenerateHeadEndpoints)
    let allowedMethods = Dictionary(grouping: routes, by: \.path).mapValues { $0.map(\.method) }
    router.add(middleware: MetricsMiddleware())
    router.add(middleware: APIErrorMiddleware(allowedMethods: allowedMethods))
    switch configuration.access {
    case .token(let token):
        router.add(middleware: BearerTokenMiddleware(token: token, publicPaths: SchedulerConfiguration.publicPaths))
    case .thisHostOnly:
        router.add(
            middleware: ThisHostOnlyMiddleware(
                access: configuration.access, publicPaths: SchedulerConfiguration.publicPaths,
                refusedPeers: RefusedPeerLog(logger: logger)))
    case .anyone:
        break
    }
    for route in routes {
        router.on(RouterPath(route.path), method: route.method, use: route.handler)
    }
    return router
}

private typealias SchedulerRoute = @Sendable (Request, ServiceRequestContext) async throws -> Response
