package import struct Foundation.UUID
import struct Foundation.Data
import class Foundation.JSONDecoder
package import Core
package import Postgres

/// Stores webhooks and reads them and their deliveries back: the API's side of the webhook tables.
package struct WebhookStore: Sendable {
    package let client: PostgresClient

    package init(client: PostgresClient) {
        self.client = client
    }

    /// Stores a webhook; it receives the events that happen from its commit on.
    package func create(url: String, events: [String], secret: String, queue: String?, createdBy: String?) async throws
        -> WebhookRecord
    {
        let row = try await client.query(
            """
            INSERT INTO webhooks (webhook_id, url, events, secret, queue, created_by)
            VALUES ($1, $2, $3::text[], $4, $5, $6)
            RETURNING \(Self.columns)
            """, [UUID(), url, PostgresArray(events), secret, queue, createdBy]
        ).first
        guard let row else { throw TaskStoreError(code: .missingRow, message: "INSERT INTO webhooks returned no row") }
        return try Self.record(row)
    }

    package func list() async throws -> [WebhookRecord] {
        try await client.query("SELECT \(Self.columns) FROM webhooks ORDER BY created_at, webhook_id").map(Self.record)
    }

    package func find(id: UUID) async throws -> WebhookRecord? {
        try await client.query("SELECT \(Self.columns) FROM webhooks WHERE webhook_id = $1", [id]).first.map(Self.record)
    }

    /// Deletes a webhook with its deliveries, pending ones included. False when there was none.
    package func delete(id: UUID) async throws -> Bool {
        try await client.query("DELETE FROM webhooks WHERE webhook_id = $1 RETURNING 1", [id]).count == 1
    }

    /// The webhook's latest `limit` deliveries, newest first.
    package func deliveries(of id: UUID, limit: Int) async throws -> [WebhookDeliveryRecord] {
        try await client.query(
            """
            SELECT d.event_id, e.type, \(SQLTimestamp.microseconds(of: "e.occurred_at")), d.state, d.attempts, d.last_status,
                d.last_error, \(SQLTimestamp.microseconds(of: "d.next_attempt_at")), \(SQLTimestamp.microseconds(of: "d.delivered_at"))
            FROM webhook_deliveries d JOIN webhook_events e USING (event_id)
            WHERE d.webhook_id = $1
            ORDER BY d.created_at DESC, e.occurred_at DESC LIMIT $2
            """, [id, limit]
        ).map { row in
            guard let eventID = try row.uuid(0), let type = row.string(1), let occurred = try row.int64(2),
                let state = row.string(3).flatMap(WebhookDeliveryRecord.State.init(rawValue:)), let attempts = try row.int(4)
            else {
                throw TaskStoreError(code: .invalidColumn, message: "webhook delivery row has a NULL or unknown column")
            }
            return WebhookDeliveryRecord(
                eventID: eventID, type: type, occurredAt: Timestamp(microsecondsSinceEpoch: occurred), state: state,
                attempts: attempts, lastStatus: try row.int(5), lastError: row.string(6),
                nextAttemptAt: state == .pending ? try row.int64(7).map(Timestamp.init(microsecondsSinceEpoch:)) : nil,
                deliveredAt: try row.int64(8).map(Timestamp.init(microsecondsSinceEpoch:)))
        }
    }

    private static let columns = """
        webhook_id, url, array_to_json(events)::text, secret, queue, \(SQLTimestamp.microseconds(of: "created_at")), created_by
        """

    private static func record(_ row: PostgresRow) throws -> WebhookRecord {
        guard let id = try row.uuid(0), let url = row.string(1), let eventsJSON = row.string(2), let secret = row.string(3),
            let created = try row.int64(5)
        else {
            throw TaskStoreError(code: .invalidColumn, message: "webhooks row has a NULL column")
        }
        return WebhookRecord(
            id: id, url: url, events: try JSONDecoder().decode([String].self, from: Data(eventsJSON.utf8)), secret: secret,
            queue: row.string(4), createdAt: Timestamp(microsecondsSinceEpoch: created), createdBy: row.string(6))
    }
}
