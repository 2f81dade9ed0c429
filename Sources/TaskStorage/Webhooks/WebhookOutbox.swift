package import struct Foundation.UUID
package import Core
package import Postgres

/// A delivery a coordinator took to make: where it goes, the event, and what the event is about.
package struct PendingDelivery: Sendable, Hashable {
    package var webhookID: UUID
    package var eventID: UUID
    package var url: String
    package var secret: String
    package var type: String
    package var occurredAt: Timestamp
    /// The task as the change that made the event left it; nil for an event about a schedule only.
    package var task: TaskRecord?
    package var scheduleID: UUID?
    package var nominalTime: Timestamp?
    /// This attempt's number, from 1.
    package var attempt: Int
}

/// How one attempt of a delivery went.
package enum DeliveryOutcome: Sendable, Hashable {
    /// The receiver answered 2xx.
    case delivered(status: Int)
    /// Worth another attempt: any other status, no answer in time, no connection.
    case failed(status: Int?, error: String)
    /// Never worth another attempt: the address is one the cluster may not call.
    case refused(error: String)
}

/// The deliverers' side of the webhook tables: taking due deliveries under a lease, so that any
/// coordinator delivers each and a dead one's are taken over, and recording how they went.
package struct WebhookOutbox: Sendable {
    package let client: PostgresClient

    package init(client: PostgresClient) {
        self.client = client
    }

    /// Takes up to `limit` due deliveries, oldest due first, no more than `perWebhook` in the
    /// hands of deliverers at once for one webhook (those already taken count), each held for
    /// `lease`: one slow or dead receiver keeps the others waiting for nothing. The deliveries of
    /// the webhooks `skipping` are left where they are.
    package func takeDue(limit: Int, perWebhook: Int, lease: Duration, skipping: [UUID] = []) async throws -> [PendingDelivery] {
        try await client.query(Self.takeSQL, [limit, perWebhook, lease.microseconds, PostgresArray(skipping)]).map { row in
            guard let webhookID = try row.uuid(0), let eventID = try row.uuid(1), let attempt = try row.int(2),
                let url = row.string(3), let secret = row.string(4), let type = row.string(5), let occurred = try row.int64(6)
            else {
                throw TaskStoreError(code: .invalidColumn, message: "webhook delivery row has a NULL column")
            }
            return PendingDelivery(
                webhookID: webhookID, eventID: eventID, url: url, secret: secret, type: type,
                occurredAt: Timestamp(microsecondsSinceEpoch: occurred), task: try row.string(7).map(TaskRecord.init(snapshot:)),
                scheduleID: try row.uuid(8), nominalTime: try row.int64(9).map(Timestamp.init(microsecondsSinceEpoch:)),
                attempt: attempt)
        }
    }

    /// Records the outcomes of attempts, in one statement. A failed delivery is due again after
    /// a backoff that doubles with each attempt (from 1 s, at most an hour, ±25 %); once that
    /// would fall more than `retryFor` after its event, or when it was refused, it is dead.
    package func record(_ outcomes: [(delivery: PendingDelivery, outcome: DeliveryOutcome)], retryFor: Duration) async throws {
        guard !outcomes.isEmpty else { return }
        try await client.query(
            """
            UPDATE webhook_deliveries d SET lease_expires_at = NULL, last_status = o.status, last_error = o.error,
                state = CASE WHEN o.delivered THEN 'delivered'
                    WHEN o.refused OR now() + \(Self.backoff(jitter: "0.75")) > e.occurred_at + $7 * interval '1 microsecond'
                        THEN 'dead'
                    ELSE 'pending' END,
                delivered_at = CASE WHEN o.delivered THEN now() END,
                next_attempt_at = CASE WHEN o.delivered OR o.refused THEN d.next_attempt_at
                    ELSE now() + \(Self.backoff(jitter: "(0.75 + random() / 2)")) END
            FROM unnest($1::uuid[], $2::uuid[], $3::bool[], $4::bool[], $5::int4[], $6::text[])
                    AS o(webhook_id, event_id, delivered, refused, status, error),
                webhook_events e
            WHERE d.webhook_id = o.webhook_id AND d.event_id = o.event_id AND e.event_id = o.event_id AND d.state = 'pending'
            """,
            [
                PostgresArray(outcomes.map(\.delivery.webhookID)), PostgresArray(outcomes.map(\.delivery.eventID)),
                PostgresArray(outcomes.map { $0.outcome.isDelivered }), PostgresArray(outcomes.map { $0.outcome.isRefused }),
                PostgresArray(outcomes.map(\.outcome.status)), PostgresArray(outcomes.map(\.outcome.error)),
                retryFor.microseconds,
            ])
    }

    /// Deliveries waiting to be made or retried.
    package func pendingCount() async throws -> Int {
        try await client.query("SELECT count(*) FROM webhook_deliveries WHERE state = 'pending'").first?.int(0) ?? 0
    }

    /// Deletes up to `limit` deliveries made or given up on more than `retention` ago, and up
    /// to `limit` events older than that which no delivery needs any more; returns how many rows.
    package func deleteSettled(olderThan retention: Duration, limit: Int) async throws -> Int {
        let deliveries = try await client.query(
            """
            DELETE FROM webhook_deliveries WHERE (webhook_id, event_id) IN (
                SELECT webhook_id, event_id FROM webhook_deliveries
                WHERE state <> 'pending' AND created_at < now() - $1 * interval '1 microsecond' LIMIT $2)
            """, [retention.microseconds, limit]
        ).affectedRows
        let events = try await client.query(
            """
            DELETE FROM webhook_events WHERE event_id IN (
                SELECT e.event_id FROM webhook_events e
                WHERE e.occurred_at < now() - $1 * interval '1 microsecond'
                    AND NOT EXISTS (SELECT FROM webhook_deliveries d WHERE d.event_id = e.event_id)
                LIMIT $2)
            """, [retention.microseconds, limit]
        ).affectedRows
        return deliveries + events
    }

    /// The wait after attempt `d.attempts`: 1 s doubled each attempt, at most an hour, times `jitter`.
    private static func backoff(jitter: String) -> String {
        "interval '1 second' * least(3600, power(2, least(d.attempts, 13) - 1)) * \(jitter)"
    }

    /// Deliveries due now and not held, per webhook no more than its free places (each webhook's
    /// read through its own index range, so a large backlog costs a take nothing more), oldest
    /// due first; locked with SKIP LOCKED so that coordinators share them; then leased. `$1`
    /// limit, `$2` per webhook, `$3` lease, `$4` the webhooks to skip.
    private static let takeSQL = """
        WITH room AS (
            SELECT w.webhook_id, greatest($2 - (
                SELECT count(*) FROM webhook_deliveries h
                WHERE h.webhook_id = w.webhook_id AND h.state = 'pending' AND h.lease_expires_at IS NOT NULL
                    AND h.lease_expires_at > now()), 0) AS places
            FROM webhooks w WHERE w.webhook_id <> ALL($4::uuid[])),
        due AS (
            SELECT d.webhook_id, d.event_id FROM webhook_deliveries d
            WHERE (d.webhook_id, d.event_id) IN (
                SELECT next.webhook_id, next.event_id FROM room CROSS JOIN LATERAL (
                    SELECT d.webhook_id, d.event_id, d.next_attempt_at FROM webhook_deliveries d
                    WHERE d.webhook_id = room.webhook_id AND d.state = 'pending' AND d.next_attempt_at <= now()
                        AND (d.lease_expires_at IS NULL OR d.lease_expires_at <= now())
                    ORDER BY d.next_attempt_at LIMIT room.places) AS next
                ORDER BY next.next_attempt_at LIMIT $1)
            FOR UPDATE SKIP LOCKED),
        leased AS (
            UPDATE webhook_deliveries d SET lease_expires_at = now() + $3 * interval '1 microsecond', attempts = d.attempts + 1
            FROM due WHERE d.webhook_id = due.webhook_id AND d.event_id = due.event_id
            RETURNING d.webhook_id, d.event_id, d.attempts)
        SELECT l.webhook_id, l.event_id, l.attempts, w.url, w.secret, e.type, \(SQLTimestamp.microseconds(of: "e.occurred_at")),
            e.task::text, e.schedule_id, \(SQLTimestamp.microseconds(of: "e.nominal_time"))
        FROM leased l JOIN webhooks w ON w.webhook_id = l.webhook_id JOIN webhook_events e ON e.event_id = l.event_id
        """
}

extension DeliveryOutcome {
    fileprivate var isDelivered: Bool {
        if case .delivered = self { true } else { false }
    }

    fileprivate var isRefused: Bool {
        if case .refused = self { true } else { false }
    }

    fileprivate var status: Int? {
        switch self {
        case .delivered(let status): status
        case .failed(let status, _): status
        case .refused: nil
        }
    }

    fileprivate var error: String? {
        switch self {
        case .delivered: nil
        case .failed(_, let error), .refused(let error): error
        }
    }
}
