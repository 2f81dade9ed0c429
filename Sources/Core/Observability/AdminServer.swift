import Hummingbird
public import Logging
public import ServiceLifecycle

/// The HTTP/1.1 admin server of the coordinator and the worker: `/healthz`, `/readyz`,
/// `/metrics` and, where the process knows its workers, `/workers`. A Hummingbird application,
/// run as a Service next to the process's gRPC server; it logs the address it bound.
public struct AdminServer: Sendable {
    public var address: ListenAddress
    public var readiness: [ReadinessCheck]
    public var metrics: MetricsRegistry
    /// Serves `GET /workers` from this registry when set (the coordinator).
    public var workerRegistry: WorkerRegistry?

    public init(
        address: ListenAddress, readiness: [ReadinessCheck], metrics: MetricsRegistry,
        workerRegistry: WorkerRegistry? = nil
    ) {
        self.address = address
        self.readiness = readiness
        self.metrics = metrics
        self.workerRegistry = workerRegistry
    }

    /// The server, ready to run in a ServiceGroup.
    public func service(logger: Logger) -> some Service {
        BindingService(application(logger: logger), address: address)
    }

    private func application(logger: Logger) -> some ApplicationProtocol {
        let router = Router(context: ServiceRequestContext.self, options: .autoGenerateHeadEndpoints)
        let health = HealthEndpoints(readiness: readiness, registry: metrics)
        var routes: [(path: String, handler: AdminRoute)] = [
            ("/healthz", health.health), ("/readyz", health.ready), ("/metrics", health.metrics),
        ]
        if let workerRegistry {
            routes.append(("/workers", WorkersEndpoint.fromRegistry(workerRegistry).list))
        }
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

private typealias AdminRoute = @Sendable (Request, ServiceRequestContext) async throws -> Response
