-- Webhooks: receivers of events about tasks and schedules, an outbox of the events, and one
-- delivery per event and receiver. An event is written by the statement that makes the change it
-- tells of, so it is never lost and never told of a change that did not commit; any coordinator
-- delivers it, at least once. Idempotent.
CREATE TABLE IF NOT EXISTS webhooks (
    webhook_id uuid        PRIMARY KEY,
    url        text        NOT NULL,
    -- task.started, task.completed, task.failed, task.retrying, task.cancelled, schedule.missed
    events     text[]      NOT NULL,
    -- The key of the HMAC-SHA256 signature of every delivery.
    secret     text        NOT NULL,
    -- Only events of tasks of this queue (NULL: every queue; schedule events carry their tasks' queue).
    queue      text,
    created_at timestamptz NOT NULL DEFAULT now(),
    created_by text
);

-- One row per event that a webhook subscribed to when it happened. `task` is the task as the
-- change left it: its row's columns as text, in the order the services read them.
CREATE TABLE IF NOT EXISTS webhook_events (
    event_id     uuid        PRIMARY KEY,
    type         text        NOT NULL,
    occurred_at  timestamptz NOT NULL,
    queue        text,
    task_id      uuid,
    task         jsonb,
    schedule_id  uuid,
    nominal_time timestamptz
);

CREATE TABLE IF NOT EXISTS webhook_deliveries (
    webhook_id       uuid        NOT NULL REFERENCES webhooks ON DELETE CASCADE,
    event_id         uuid        NOT NULL REFERENCES webhook_events ON DELETE CASCADE,
    state            text        NOT NULL DEFAULT 'pending' CHECK (state IN ('pending', 'delivered', 'dead')),
    attempts         integer     NOT NULL DEFAULT 0,
    next_attempt_at  timestamptz NOT NULL DEFAULT now(),
    -- A coordinator delivering it holds it until then; after that any coordinator may.
    lease_expires_at timestamptz,
    last_status      integer,
    last_error       text,
    delivered_at     timestamptz,
    created_at       timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (webhook_id, event_id)
);
-- Each webhook's deliveries to make, by when they are due, and those a deliverer holds: what
-- the coordinators' deliverers read, a webhook at a time, whatever the backlog.
CREATE INDEX IF NOT EXISTS webhook_deliveries_due_idx ON webhook_deliveries (webhook_id, next_attempt_at) WHERE state = 'pending';
CREATE INDEX IF NOT EXISTS webhook_deliveries_leased_idx ON webhook_deliveries (webhook_id)
    WHERE state = 'pending' AND lease_expires_at IS NOT NULL;
-- A webhook's deliveries, newest first (GET /webhooks/{id}/deliveries).
CREATE INDEX IF NOT EXISTS webhook_deliveries_listing_idx ON webhook_deliveries (webhook_id, created_at DESC);
CREATE INDEX IF NOT EXISTS webhook_deliveries_event_idx ON webhook_deliveries (event_id);
