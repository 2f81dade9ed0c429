import ClusterKit
import Foundation
import Testing

@testable import Core

/// Two scheduler processes behind one database share nothing else: a retried request with the
/// same idempotency key gets the same task from either, and a batch stored through one is listed
/// and paged through the other.
@Suite(.serialized) struct SchedulerReplicaTests {
    @Test func idempotencyBatchesAndListingWorkAcrossReplicas() async throws {
        try await withCluster { cluster in
            try await cluster.startScheduler()
            let other = try await cluster.startAnotherScheduler()
            let first = "http://127.0.0.1:\(cluster.schedulerPort)"
            let second = "http://127.0.0.1:\(other)"
            let key = UUID().uuidString
            let task = #"{"command": "echo once", "scheduled_at": "2030-01-01T00:00:00Z"}"#
            let stored = try await curl(["-X", "POST", "\(first)/schedule", "-H", "Idempotency-Key: \(key)", "-d", task])
            let retried = try await curl(["-X", "POST", "\(second)/schedule", "-H", "Idempotency-Key: \(key)", "-d", task])
            #expect(stored.status == 200 && retried.status == 200)
            #expect(try retried.json["task_id"] as? String == stored.json["task_id"] as? String)
            #expect(retried.headers["idempotent-replayed"] == "true")
            let conflicting = try await curl([
                "-X", "POST", "\(second)/schedule", "-H", "Idempotency-Key: \(key)", "-d",
                #"{"command": "echo other", "scheduled_at": "2030-01-01T00:00:00Z"}"#,
            ])
            #expect(conflicting.status == 409)

            let batch = "[" + (0..<25).map { #"{"command": "batch \#($0)", "scheduled_at": "2030-01-01T00:00:00Z"}"# }
                .joined(separator: ",") + "]"
            let batched = try await curl(["-X", "POST", "\(first)/schedule/batch", "-d", batch])
            let ids = try #require(try batched.json["tasks"] as? [[String: Any]]).compactMap { $0["task_id"] as? String }
            #expect(ids.count == 25)
            var listed: [String] = []
            var after = ""
            for page in 0..<20 {
                // Pages alternate between the replicas: a cursor from one is good on the other.
                let base = page % 2 == 0 ? second : first
                let reply = try await curl(["\(base)/tasks?limit=4\(after)"])
                listed += (try reply.json["tasks"] as? [[String: Any]] ?? []).compactMap { $0["task_id"] as? String }
                guard let next = try reply.json["next"] as? String else { break }
                after = "&after=\(next)"
            }
            #expect(Set(listed) == Set(ids + [try #require(try stored.json["task_id"] as? String)]))
            #expect(listed.count == Set(listed).count, "every task once")
        }
    }
}
