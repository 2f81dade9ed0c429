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

    /// Workers keep their final reports through the outage, and the leases that ran out while
    /// heartbeats could not be written are not taken back: every task runs once and completes.
    @Test func finalReportsOutliveADatabaseOutageAndNoTaskRunsTwice() async throws {
        let postgres = try await TestEnvironment.startThrowawayPostgres()
        let ledger = Ledger()
        defer { ledger.remove() }
        let count = 300
        try await withCluster(Cluster(databaseURL: postgres.url) {}) { cluster in
            // Leases shorter than the outage, so they all run out while it lasts.
            try await cluster.startCoordinator(extraArguments: ["--lease_duration=5s"])
            try await cluster.startScheduler()
            for _ in 0..<3 { try await cluster.startWorker(executor: "shell") }
            let taskIDs = try await cluster.scheduleBatch(
                commands: (0..<count).map { "\(ledger.append($0)); sleep 0.1" }, at: .now())
            #expect(taskIDs.count == count)
            try await eventually("tasks to be running") {
                ledger.runs.count >= 30 ? true : nil
            }
            try await postgres.pause()
            try await Task.sleep(for: .seconds(20))
            try await postgres.resume()
            for taskID in taskIDs {
                let done = try await cluster.waitForStatus(of: taskID, "completed", timeout: .seconds(60))
                #expect(done["attempts"] as? Int == 1, "\(done)")
            }
            let runs = ledger.runs
            #expect(runs.sorted() == Array(0..<count), "every task ran exactly once")
        }
        try await postgres.stop()
    }
}
