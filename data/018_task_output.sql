-- Task output: how many bytes a task printed in all and whether `output` leaves part of them out
-- (it keeps at most the worker's --max_output_bytes, head and tail); and the live output of
-- running tasks, chunk by chunk as workers send it, which the coordinator's sweeper deletes once
-- the task has ended (its final report carries the whole kept output). Idempotent.
ALTER TABLE tasks ADD COLUMN IF NOT EXISTS output_bytes bigint;
ALTER TABLE tasks ADD COLUMN IF NOT EXISTS output_truncated boolean;

CREATE TABLE IF NOT EXISTS task_output (
    task_id     uuid    NOT NULL REFERENCES tasks (id) ON DELETE CASCADE,
    -- The hand-off that ran (tasks.handoff): a task handed back and handed out again, or retried,
    -- starts its output afresh.
    handoff     uuid    NOT NULL,
    -- Where the chunk starts among the bytes the command printed, and how many it holds.
    byte_offset bigint  NOT NULL,
    byte_count  integer NOT NULL,
    -- The chunk as text: invalid UTF-8 and NUL bytes replaced with U+FFFD.
    content     text    NOT NULL,
    PRIMARY KEY (task_id, handoff, byte_offset)
);
