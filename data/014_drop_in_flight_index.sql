-- Every index of tasks gets an entry at each status change (an update that changes an indexed
-- column is never HOT), so tasks keep only the indexes that pay for that. The in-flight index over
-- (worker_id, lease_expires_at) did not: the claim and report statements find rows through the
-- primary key, and the few statements that look for in-flight tasks by worker or lease read the
-- in-flight states of the (status, created_at, id) index, a few rows per worker slot. Idempotent.
DROP INDEX IF EXISTS tasks_in_flight_idx;
