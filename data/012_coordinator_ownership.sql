-- Which coordinator answers for each in-flight task and each live worker. The coordinator that
-- claims a task records itself; the coordinator a worker moves to takes the worker's tasks over
-- with its first heartbeat. A coordinator takes back only the tasks it answers for when their
-- worker falls silent; the tasks of a coordinator whose row went stale are taken back by another
-- one, in the transaction that deletes that row. A coordinator that stops cleanly marks its row
-- stopped (no longer listed) instead of deleting it, so that its tasks go the same way. Idempotent.
ALTER TABLE tasks ADD COLUMN IF NOT EXISTS coordinator_id uuid;
ALTER TABLE workers ADD COLUMN IF NOT EXISTS coordinator_id uuid;
ALTER TABLE coordinators ADD COLUMN IF NOT EXISTS stopped_at timestamptz;
