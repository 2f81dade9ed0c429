package import Core
package import TracePropagation

/// What a client asks to run, before it is stored.
package struct NewTask: Sendable, Hashable {
    package var command: String
    package var scheduledAt: Timestamp
    /// How many times the task may run before it is terminally failed (at least 1).
    package var maxAttempts: Int
    /// Longest run of one attempt; `nil` lets the worker decide.
    package var timeoutSeconds: Int?
    /// The client's key for retrying the request safely: while a task with this key exists, asking
    /// for the same task again returns it instead of storing a second one.
    package var idempotencyKey: String?
    package var placement: QueuePlacement
    /// The name of the API token that asked for it.
    package var createdBy: String?
    /// The W3C trace context of the request; not part of what an idempotency key compares, since
    /// a retried request is a new span of the caller's.
    package var traceContext: TaskTraceContext?

    package init(
        command: String, scheduledAt: Timestamp, maxAttempts: Int = 1, timeoutSeconds: Int? = nil,
        idempotencyKey: String? = nil, placement: QueuePlacement = QueuePlacement(), createdBy: String? = nil,
        traceContext: TaskTraceContext? = nil
    ) {
        self.command = command
        self.scheduledAt = scheduledAt
        self.maxAttempts = maxAttempts
        self.timeoutSeconds = timeoutSeconds
        self.idempotencyKey = idempotencyKey
        self.placement = placement
        self.createdBy = createdBy
        self.traceContext = traceContext
    }

    /// The fields of `record` that differ from what this request asks for, by their API names;
    /// empty when `record` is this very task.
    package func differences(from record: TaskRecord) -> [String] {
        differences(
            from: NewTask(
                command: record.command, scheduledAt: record.scheduledAt, maxAttempts: record.maxAttempts,
                timeoutSeconds: record.timeoutSeconds, placement: record.placement))
    }

    /// The fields in which `other` asks for another task than this one, by their API names.
    package func differences(from other: NewTask) -> [String] {
        var fields: [String] = []
        if other.command != command { fields.append("command") }
        if other.scheduledAt != scheduledAt { fields.append("scheduled_at") }
        if other.maxAttempts != maxAttempts { fields.append("max_attempts") }
        if other.timeoutSeconds != timeoutSeconds { fields.append("timeout_seconds") }
        if other.placement.queue != placement.queue { fields.append("queue") }
        if other.placement.priority != placement.priority { fields.append("priority") }
        if other.placement.concurrencyKey != placement.concurrencyKey { fields.append("concurrency_key") }
        return fields
    }
}
