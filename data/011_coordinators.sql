-- The coordinators sharing the database, each refreshing its row about once a second and
-- deleting it when it stops; readers skip rows whose heartbeat is stale (left by a coordinator
-- that crashed). Read by the scheduler's GET /coordinators. Idempotent.
CREATE TABLE IF NOT EXISTS coordinators (
    coordinator_id uuid        PRIMARY KEY,
    address        text        NOT NULL,
    workers        integer     NOT NULL,
    started_at     timestamptz NOT NULL DEFAULT now(),
    last_heartbeat timestamptz NOT NULL
);
