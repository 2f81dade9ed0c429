-- Wakes coordinators (LISTEN taskmaster_tasks) when an INSERT adds a task due within a few
-- seconds, whoever inserted it; one notification per statement, however many rows it adds.
CREATE OR REPLACE FUNCTION taskmaster_notify_due_tasks() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    IF EXISTS (SELECT 1 FROM inserted WHERE scheduled_at <= now() + interval '5 seconds') THEN
        PERFORM pg_notify('taskmaster_tasks', '');
    END IF;
    RETURN NULL;
END;
$$;

DROP TRIGGER IF EXISTS tasks_notify_due ON tasks;
CREATE TRIGGER tasks_notify_due
    AFTER INSERT ON tasks
    REFERENCING NEW TABLE AS inserted
    FOR EACH STATEMENT EXECUTE FUNCTION taskmaster_notify_due_tasks();
