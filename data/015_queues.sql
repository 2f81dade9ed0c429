-- Queues, priorities and limits. Every task is in a named queue (default 'default'), has a
-- priority from -100 to 100 (higher starts first among the due tasks of a queue) and may name a
-- concurrency key. A queue's settings live in `queues`; a queue without a row there has none.
-- Idempotent.
ALTER TABLE tasks ADD COLUMN IF NOT EXISTS queue text NOT NULL DEFAULT 'default';
ALTER TABLE tasks ADD COLUMN IF NOT EXISTS priority smallint NOT NULL DEFAULT 0 CHECK (priority BETWEEN -100 AND 100);
ALTER TABLE tasks ADD COLUMN IF NOT EXISTS concurrency_key text;
-- Whether the task's last claim was made under its queue's limits. It counts against them while
-- it is in flight, and after it went back to the queue until its hand-off's deadline has passed
-- (until then the worker it was sent to may still start it).
ALTER TABLE tasks ADD COLUMN IF NOT EXISTS limited boolean NOT NULL DEFAULT false;

ALTER TABLE schedules ADD COLUMN IF NOT EXISTS queue text NOT NULL DEFAULT 'default';
ALTER TABLE schedules ADD COLUMN IF NOT EXISTS priority smallint NOT NULL DEFAULT 0 CHECK (priority BETWEEN -100 AND 100);
ALTER TABLE schedules ADD COLUMN IF NOT EXISTS concurrency_key text;

-- The waiting tasks by queue and priority level, each level in due order: a claim walks the
-- levels (a handful of index descents) and reads each level's due tasks as one range, so neither
-- tasks due later nor queues no worker serves are ever read. It replaces the due-order index.
CREATE INDEX IF NOT EXISTS tasks_waiting_idx ON tasks (queue, priority, due_at) WHERE status = 'scheduled';
DROP INDEX IF EXISTS tasks_due_at_idx;
-- The waiting keyed tasks by queue and key: a queue with a per-key limit is claimed key by key,
-- so tasks whose key is at its limit are never read, however many there are.
CREATE INDEX IF NOT EXISTS tasks_waiting_key_idx ON tasks (queue, concurrency_key, priority DESC, due_at)
    WHERE status = 'scheduled' AND concurrency_key IS NOT NULL;
-- The tasks that may count against limits, by queue and key. Tasks of queues without limits are
-- not in it, so their claims do not pay for it.
CREATE INDEX IF NOT EXISTS tasks_limited_idx ON tasks (queue, concurrency_key)
    WHERE limited AND status IN ('scheduled', 'dispatched', 'running');

CREATE TABLE IF NOT EXISTS queues (
    name                  text        PRIMARY KEY,
    concurrency_limit     integer     CHECK (concurrency_limit >= 1),
    key_concurrency_limit integer     CHECK (key_concurrency_limit >= 1),
    rate_limit            integer     CHECK (rate_limit >= 1),
    rate_period_seconds   integer     CHECK (rate_period_seconds >= 1),
    paused                boolean     NOT NULL DEFAULT false,
    updated_at            timestamptz NOT NULL DEFAULT now(),
    -- Claims from a restricted queue lock its row and count what it holds; the others do not.
    restricted            boolean     GENERATED ALWAYS AS (
        paused OR concurrency_limit IS NOT NULL OR key_concurrency_limit IS NOT NULL OR rate_limit IS NOT NULL) STORED,
    -- When a claim last walked the queue's concurrency keys one by one (see the claim).
    keys_walked_at        timestamptz,
    CHECK ((rate_limit IS NULL) = (rate_period_seconds IS NULL))
);

-- One row per claim from a rate-limited queue. A claim holds its place in the queue's rate from
-- the claim until rate_period_seconds after the start of the run it led to; see the claim.
CREATE TABLE IF NOT EXISTS queue_rate_claims (
    queue      text        NOT NULL,
    task_id    uuid        NOT NULL,
    handoff    uuid        NOT NULL,
    claimed_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX IF NOT EXISTS queue_rate_claims_queue_idx ON queue_rate_claims (queue, claimed_at);

-- The queues a worker takes tasks from, names joined by commas (a name has none); NULL: every queue.
ALTER TABLE workers ADD COLUMN IF NOT EXISTS queues text;
