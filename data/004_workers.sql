-- Live workers as their coordinator sees them, read by the scheduler's GET /workers. The
-- coordinator writes its registry about once a second and deletes the workers it removes;
-- readers skip rows whose heartbeat is stale (left by a coordinator that crashed). Idempotent.
CREATE TABLE IF NOT EXISTS workers (
    worker_id      bigint      PRIMARY KEY,
    address        text        NOT NULL,
    capacity       integer     NOT NULL,
    in_flight      integer     NOT NULL,
    last_heartbeat timestamptz NOT NULL,
    updated_at     timestamptz NOT NULL DEFAULT now()
);
