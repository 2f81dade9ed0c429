import NIOCore

/// `GET /healthz`, `/readyz` and `/metrics`, served alike by the scheduler's API and the admin
/// servers.
package struct HealthEndpoints: Sendable {
    let readiness: [ReadinessCheck]
    let registry: MetricsRegistry

    package init(readiness: [ReadinessCheck], registry: MetricsRegistry) {
        self.readiness = readiness
        self.registry = registry
    }

    /// Answers while the process serves requests; touches nothing else.
    package func health() throws -> BufferedResponse {
        try .json(HealthResponse())
    }

    /// 200 when every check passes, 503 otherwise; the body names each check's outcome.
    package func ready() async throws -> BufferedResponse {
        let passed = await readiness.concurrentMap { await $0.isReady() }
        let outcomes = Dictionary(zip(readiness.map(\.name), passed), uniquingKeysWith: { $0 && $1 })
        let ready = outcomes.values.allSatisfy { $0 }
        return try .json(
            ReadinessResponse(
                status: ready ? "ready" : "unavailable", checks: outcomes.mapValues { $0 ? "ok" : "failing" }),
            status: ready ? .ok : .serviceUnavailable)
    }

    /// Every metric of the process in the Prometheus text format.
    package func metrics() -> BufferedResponse {
        BufferedResponse(headers: [.contentType: MetricsRegistry.contentType], body: ByteBuffer(bytes: registry.exposition()))
    }

    /// The three as admin routes.
    package var routes: [AdminRoute] {
        [
            AdminRoute(path: "/healthz", handler: health), AdminRoute(path: "/readyz", handler: ready),
            AdminRoute(path: "/metrics", handler: metrics),
        ]
    }
}

/// The body of `GET /healthz`.
struct HealthResponse: Encodable, Sendable {
    var status = "ok"
}

/// The body of `GET /readyz`: `ready` or `unavailable`, and `ok` or `failing` per check.
struct ReadinessResponse: Encodable, Sendable {
    var status: String
    var checks: [String: String]
}
