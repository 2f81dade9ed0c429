-- GET /tasks reads its pages through tasks_status_created_idx alone (without a status filter, one
-- page of each status, merged), so the (created_at, id) index is dropped: every index on tasks
-- costs each status change of a task a new entry. Idempotent.
DROP INDEX IF EXISTS tasks_created_idx;
