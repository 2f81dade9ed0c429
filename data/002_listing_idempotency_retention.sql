-- Listing, idempotent scheduling and retention. Idempotent: run by the services at start (under
-- an advisory lock) and by the PostgreSQL container's init scripts.

-- The client's key for POST /schedule: a retried request with the same key gets the first task
-- back. The unique index, not a read before the write, is what makes concurrent retries safe.
ALTER TABLE tasks ADD COLUMN IF NOT EXISTS idempotency_key text;
CREATE UNIQUE INDEX IF NOT EXISTS tasks_idempotency_key_idx ON tasks (idempotency_key)
    WHERE idempotency_key IS NOT NULL;

-- GET /tasks pages newest first by (created_at, id), with or without a status filter.
CREATE INDEX IF NOT EXISTS tasks_created_idx ON tasks (created_at, id);
CREATE INDEX IF NOT EXISTS tasks_status_created_idx ON tasks (status, created_at, id);

-- Retention deletes finished tasks by the time they finished (cancelled ones have no finish
-- column of their own: their last update is when they were cancelled).
CREATE INDEX IF NOT EXISTS tasks_finished_idx ON tasks ((coalesce(completed_at, failed_at, updated_at)))
    WHERE status IN ('completed', 'failed', 'cancelled');
