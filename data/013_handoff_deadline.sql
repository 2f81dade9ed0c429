-- The deadline of a task's last hand-off, by the database clock: until it passes, the worker the
-- task was sent to may still take it (a worker refuses a hand-off it reads later). A lease that
-- runs out, and a retry, make the task due no earlier. Kept when the task goes back in the queue.
-- Idempotent.
ALTER TABLE tasks ADD COLUMN IF NOT EXISTS handoff_deadline timestamptz;
