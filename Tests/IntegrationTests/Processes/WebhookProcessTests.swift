import ClusterKit
import Foundation
import Testing

@testable import Core

/// Webhooks on a real cluster of release executables, delivered to a receiver on this host:
/// retried with one event id and a signature that an independent HMAC (openssl) agrees with,
/// sent only for the events subscribed to, and delivered after the coordinator that had them
/// pending was killed.
@Suite(.serialized) struct WebhookProcessTests {
    private static let secret = "whsec_process_test_secret"

    /// `POST /webhooks`; returns the webhook's id.
    /// The signature header's `t` and `v1`, checked with openssl over `<t>.` + the body.
    private func expectSignedBySecret(_ delivery: PostReceiver.Post) async throws {
        let header = try #require(delivery.signature)
        let fields = Dictionary(
            uniqueKeysWithValues: header.split(separator: ",").compactMap { field -> (String, String)? in
                let pair = field.split(separator: "=", maxSplits: 1)
                return pair.count == 2 ? (String(pair[0]), String(pair[1])) : nil
            })
        let timestamp = try #require(fields["t"].flatMap { Int64($0) })
        #expect(abs(Int64(Date().timeIntervalSince1970) - timestamp) < 120, "signed now")
        let message = FileManager.default.temporaryDirectory.appendingPathComponent("webhook-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: message) }
        try Data(Array("\(timestamp).".utf8) + delivery.body).write(to: message)
        let digest = try await runCommand(["openssl", "dgst", "-sha256", "-hmac", Self.secret, "-r", message.path])
        let expected = try #require(digest.output.split(separator: " ").first.map(String.init))
        #expect(fields["v1"] == expected, "openssl: \(digest.output) \(digest.errors)")
    }

    @Test func aReceiverThatFailsTwiceGetsTheSameSignedEventThreeTimes() async throws {
        let receiver = PostReceiver()
        receiver.fail { earlier in earlier < 2 }
        try await receiver.serve { port in
            try await withCluster { cluster in
                try await cluster.startCoordinator()
                try await cluster.startScheduler()
                try await cluster.startWorker(executor: "shell")
                let webhookID = try await cluster.createWebhook(port: port, events: ["task.completed"], secret: Self.secret)
                let taskID = try await cluster.schedule(command: "echo hello", at: .now())
                _ = try await cluster.waitForStatus(of: taskID, "completed")
                try await eventually("three deliveries", timeout: .seconds(30)) { receiver.posts.count >= 3 ? true : nil }

                let deliveries = receiver.posts
                #expect(deliveries.count == 3)
                let eventIDs = Set(deliveries.map(\.eventID))
                #expect(eventIDs.count == 1 && eventIDs.first! != nil, "one event, the same id each time")
                for delivery in deliveries {
                    try await expectSignedBySecret(delivery)
                    let json = delivery.json
                    #expect(json["event_id"] as? String == delivery.eventID)
                    #expect(json["type"] as? String == "task.completed")
                    let task = try #require(json["task"] as? [String: Any])
                    #expect(task["task_id"] as? String == taskID && task["status"] as? String == "completed")
                    #expect((task["output"] as? String)?.contains("hello") == true)
                }
                let record = try await eventually("the delivery recorded as made") {
                    let reply = try await cluster.request(port: cluster.schedulerPort, "/webhooks/\(webhookID)/deliveries")
                    let deliveries = try reply.json["deliveries"] as? [[String: Any]]
                    return deliveries?.first.flatMap { $0["state"] as? String == "delivered" ? $0 : nil }
                }
                #expect(record["attempts"] as? Int == 3 && record["event_id"] as? String == deliveries[0].eventID)
            }
        }
    }

    @Test func aWebhookForFailuresHearsNothingOfASuccess() async throws {
        let receiver = PostReceiver()
        try await receiver.serve { port in
            try await withCluster { cluster in
                try await cluster.startCoordinator()
                try await cluster.startScheduler()
                try await cluster.startWorker(executor: "shell")
                _ = try await cluster.createWebhook(port: port, events: ["task.failed"], secret: Self.secret)
                let succeeded = try await cluster.schedule(command: "true", at: .now())
                _ = try await cluster.waitForStatus(of: succeeded, "completed")
                let failed = try await cluster.schedule(command: "exit 3", at: .now())
                _ = try await cluster.waitForStatus(of: failed, "failed")
                try await eventually("the failure's delivery") { receiver.posts.isEmpty ? nil : true }
                try await Task.sleep(for: .seconds(1))
                let tasks = receiver.posts.compactMap { ($0.json["task"] as? [String: Any])?["task_id"] as? String }
                #expect(tasks == [failed], "the success sent nothing")
                #expect(receiver.posts.first?.json["type"] as? String == "task.failed")
            }
        }
    }

    @Test func eventsPendingWhenTheirCoordinatorIsKilledAreDeliveredByAnother() async throws {
        let receiver = PostReceiver()
        receiver.fail { _ in true }
        try await receiver.serve { port in
            try await withCluster { cluster in
                try await cluster.startCoordinator()
                let other = try await cluster.startAnotherCoordinator()
                try await cluster.startScheduler()
                try await cluster.startWorker(executor: "shell")
                _ = try await cluster.createWebhook(port: port, events: ["task.completed"], secret: Self.secret)
                let taskIDs = try await cluster.scheduleBatch(commands: (0..<3).map { "echo \($0)" }, at: .now())
                for taskID in taskIDs { _ = try await cluster.waitForStatus(of: taskID, "completed") }
                try await eventually("a failed attempt for each event") {
                    Set(receiver.posts.compactMap(\.eventID)).count == 3 ? true : nil
                }
                await cluster.kill(try #require(cluster.coordinator))
                receiver.fail { _ in false }
                try await eventually("every event delivered by the other coordinator", timeout: .seconds(60)) {
                    Set(receiver.posts.filter(\.accepted).compactMap(\.eventID)).count == 3 ? true : nil
                }
                #expect(other.process.isRunning)
                let ids = receiver.posts.filter(\.accepted).compactMap { ($0.json["task"] as? [String: Any])?["task_id"] as? String }
                #expect(Set(ids) == Set(taskIDs))
            }
        }
    }
}
