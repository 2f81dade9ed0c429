-- The W3C trace context of the request that made a task or a schedule: its `traceparent` and
-- `tracestate` header values, checked by the scheduler (NULL: the request carried none). A
-- schedule's tasks take the schedule's. The claim returns a task's with the row it updates, so
-- the hand-off carries it to the worker without another query.
ALTER TABLE tasks ADD COLUMN IF NOT EXISTS trace_parent text;
ALTER TABLE tasks ADD COLUMN IF NOT EXISTS trace_state text;
ALTER TABLE schedules ADD COLUMN IF NOT EXISTS trace_parent text;
ALTER TABLE schedules ADD COLUMN IF NOT EXISTS trace_state text;
