-- Tasks and their lifecycle. Idempotent: run by the services at start (under an advisory
-- lock) and by the PostgreSQL container's init scripts.
CREATE TABLE IF NOT EXISTS tasks (
    id               uuid        PRIMARY KEY DEFAULT gen_random_uuid(),
    command          text        NOT NULL,
    scheduled_at     timestamptz NOT NULL,
    picked_at        timestamptz,
    started_at       timestamptz,
    completed_at     timestamptz,
    failed_at        timestamptz,
    status           text        NOT NULL DEFAULT 'scheduled'
                     CHECK (status IN ('scheduled', 'dispatched', 'running', 'completed', 'failed', 'cancelled')),
    attempts         integer     NOT NULL DEFAULT 0,
    max_attempts     integer     NOT NULL DEFAULT 1 CHECK (max_attempts >= 1),
    timeout_seconds  integer     CHECK (timeout_seconds > 0),
    worker_id        bigint,
    lease_expires_at timestamptz,
    last_error       text,
    exit_code        integer,
    output           text,
    created_at       timestamptz NOT NULL DEFAULT now(),
    updated_at       timestamptz NOT NULL DEFAULT now()
);

-- Due, not yet dispatched tasks: the claim query reads only this index.
CREATE INDEX IF NOT EXISTS tasks_due_idx ON tasks (scheduled_at) WHERE status = 'scheduled';

-- Tasks held by workers, for lease expiry and worker loss.
CREATE INDEX IF NOT EXISTS tasks_in_flight_idx ON tasks (worker_id, lease_expires_at)
    WHERE status IN ('dispatched', 'running');
