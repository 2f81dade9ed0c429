/// The SQL that writes webhook events in the statement that makes the change they tell of.
///
/// A statement that changes tasks adds `record(from:)` to its common table expressions, with a
/// source of one row per event: `event_type` (NULL: none), `occurred_at`, `queue`, `task_id`,
/// `task` (the changed row of `tasks` as a whole, or `NULL::tasks`), `schedule_id` and
/// `nominal_time`. An event is written only when a webhook subscribes to its type (and queue),
/// with one pending delivery for each such webhook; only then is the task's snapshot built (the
/// columns `TaskRecord.init(row:)` reads, as a JSON array of their text). Without webhooks,
/// nothing of it runs: one look at the empty `webhooks` table per statement.
enum WebhookEventSQL {
    /// The event types, as webhooks name them.
    enum EventType: String, CaseIterable, Sendable {
        case taskStarted = "task.started"
        case taskCompleted = "task.completed"
        case taskFailed = "task.failed"
        case taskRetrying = "task.retrying"
        case taskCancelled = "task.cancelled"
        case scheduleMissed = "schedule.missed"
    }

    /// Two common table expressions (no trailing comma) that record the events of `source`.
    static func record(from source: String) -> String {
        let subscribed = "e.type = ANY(w.events) AND (w.queue IS NULL OR w.queue = e.queue)"
        return """
            webhook_events_made AS (
                INSERT INTO webhook_events (event_id, type, occurred_at, queue, task_id, task, schedule_id, nominal_time)
                SELECT gen_random_uuid(), e.type, e.occurred_at, e.queue, e.task_id,
                    CASE WHEN (e.task).id IS NOT NULL THEN to_jsonb(ARRAY[\(TaskRecord.textColumns(of: "(e.task)"))]) END,
                    e.schedule_id, e.nominal_time
                FROM (SELECT event_type AS type, occurred_at, queue, task_id, task, schedule_id, nominal_time
                      FROM \(source) WHERE event_type IS NOT NULL) AS e
                WHERE (SELECT EXISTS (SELECT FROM webhooks)) AND EXISTS (SELECT FROM webhooks w WHERE \(subscribed))
                RETURNING event_id, type, queue),
            webhook_deliveries_made AS (
                INSERT INTO webhook_deliveries (webhook_id, event_id)
                SELECT w.webhook_id, e.event_id FROM webhook_events_made e JOIN webhooks w ON \(subscribed))
            """
    }

    /// A `RETURNING` list that makes the changed rows of `table` the source of one event each,
    /// of type `type`, that happened at the SQL time `occurred`.
    static func taskEventColumns(_ type: EventType, at occurred: String, table: String) -> String {
        taskEventColumns("'\(type.rawValue)'", at: occurred, table: table)
    }

    /// As `taskEventColumns(_:at:table:)`, the type given by the SQL expression `typeSQL`.
    static func taskEventColumns(_ typeSQL: String, at occurred: String, table: String) -> String {
        """
        \(typeSQL) AS event_type, \(occurred) AS occurred_at, \(table).queue AS queue, \(table).id AS task_id,
            \(table) AS task, \(table).schedule_id AS schedule_id, \(table).nominal_time AS nominal_time
        """
    }
}
