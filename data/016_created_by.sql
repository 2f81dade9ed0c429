-- The name of the API token that created a task or a schedule (see TASKMASTER_API_TOKENS_FILE);
-- NULL when the API had no tokens, or for a task the coordinator made (a schedule's fire, or
-- CoordinatorService.SubmitTask).
ALTER TABLE tasks ADD COLUMN IF NOT EXISTS created_by text;
ALTER TABLE schedules ADD COLUMN IF NOT EXISTS created_by text;
