import ClusterKit
import Foundation
import Testing

@testable import Core

/// PostgreSQL fails over under load: a primary with a synchronous streaming standby, the services
/// given both in one multi-host `DATABASE_URL`, the primary SIGKILLed and the standby promoted.
/// No acknowledged task is lost, nor the webhook event of its completion.
@Suite(.serialized) struct DatabaseFailoverTests {
    @Test func everyServiceFollowsThePromotedStandbyAndNoAcknowledgedTaskNorItsWebhookEventIsLost() async throws {
        let primary = try await TestEnvironment.startThrowawayPostgres()
        let standby = try await primary.startStandby()
        let url = "postgres://postgres@\(primary.hostAndPort),\(standby.hostAndPort)/taskmaster?target_session_attrs=read-write&connect_timeout=2"
        let receiver = PostReceiver()
        try await receiver.serve { port in
            try await withCluster(Cluster(databaseURL: url) {}) { cluster in
                try await cluster.startCoordinator()
                try await cluster.startScheduler()
                for _ in 0..<2 { try await cluster.startWorker() }
                _ = try await cluster.createWebhook(port: port, events: ["task.completed"], secret: "failover-secret-0123")
                let endpoint = "http://127.0.0.1:\(cluster.schedulerPort)/schedule"
                var acknowledged: [String] = []
                var refused = 0
                var killedAt: ContinuousClock.Instant?
                var recovery: (after: Duration, acknowledged: Int)?
                let deadline = ContinuousClock.now + .seconds(60)
                // One request after another; the primary dies after 50 acknowledgements, and the loop
                // ends 50 acknowledgements after the first one the promoted standby gave.
                while ContinuousClock.now < deadline, acknowledged.count < (recovery?.acknowledged ?? .max - 50) + 50 {
                    let body = #"{"command": "task \#(acknowledged.count)", "scheduled_at": "\#(Timestamp.now().rfc3339)"}"#
                    let reply = try await curl(["-X", "POST", endpoint, "-d", body, "--max-time", "10"])
                    switch reply.status {
                    case 200:
                        acknowledged.append(try #require(try reply.json["task_id"] as? String))
                        if let killedAt, recovery == nil { recovery = (killedAt.duration(to: .now), acknowledged.count) }
                    case 503:
                        refused += 1
                    default:
                        Issue.record("POST /schedule answered \(reply.status) during the failover: \(reply.body)")
                    }
                    if acknowledged.count == 50, killedAt == nil {
                        try primary.kill()
                        killedAt = .now
                        try await standby.promote()
                    }
                }
                let switchTime = try #require(recovery, "no task was acknowledged after the failover").after
                print("PostgreSQL failover: /schedule answered 200 again \(switchTime) after the primary's SIGKILL (\(refused) answers 503 meanwhile)")
                #expect(acknowledged.count >= 100)
                let waitStart = ContinuousClock.now
                let completed = try await eventually("every acknowledged task, before and after the switch, to complete", timeout: .seconds(60)) {
                    let ids = Set(try await cluster.tasks(status: "completed").compactMap { $0["task_id"] as? String })
                    return ids.isSuperset(of: acknowledged) ? ids : nil
                }
                print("PostgreSQL failover: every acknowledged task completed \(waitStart.duration(to: .now)) after the last acknowledgement")
                #expect(completed.count == acknowledged.count, "no task but the acknowledged ones")
                try await eventually("the completion event of every acknowledged task delivered", timeout: .seconds(60)) {
                    let delivered = Set(receiver.posts.compactMap { ($0.json["task"] as? [String: Any])?["task_id"] as? String })
                    return delivered.isSuperset(of: acknowledged) ? true : nil
                }
                #expect(cluster.scheduler?.isRunning == true && cluster.coordinator?.isRunning == true, "no service restarted")
            }
        }
        try await primary.stop()
        try await standby.stop()
    }
}
