import ClusterKit
import Foundation
import Testing

@testable import Core

/// The scheduler and the coordinator outlive a PostgreSQL restart: 503 while it is down, then
/// back to work without being restarted themselves.
@Suite(.serialized) struct DatabaseOutageTests {
    @Test func schedulerAndCoordinatorSurviveAPostgresRestart() async throws {
        let postgres = try await TestEnvironment.startThrowawayPostgres()
        try await withCluster(Cluster(databaseURL: postgres.url) {}) { cluster in
            try await cluster.startCoordinator()
            try await cluster.startScheduler()
            try await cluster.startWorker()
            let before = try await cluster.schedule(command: "before", at: .now())
            _ = try await cluster.waitForStatus(of: before, "completed")

            try await postgres.pause()
            let base = "http://127.0.0.1:\(cluster.schedulerPort)"
            let body = #"{"command":"during","scheduled_at":"2030-01-01T00:00:00Z"}"#
            let refused = try await eventually("503 while the database is down") {
                let reply = try await curl(["-X", "POST", "\(base)/schedule", "-d", body])
                return reply.status == 503 ? reply : nil
            }
            #expect(refused.errorCode == "database_unavailable")
            #expect(!refused.body.contains("SQL") && !refused.body.contains("libpq"))
            let statusReply = try await curl(["\(base)/status?task_id=\(before)"])
            #expect(statusReply.status == 503)

            try await postgres.resume()
            let after = try await eventually("scheduling to work again") {
                try? await cluster.schedule(command: "after", at: .now())
            }
            _ = try await cluster.waitForStatus(of: after, "completed")
            #expect(cluster.scheduler?.isRunning == true && cluster.coordinator?.isRunning == true)
        }
        try await postgres.stop()
    }
}
