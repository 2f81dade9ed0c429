-- Recurring schedules. Every fire of a schedule is one task, whatever the number of coordinators:
-- the fire (schedule_id, nominal_time) is unique among tasks, and a coordinator decides a
-- schedule's fires only while it holds the schedule's row locked, moving next_fire_at past them
-- in the same transaction. Idempotent.
CREATE TABLE IF NOT EXISTS schedules (
    schedule_id            uuid        PRIMARY KEY,
    name                   text        UNIQUE,
    cron                   text        NOT NULL,
    timezone               text        NOT NULL,
    command                text        NOT NULL,
    max_attempts           integer     NOT NULL CHECK (max_attempts >= 1),
    timeout_seconds        integer     CHECK (timeout_seconds > 0),
    overlap                text        NOT NULL
                           CHECK (overlap IN ('skip', 'buffer_one', 'allow', 'cancel_previous')),
    catchup_window_seconds integer     NOT NULL CHECK (catchup_window_seconds >= 1),
    jitter_seconds         integer     NOT NULL CHECK (jitter_seconds >= 0),
    start_at               timestamptz,
    end_at                 timestamptz,
    paused                 boolean     NOT NULL,
    created_at             timestamptz NOT NULL,
    updated_at             timestamptz NOT NULL DEFAULT now(),
    -- The earliest fire not decided yet; NULL when no fire remains.
    next_fire_at           timestamptz,
    -- With overlap buffer_one: the fire waiting for the schedule's unfinished task to end.
    buffered_fire_at       timestamptz,
    last_fire_at           timestamptz,
    fired                  bigint      NOT NULL DEFAULT 0,
    skipped                bigint      NOT NULL DEFAULT 0,
    missed                 bigint      NOT NULL DEFAULT 0
);

-- The schedules whose next fire is due: what the coordinators' materialisers read.
CREATE INDEX IF NOT EXISTS schedules_due_idx ON schedules (next_fire_at)
    WHERE NOT paused AND next_fire_at IS NOT NULL;
-- The schedules whose buffered fire may start once their task ends.
CREATE INDEX IF NOT EXISTS schedules_buffered_idx ON schedules (buffered_fire_at)
    WHERE buffered_fire_at IS NOT NULL;
-- GET /schedules pages newest first by (created_at, schedule_id).
CREATE INDEX IF NOT EXISTS schedules_created_idx ON schedules (created_at, schedule_id);

-- The schedule a task was made by and the fire time it stands for (before jitter). Tasks keep
-- them when their schedule is deleted.
ALTER TABLE tasks ADD COLUMN IF NOT EXISTS schedule_id uuid;
ALTER TABLE tasks ADD COLUMN IF NOT EXISTS nominal_time timestamptz;
-- A fire's task that has not started by then (no free worker slot) runs nothing: it is cancelled
-- as missed. NULL for tasks made by trigger or backfill, which have no catch-up window.
ALTER TABLE tasks ADD COLUMN IF NOT EXISTS start_by timestamptz;
CREATE INDEX IF NOT EXISTS tasks_start_by_idx ON tasks (start_by)
    WHERE status = 'scheduled' AND start_by IS NOT NULL;
CREATE UNIQUE INDEX IF NOT EXISTS tasks_schedule_fire_idx ON tasks (schedule_id, nominal_time)
    WHERE schedule_id IS NOT NULL;
-- GET /tasks?schedule_id= pages newest first by (created_at, id).
CREATE INDEX IF NOT EXISTS tasks_schedule_created_idx ON tasks (schedule_id, created_at, id)
    WHERE schedule_id IS NOT NULL;
-- A schedule's tasks that have not finished: what its overlap policy looks at.
CREATE INDEX IF NOT EXISTS tasks_schedule_unfinished_idx ON tasks (schedule_id)
    WHERE schedule_id IS NOT NULL AND status IN ('scheduled', 'dispatched', 'running');
