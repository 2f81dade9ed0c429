import Foundation
import Testing

@testable import Core
@testable import Postgres
@testable import TaskStorage

/// Events are written by the statement that changes the task, only for webhooks that subscribe
/// to them, and delivered from the outbox under leases, with retries, a cap per webhook, and an
/// end (dead) for what never gets through.
@Suite struct WebhookOutboxTests {
    private static let secret = "0123456789abcdef"

    private func complete(_ store: TaskStore, command: String = "x") async throws -> UUID {
        let task = try await store.scheduleTestTask()
        let claimed = try #require(try await store.claimDueTasks(limit: 1, lease: .seconds(30)).first)
        #expect(claimed.id == task.id)
        _ = try await store.record(claimed.report(.completed, exitCode: 0, output: "done"))
        return task.id
    }

    private func count(_ client: PostgresClient, _ table: String) async throws -> Int {
        try await client.query("SELECT count(*) FROM \(table)").first?.int(0) ?? -1
    }

    @Test func nothingIsWrittenWhileNoWebhookExists() async throws {
        try await IsolatedDatabase.withTaskStore { store, client in
            _ = try await complete(store)
            #expect(try await count(client, "webhook_events") == 0)
        }
    }

    @Test func anEventGoesToTheWebhooksThatSubscribeToItsTypeAndQueue() async throws {
        try await IsolatedDatabase.withTaskStore { store, client in
            let webhooks = WebhookStore(client: client)
            let everyQueue = try await webhooks.create(
                url: "http://127.0.0.1:1/a", events: ["task.completed"], secret: Self.secret, queue: nil, createdBy: nil)
            _ = try await webhooks.create(url: "http://127.0.0.1:1/b", events: ["task.failed"], secret: Self.secret, queue: nil, createdBy: nil)
            _ = try await webhooks.create(
                url: "http://127.0.0.1:1/c", events: ["task.completed"], secret: Self.secret, queue: "mail", createdBy: nil)
            let taskID = try await complete(store)
            #expect(try await count(client, "webhook_events") == 1)
            let outbox = WebhookOutbox(client: client)
            let taken = try await outbox.takeDue(limit: 10, perWebhook: 8, lease: .seconds(30))
            #expect(taken.map(\.webhookID) == [everyQueue.id])
            let delivery = try #require(taken.first)
            #expect(delivery.type == "task.completed" && delivery.attempt == 1 && delivery.secret == Self.secret)
            #expect(delivery.task?.id == taskID && delivery.task?.status == .completed && delivery.task?.output == "done")
            #expect(try await outbox.takeDue(limit: 10, perWebhook: 8, lease: .seconds(30)).isEmpty, "leased to this deliverer")
        }
    }

    @Test func aFailedDeliveryIsRetriedWithTheSameEventUntilItGetsThroughOrItsTimeIsUp() async throws {
        try await IsolatedDatabase.withTaskStore { store, client in
            let webhooks = WebhookStore(client: client)
            let webhook = try await webhooks.create(
                url: "http://127.0.0.1:1/", events: ["task.completed"], secret: Self.secret, queue: nil, createdBy: nil)
            _ = try await complete(store)
            _ = try await complete(store)
            let outbox = WebhookOutbox(client: client)
            let first = try await outbox.takeDue(limit: 10, perWebhook: 8, lease: .seconds(30))
            #expect(first.count == 2)
            let recordedAt = Timestamp.now()
            try await outbox.record(
                [(first[0], .failed(status: 503, error: "HTTP 503")), (first[1], .failed(status: nil, error: "timed out"))],
                retryFor: .seconds(3600))
            #expect(try await outbox.takeDue(limit: 10, perWebhook: 8, lease: .seconds(30)).isEmpty, "backing off")
            var deliveries = try await webhooks.deliveries(of: webhook.id, limit: 10)
            #expect(deliveries.map(\.state) == [.pending, .pending])
            #expect(Set(deliveries.compactMap(\.lastStatus)) == [503])
            let next = try #require(deliveries.first?.nextAttemptAt)
            #expect(
                next > recordedAt.advanced(bySeconds: 0.7) && next < Timestamp.now().advanced(bySeconds: 1.3),
                "a second later, ±25 %")

            try await client.query("UPDATE webhook_deliveries SET next_attempt_at = now()")
            let second = try await outbox.takeDue(limit: 10, perWebhook: 8, lease: .seconds(30))
            #expect(Set(second.map(\.eventID)) == Set(first.map(\.eventID)), "the same events")
            #expect(second.map(\.attempt) == [2, 2])
            let delivered = try #require(second.first { $0.eventID == first[0].eventID })
            let given = try #require(second.first { $0.eventID == first[1].eventID })
            try await outbox.record(
                [(delivered, .delivered(status: 204)), (given, .failed(status: 500, error: "HTTP 500"))], retryFor: .zero)
            deliveries = try await webhooks.deliveries(of: webhook.id, limit: 10)
            #expect(deliveries.first { $0.eventID == delivered.eventID }?.state == .delivered)
            #expect(deliveries.first { $0.eventID == given.eventID }?.state == .dead, "its retry time is up")
            #expect(try await outbox.pendingCount() == 0)
        }
    }

    @Test func oneWebhookHoldsNoMoreThanItsShareAndARefusedAddressIsDeadAtOnce() async throws {
        try await IsolatedDatabase.withTaskStore { store, client in
            let webhooks = WebhookStore(client: client)
            let slow = try await webhooks.create(
                url: "http://127.0.0.1:1/slow", events: ["task.completed"], secret: Self.secret, queue: nil, createdBy: nil)
            for _ in 0..<5 { _ = try await complete(store) }
            let outbox = WebhookOutbox(client: client)
            let taken = try await outbox.takeDue(limit: 10, perWebhook: 2, lease: .seconds(30))
            #expect(taken.count == 2)
            #expect(try await outbox.takeDue(limit: 10, perWebhook: 2, lease: .seconds(30)).isEmpty, "its share is out")
            try await outbox.record(taken.map { ($0, .refused(error: "a private address")) }, retryFor: .seconds(3600))
            let deliveries = try await webhooks.deliveries(of: slow.id, limit: 10)
            #expect(deliveries.filter { $0.state == .dead }.count == 2)
            #expect(try await outbox.takeDue(limit: 10, perWebhook: 2, lease: .seconds(30)).count == 2, "two more places")
        }
    }

    @Test func theDeliveriesOfAWebhookSkippedAreLeftForLater() async throws {
        try await IsolatedDatabase.withTaskStore { store, client in
            let webhooks = WebhookStore(client: client)
            let resting = try await webhooks.create(
                url: "http://127.0.0.1:1/resting", events: ["task.completed"], secret: Self.secret, queue: nil, createdBy: nil)
            let other = try await webhooks.create(
                url: "http://127.0.0.1:1/other", events: ["task.completed"], secret: Self.secret, queue: nil, createdBy: nil)
            _ = try await complete(store)
            let outbox = WebhookOutbox(client: client)
            let taken = try await outbox.takeDue(limit: 10, perWebhook: 8, lease: .seconds(30), skipping: [resting.id])
            #expect(taken.map(\.webhookID) == [other.id])
            let later = try await outbox.takeDue(limit: 10, perWebhook: 8, lease: .seconds(30))
            #expect(later.map(\.webhookID) == [resting.id] && later.map(\.attempt) == [1], "untouched while skipped")
        }
    }

    @Test func deletingAWebhookDeletesItsDeliveries() async throws {
        try await IsolatedDatabase.withTaskStore { store, client in
            let webhooks = WebhookStore(client: client)
            let webhook = try await webhooks.create(
                url: "http://127.0.0.1:1/", events: ["task.completed"], secret: Self.secret, queue: nil, createdBy: nil)
            _ = try await complete(store)
            #expect(try await webhooks.delete(id: webhook.id))
            #expect(try await !webhooks.delete(id: webhook.id))
            #expect(try await count(client, "webhook_deliveries") == 0)
        }
    }
}
