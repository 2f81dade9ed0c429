@testable import Core
import Foundation
import Hummingbird
import HummingbirdTesting
import Metrics
import Testing
import TaskStorage

/// `/readyz`, `/metrics`, `/workers` and `/coordinators` on the scheduler's own port.
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

    @Test func requestsAreCountedUnderTheRouteTheyWereSentTo() async throws {
        let registry = MetricsRegistry()
        try await withMetricsFactory(registry.metricsFactory) {
            try await withSchedulerApplication { client, _ in
                #expect(try await client.get("/readyz").status == .ok)
                try await client.execute(uri: "/schedule", method: .delete) { $0 }
                    .expectAPIError(.methodNotAllowed, "method_not_allowed")
                try await client.get("/no/such/thing").expectAPIError(.notFound, "not_found")
            }
        }
        let scrape = try PrometheusScrape(parsing: String(decoding: registry.exposition(), as: UTF8.self))
        let counted = { (route: String, method: String, status: String) in
            scrape.value(MetricNames.httpRequests, labels: ["route": route, "method": method, "status": status])
        }
        #expect(counted("/readyz", "GET", "200") == 1)
        #expect(counted("/schedule", "DELETE", "405") == 1, "a wrong method counts under the route it was sent to")
        #expect(counted("NotFound", "GET", "404") == 1)
        let timed = ["route": "/readyz", "method": "GET", "status": "200"]
        #expect(scrape.value(MetricNames.httpRequestDuration + "_count", labels: timed) == 1)
    }

    @Test func coordinatorsSeenLatelyAreListed() async throws {
        try await withSchedulerApplication(isolatedDatabase: true) { client, database in
            let store = TaskStorage.CoordinatorStore(client: database)
            let id = UUID()
            try await store.beat(id: id, address: "coordinator-1:8080", workers: 2)
            try await store.beat(id: UUID(), address: "stale:8080", workers: 0)
            try await database.query(
                "UPDATE coordinators SET last_heartbeat = now() - interval '1 minute' WHERE address = 'stale:8080'")
            let reply = try await client.get("/coordinators")
            #expect(reply.status == .ok)
            let coordinators = try #require(try reply.jsonObject()["coordinators"] as? [[String: Any]])
            #expect(coordinators.count == 1)
            #expect(coordinators.first?["coordinator_id"] as? String == id.uuidString.lowercased())
            #expect(coordinators.first?["address"] as? String == "coordinator-1:8080")
            #expect(coordinators.first?["workers"] as? Int == 2)
            #expect(Timestamp(field: coordinators.first?["last_heartbeat"]) != nil)
        }
    }
}
