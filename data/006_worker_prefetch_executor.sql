-- What GET /workers shows of each worker beyond its slots: the prefetch places it offers and the
-- executor it runs tasks with (NULL when the worker does not say). Idempotent.
ALTER TABLE workers ADD COLUMN IF NOT EXISTS prefetch integer NOT NULL DEFAULT 0;
ALTER TABLE workers ADD COLUMN IF NOT EXISTS executor text;
