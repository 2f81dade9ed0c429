public import Hummingbird
public import Logging

/// The scheduler's HTTP/JSON API as a Hummingbird application, listening where `configuration`
/// says. Run it with `runService()` or inside a `ServiceGroup`.
public func makeSchedulerApplication(
    configuration: SchedulerConfiguration, store: TaskStore, logger: Logger
) -> some ApplicationProtocol {
    Application(
        router: makeSchedulerRouter(configuration: configuration, store: store),
        configuration: ApplicationConfiguration(
            address: .hostname(configuration.host, port: configuration.port),
            serverName: "taskmaster-scheduler"
        ),
        logger: logger
    )
}

/// The routes of the scheduler's API, with every error rendered as JSON.
public func makeSchedulerRouter(
    configuration: SchedulerConfiguration, store: TaskStore
) -> Router<BasicRequestContext> {
    let endpoints = SchedulerEndpoints(store: store, maxBodyBytes: configuration.maxBodyBytes)
    let routes: [(path: String, method: HTTPRequest.Method, handler: SchedulerRoute)] = [
        ("/schedule", .post, endpoints.schedule),
        ("/status", .get, endpoints.status),
        ("/healthz", .get, endpoints.health),
    ]
    let router = Router()
    let allowedMethods = Dictionary(grouping: routes, by: \.path).mapValues { $0.map(\.method) }
    router.add(middleware: APIErrorMiddleware(allowedMethods: allowedMethods))
    for route in routes {
        router.on(RouterPath(route.path), method: route.method, use: route.handler)
    }
    return router
}

private typealias SchedulerRoute = @Sendable (Request, BasicRequestContext) async throws -> Response
