-- A retry no longer moves scheduled_at, the time the client asked for: the time its next attempt
-- may start is next_attempt_at (NULL: scheduled_at). Tasks are due by the later of the two, and
-- the due index follows. A cancelled task records when it was cancelled. Idempotent.
ALTER TABLE tasks ADD COLUMN IF NOT EXISTS next_attempt_at timestamptz;
ALTER TABLE tasks ADD COLUMN IF NOT EXISTS cancelled_at timestamptz;

CREATE INDEX IF NOT EXISTS tasks_due_at_idx ON tasks ((coalesce(next_attempt_at, scheduled_at)))
    WHERE status = 'scheduled';
DROP INDEX IF EXISTS tasks_due_idx;
