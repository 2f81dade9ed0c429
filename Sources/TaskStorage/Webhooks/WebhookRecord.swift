package import struct Foundation.UUID
package import Core

/// One row of the `webhooks` table.
package struct WebhookRecord: Sendable, Hashable {
    package var id: UUID
    package var url: String
    package var events: [String]
    package var secret: String
    package var queue: String?
    package var createdAt: Timestamp
    package var createdBy: String?

    package init(
        id: UUID, url: String, events: [String], secret: String, queue: String?, createdAt: Timestamp, createdBy: String?
    ) {
        self.id = id
        self.url = url
        self.events = events
        self.secret = secret
        self.queue = queue
        self.createdAt = createdAt
        self.createdBy = createdBy
    }
}

/// One row of `webhook_deliveries` with its event.
package struct WebhookDeliveryRecord: Sendable, Hashable {
    package enum State: String, Sendable, Hashable {
        case pending, delivered, dead
    }

    package var eventID: UUID
    package var type: String
    package var occurredAt: Timestamp
    package var state: State
    package var attempts: Int
    package var lastStatus: Int?
    package var lastError: String?
    package var nextAttemptAt: Timestamp?
    package var deliveredAt: Timestamp?
}
