-- Every hand-off of a task to a worker gets a token of its own, which the worker's reports carry
-- back: a report about a hand-off the coordinator gave up on (the task went to another worker, or
-- to the same one again) matches no row and changes nothing. NULL while the task waits. Idempotent.
ALTER TABLE tasks ADD COLUMN IF NOT EXISTS handoff uuid;
