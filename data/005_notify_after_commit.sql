-- A NOTIFY holds a database-wide lock from its transaction's commit until the commit is flushed,
-- so notifying from the insert trigger made every insert of a task due soon wait for the one
-- before it. The services now send the notification in a statement of its own after their
-- insert commits; other writers wake coordinators with `NOTIFY taskmaster_tasks`, or are seen
-- within the coordinators' poll interval.
DROP TRIGGER IF EXISTS tasks_notify_due ON tasks;
DROP FUNCTION IF EXISTS taskmaster_notify_due_tasks();
