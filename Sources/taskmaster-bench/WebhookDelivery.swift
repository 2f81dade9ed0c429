import ClusterKit
import Core
import Foundation
import Postgres

/// Webhooks at the defaults: the drain with a webhook on every completion delivered to a fast
/// local receiver (and how many deliveries a second that makes), and the drain while 1,000
/// deliveries to a dead receiver are pending, each against the drain without webhooks.
enum WebhookDelivery {
    static let scenario = "webhooks"
    static let pendingToDeadReceiver = 1_000

    static func run(on cluster: BenchCluster, options: BenchCommand) async throws -> [Figure] {
        let tasks = options.defaultsTasks
        let database = cluster.database
        try await clear(database)
        let plain = Double(tasks) / (try await Drain.time(tasks: tasks, on: cluster))

        let receiver = try await WebhookReceiver.start()
        try await database.query(
            """
            INSERT INTO webhooks (webhook_id, url, events, secret)
            VALUES (gen_random_uuid(), $1, ARRAY['task.completed'], 'bench-secret-0123456789')
            """, ["http://127.0.0.1:\(receiver.port)/hook"])
        let delivering = Double(tasks) / (try await Drain.time(tasks: tasks, on: cluster))
        try await eventually("every delivery made", timeout: .seconds(600)) { receiver.count >= tasks ? true : nil }
        let deliverySeconds = try require(
            try await database.query(
                """
                SELECT extract(epoch from max(d.delivered_at) - min(e.occurred_at))
                FROM webhook_deliveries d JOIN webhook_events e USING (event_id)
                """
            ).first
        ).double(0) ?? .nan
        await receiver.stop()
        try await clear(database)

        // A receiver that refuses connections: its deliveries fail and wait to be retried.
        try await database.query(
            """
            WITH hook AS (
                INSERT INTO webhooks (webhook_id, url, events, secret, queue)
                VALUES (gen_random_uuid(), 'http://127.0.0.1:1/hook', ARRAY['task.failed'], 'bench-secret-0123456789', 'elsewhere')
                RETURNING webhook_id),
            events AS (
                INSERT INTO webhook_events (event_id, type, occurred_at, queue)
                SELECT gen_random_uuid(), 'task.failed', now(), 'elsewhere' FROM generate_series(1, $1)
                RETURNING event_id)
            INSERT INTO webhook_deliveries (webhook_id, event_id) SELECT hook.webhook_id, events.event_id FROM hook, events
            """, [pendingToDeadReceiver])
        let withDeadReceiver = Double(tasks) / (try await Drain.time(tasks: tasks, on: cluster))
        let stillPending = try await database.query("SELECT count(*) FROM webhook_deliveries WHERE state = 'pending'").first?.int(0) ?? 0
        try await clear(database)
        return [
            Figure(scenario, "tasks", tasks),
            Figure(scenario, "drain rate, no webhooks", plain, "tasks/s"),
            Figure(scenario, "drain rate, a webhook on every completion", delivering, "tasks/s"),
            Figure(scenario, "webhook deliveries to a local receiver", Double(tasks) / deliverySeconds, "deliveries/s"),
            Figure(scenario, "drain rate, \(pendingToDeadReceiver) deliveries pending to a dead receiver", withDeadReceiver, "tasks/s"),
            Figure(scenario, "with dead-receiver deliveries ÷ no webhooks", withDeadReceiver / plain, target: .atLeast(0.9)),
            Figure(scenario, "dead-receiver deliveries still pending after the drain", stillPending, target: .equal(Double(pendingToDeadReceiver))),
        ]
    }

    private static func clear(_ database: PostgresClient) async throws {
        try await database.query("TRUNCATE webhooks, webhook_events, webhook_deliveries")
    }
}
