package import Hummingbird

/// `GET /healthz`, `/readyz` and `/metrics`, served alike by the scheduler and the admin servers.
package struct HealthEndpoints: Sendable {
    let readiness: [ReadinessCheck]
    let registry: MetricsRegistry

    package init(readiness: [ReadinessCheck], registry: MetricsRegistry) {
        self.readiness = readiness
        self.registry = registry
    }

    /// Answers while the process serves requests; touches nothing else.
    package func health(_ request: Request, context: ServiceRequestContext) async throws -> Response {
        try JSONResponse.make(HealthResponse())
    }

    /// 200 when every check passes, 503 otherwise; the body names each check's outcome.
    package func ready(_ request: Request, context: ServiceRequestContext) async throws -> Response {
        let passed = await readiness.concurrentMap { await $0.isReady() }
        let outcomes = Dictionary(zip(readiness.map(\.name), passed), uniquingKeysWith: { $0 && $1 })
        let ready = outcomes.values.allSatisfy { $0 }
        return try JSONResponse.make(
            ReadinessResponse(
                status: ready ? "ready" : "unavailable", checks: outcomes.mapValues { $0 ? "ok" : "failing" }),
            status: ready ? .ok : .serviceUnavailable)
    }

    /// Every metric of the process in the Prometheus text format.
    package func metrics(_ request: Request, context: ServiceRequestContext) async throws -> Response {
        let body = registry.exposition()
        return Response(
            status: .ok,
            headers: [.contentType: MetricsRegistry.contentType, .contentLength: String(body.count)],
            body: ResponseBody(byteBuffer: ByteBuffer(bytes: body)))
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
