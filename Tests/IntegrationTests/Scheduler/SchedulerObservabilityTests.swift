import Core
import Foundation
import Hummingbird
import HummingbirdTesting
import Testing

/// `/readyz`, `/metrics` and `/workers` on the scheduler's own port.
@Suite(.timeLimit(.minutes(1))) struct SchedulerObservabilityTests {
    @Test func readinessMetricsAndWorkers() async throws {
        try await withSchedulerApplication { client, _ in
            let ready = try await client.get("/readyz")
            #expect(ready.status == .ok)
            #expect(try ready.jsonObject()["checks"] as? [String: String] == ["database": "ok"])

            let metrics = try await client.get("/metrics")
            #expect(metrics.status == .ok)
            #expect(metrics.headers[.contentType] == "text/plain; version=0.0.4; charset=utf-8")
            _ = try PrometheusScrape(parsing: String(buffer: metrics.body))

            let workers = try await client.get("/workers")
            #expect(workers.status == .ok)
            #expect(try workers.jsonObject()["workers"] is [Any])

            try await client.post("/readyz", json: "{}").expectAPIError(.methodNotAllowed, "method_not_allowed")
        }
    }
}
