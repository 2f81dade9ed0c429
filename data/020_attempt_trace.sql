-- The span of a task's last attempt that ended (the traceparent its final report named; NULL:
-- untraced, or no report). The claim returns it, so the next attempt's spans link to the one
-- before instead of nesting under it.
ALTER TABLE tasks ADD COLUMN IF NOT EXISTS last_attempt_trace_parent text;
