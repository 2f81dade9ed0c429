/// What the API accepts for a webhook.
package enum WebhookRules {
    /// The events a webhook may subscribe to.
    package static let eventTypes = [
        "task.started", "task.completed", "task.failed", "task.retrying", "task.cancelled", "schedule.missed",
    ]
    /// In characters (Unicode scalars).
    package static let secretLengthRange = 16...256
    package static let maxURLLength = 2048
}

/// A webhook as the API shows it: never its secret.
package struct WebhookResponse: Codable, Sendable {
    package var webhookID: String
    package var url: String
    package var events: [String]
    /// Only events of this queue's tasks; absent: every queue.
    package var queue: String?
    package var createdAt: String
    package var createdBy: String?

    enum CodingKeys: String, CodingKey {
        case webhookID = "webhook_id"
        case url, events, queue
        case createdAt = "created_at"
        case createdBy = "created_by"
    }

    package init(webhookID: String, url: String, events: [String], queue: String?, createdAt: String, createdBy: String?) {
        self.webhookID = webhookID
        self.url = url
        self.events = events
        self.queue = queue
        self.createdAt = createdAt
        self.createdBy = createdBy
    }
}

/// The body of `GET /webhooks`.
package struct WebhookListResponse: Codable, Sendable {
    package var webhooks: [WebhookResponse]

    package init(webhooks: [WebhookResponse]) {
        self.webhooks = webhooks
    }
}

/// One delivery of an event to a webhook, as `GET /webhooks/{id}/deliveries` shows it.
package struct WebhookDeliveryResponse: Codable, Sendable {
    package var eventID: String
    package var type: String
    package var occurredAt: String
    /// `pending`, `delivered` or `dead` (given up after 24 hours, or refused for good).
    package var state: String
    package var attempts: Int
    /// The receiver's last HTTP status; absent when it never answered.
    package var lastStatus: Int?
    package var lastError: String?
    /// While pending: when the next attempt is due.
    package var nextAttemptAt: String?
    package var deliveredAt: String?

    enum CodingKeys: String, CodingKey {
        case eventID = "event_id"
        case type
        case occurredAt = "occurred_at"
        case state, attempts
        case lastStatus = "last_status"
        case lastError = "last_error"
        case nextAttemptAt = "next_attempt_at"
        case deliveredAt = "delivered_at"
    }

    package init(
        eventID: String, type: String, occurredAt: String, state: String, attempts: Int, lastStatus: Int?, lastError: String?,
        nextAttemptAt: String?, deliveredAt: String?
    ) {
        self.eventID = eventID
        self.type = type
        self.occurredAt = occurredAt
        self.state = state
        self.attempts = attempts
        self.lastStatus = lastStatus
        self.lastError = lastError
        self.nextAttemptAt = nextAttemptAt
        self.deliveredAt = deliveredAt
    }
}

/// The body of `GET /webhooks/{id}/deliveries`: the newest first.
package struct WebhookDeliveryListResponse: Codable, Sendable {
    package var deliveries: [WebhookDeliveryResponse]

    package init(deliveries: [WebhookDeliveryResponse]) {
        self.deliveries = deliveries
    }
}

/// What a webhook receives: `POST` of this body, the same `event_id` at every attempt.
package struct WebhookEventBody: Codable, Sendable {
    /// The schedule a `schedule.missed` event is about, and the fire time that ran nothing.
    package struct Schedule: Codable, Sendable {
        package var scheduleID: String
        package var nominalTime: String

        enum CodingKeys: String, CodingKey {
            case scheduleID = "schedule_id"
            case nominalTime = "nominal_time"
        }

        package init(scheduleID: String, nominalTime: String) {
            self.scheduleID = scheduleID
            self.nominalTime = nominalTime
        }
    }

    package var eventID: String
    package var type: String
    package var occurredAt: String
    /// The task as the change that made the event left it (`GET /status`'s body).
    package var task: TaskStatusResponse?
    package var schedule: Schedule?

    enum CodingKeys: String, CodingKey {
        case eventID = "event_id"
        case type
        case occurredAt = "occurred_at"
        case task, schedule
    }

    package init(eventID: String, type: String, occurredAt: String, task: TaskStatusResponse?, schedule: Schedule?) {
        self.eventID = eventID
        self.type = type
        self.occurredAt = occurredAt
        self.task = task
        self.schedule = schedule
    }
}
