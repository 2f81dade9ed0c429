-- A retry no longer moves scheduled_at, the time the client asked for: the time its next attempt
-- may start is next_attempt_at (NULL: scheduled_at). A task is due at due_at, a column PostgreSQL
-- computes from the two, and the due index follows it: a plain column keeps statistics of its
-- own, so the claim is planned the same way as over scheduled_at before. A cancelled task
-- records when it was cancelled. Idempotent.
ALTER TABLE tasks ADD COLUMN IF NOT EXISTS next_attempt_at timestamptz;
ALTER TABLE tasks ADD COLUMN IF NOT EXISTS cancelled_at timestamptz;
ALTER TABLE tasks ADD COLUMN IF NOT EXISTS due_at timestamptz
    GENERATED ALWAYS AS (coalesce(next_attempt_at, scheduled_at)) STORED;

CREATE INDEX IF NOT EXISTS tasks_due_at_idx ON tasks (due_at) WHERE status = 'scheduled';
DROP INDEX IF EXISTS tasks_due_idx;
