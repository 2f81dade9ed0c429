package import Hummingbird
package import Logging
package import ServiceLifecycle

/// The HTTP/1.1 admin server of the coordinator and the worker: `/healthz`, `/readyz`,
/// `/metrics` and, where the process knows its workers, `/workers`. A Hummingbird application,
/// run as a Service next to the process's gRPC server; it logs the address it bound.
package struct AdminServer: Sendable {
    package var address: ListenAddress
    package var readiness: [ReadinessCheck]
    package var metrics: MetricsRegistry
    /// `GET` routes the process serves beside the health ones (the coordinator's `/workers`).
    package var routes: [AdminRoute]

    package init(
        address: ListenAddress, readiness: [ReadinessCheck], metrics: MetricsRegistry, routes: [AdminRoute] = []
    ) {
        self.address = address
        self.readiness = readiness
        self.metrics = metrics
        self.routes = routes
    }

    /// The server, ready to run in a ServiceGroup.
    package func service(logger: Logger) -> some Service {
        BindingService(application(logger: logger), address: address)
    }

    private func application(logger: Logger) -> some ApplicationProtocol {
        let router = Router(context: ServiceRequestContext.self, options: .autoGenerateHeadEndpoints)
        let health = HealthEndpoints(readiness: readiness, registry: metrics)
        let routes = [
            AdminRoute(path: "/healthz", handler: health.health), AdminRoute(path: "/readyz", handler: health.ready),
            AdminRoute(path: "/metrics", handler: health.metrics),
        ] + self.routes
        router.add(middleware: APIErrorMiddleware(allowedMethods: routes.reduce(into: [:]) { $0[$1.path] = [.get] }))
        for route in routes {
            router.get(RouterPath(route.path), use: route.handler)
        }
        let host = address.host
        let limits = HTTPServerLimits()
        return Application(
            router: router, server: limits.server,
            configuration: limits.applicationConfiguration(address: address, serverName: "taskmaster-admin"),
            onServerRunning: { channel in
                let port = channel.localAddress?.port ?? 0
                logger.info("admin server listening", metadata: [LogKey.address: "\(ListenAddress(host: host, port: port))"])
            },
            logger: logger)
    }
}

/// One `GET` endpoint of an admin server.
package struct AdminRoute: Sendable {
    package var path: String
    package var handler: @Sendable (Request, ServiceRequestContext) async throws -> Response

    package init(path: String, handler: @escaping @Sendable (Request, ServiceRequestContext) async throws -> Response) {
        self.path = path
        self.handler = handler
    }
}
