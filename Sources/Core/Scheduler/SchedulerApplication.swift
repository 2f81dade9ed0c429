public import Hummingbird
public import Logging

/// The scheduler's HTTP/JSON API as a Hummingbird application, listening where `configuration`
/// says. Run it with `runService()` or inside a `ServiceGroup`.
public func makeSchedulerApplication(
    configuration: SchedulerConfiguration, store: TaskStore, metrics: MetricsRegistry = MetricsRegistry(),
    logger: Logger
) -> some ApplicationProtocol {
    Application(
        router: makeSchedulerRouter(configuration: configuration, store: store, metrics: metrics),
        configuration: ApplicationConfiguration(
            address: .hostname(configuration.host, port: configuration.port),
            serverName: "taskmaster-scheduler"
        ),
        logger: logger
    )
}

/// The routes of the scheduler's API, with every error rendered as JSON and every request
/// timed in `taskmaster_http_request_duration_seconds`.
public func makeSchedulerRouter(
    configuration: SchedulerConfiguration, store: TaskStore, metrics: MetricsRegistry = MetricsRegistry()
) -> Router<BasicRequestContext> {
    let endpoints = SchedulerEndpoints(store: store, maxBodyBytes: configuration.maxBodyBytes)
    let health = HealthEndpoints(readiness: [.database(store.client)], registry: metrics)
    let workers = WorkersEndpoint.fromDatabase(
        WorkerStore(client: store.client), staleness: configuration.workerStaleness)
    let routes: [(path: String, method: HTTPRequest.Method, handler: SchedulerRoute)] = [
        ("/schedule", .post, endpoints.schedule),
        ("/status", .get, endpoints.status),
        ("/healthz", .get, health.health),
        ("/readyz", .get, health.ready),
        ("/metrics", .get, health.metrics),
        ("/workers", .get, workers.list),
    ]
    let router = Router()
    let allowedMethods = Dictionary(grouping: routes, by: \.path).mapValues { $0.map(\.method) }
    router.add(middleware: MetricsMiddleware())
    router.add(middleware: APIErrorMiddleware(allowedMethods: allowedMethods))
    for route in routes {
        router.on(RouterPath(route.path), method: route.method, use: route.handler)
    }
    return router
}

private typealias SchedulerRoute = @Sendable (Request, BasicRequestContext) async throws -> Response
