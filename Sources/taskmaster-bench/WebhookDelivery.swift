import ClusterKit
import Core
import Foundation
import Postgres

/// Webhooks at the defaults: the drain with a webhook on every completion delivered to a fast
/// local receiver (and how many deliveries a second that makes), and the drain while 1,000
/// deliveries to a dead receiver are pending against the drain without webhooks, in turn,
/// `--webhook-rounds` times each, the best of each compared (a moment when the shared machine
/// was busy elsewhere counts against neither).
enum WebhookDelivery {
    static let scenario = "webhooks"
    static let pendingToDeadReceiver = 1_000

    static func run(on cluster: BenchCluster, options: BenchCommand) async throws -> [Figure] {
        let tasks = options.defaultsTasks
        let database = cluster.database
        var plainRates: [Double] = []
        var deadReceiverRates: [Double] = []
        var stillPending = 0
        for _ in 1...options.webhookRounds {
            try await clear(database)
            plainRates.append(Double(tasks) / (try await Drain.time(tasks: tasks, on: cluster)))
            try await addDeadReceiverBacklog(database)
            deadReceiverRates.append(Double(tasks) / (try await Drain.time(tasks: tasks, on: cluster)))
            stillPending = try await database.query("SELECT count(*) FROM webhook_deliveries WHERE state = 'pending'").first?.int(0) ?? 0
        }
        try await clear(database)
        let (delivering, deliveryRate) = try await deliverEveryCompletion(tasks: tasks, on: cluster)
        try await clear(database)
        let (plain, withDeadReceiver) = (plainRates.max() ?? .nan, deadReceiverRates.max() ?? .nan)
        return [
            Figure(scenario, "tasks per drain", tasks),
            Figure(scenario, "drain rate, no webhooks, best of \(options.webhookRounds)", plain, "tasks/s"),
            Figure(
                scenario, "drain rate, \(pendingToDeadReceiver) deliveries pending to a dead receiver, best of \(options.webhookRounds)",
                withDeadReceiver, "tasks/s"),
            Figure(scenario, "with dead-receiver deliveries ÷ no webhooks", withDeadReceiver / plain, target: .atLeast(0.9)),
            Figure(scenario, "dead-receiver deliveries still pending after the drain", stillPending, target: .equal(Double(pendingToDeadReceiver))),
            Figure(scenario, "drain rate, a webhook on every completion", delivering, "tasks/s"),
            Figure(scenario, "webhook deliveries to a local receiver", deliveryRate, "deliveries/s"),
        ]
    }

    /// A webhook on every completion, to a receiver that answers at once: the drain rate, and
    /// the deliveries a second from the first event to the last delivery.
    private static func deliverEveryCompletion(tasks: Int, on cluster: BenchCluster) async throws -> (drain: Double, deliveries: Double) {
        let database = cluster.database
        let receiver = try await WebhookReceiver.start()
        try await database.query(
            """
            INSERT INTO webhooks (webhook_id, url, events, secret)
            VALUES (gen_random_uuid(), $1, ARRAY['task.completed'], 'bench-secret-0123456789')
            """, ["http://127.0.0.1:\(receiver.port)/hook"])
        let drain = Double(tasks) / (try await Drain.time(tasks: tasks, on: cluster))
        try await eventually("every delivery made", timeout: .seconds(600)) { receiver.count >= tasks ? true : nil }
        await receiver.stop()
        let seconds = try require(
            try await database.query(
                """
                SELECT extract(epoch from max(d.delivered_at) - min(e.occurred_at))
                FROM webhook_deliveries d JOIN webhook_events e USING (event_id)
                """
            ).first
        ).double(0) ?? .nan
        return (drain, Double(tasks) / seconds)
    }

    /// A webhook whose receiver refuses connections, with deliveries of other tasks' events
    /// pending: they fail and wait to be retried while the drain runs.
    private static func addDeadReceiverBacklog(_ database: PostgresClient) async throws {
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
    }

    private static func clear(_ database: PostgresClient) async throws {
        try await database.query("TRUNCATE webhooks, webhook_events, webhook_deliveries")
    }
}
