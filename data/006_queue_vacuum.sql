-- The tasks table works as a queue: every claim and every report leaves a dead row version, and
-- the claim query walks the due index from its oldest end, where those dead entries gather. Vacuum
-- it after every few thousand changes instead of after a fifth of the table, without throttling.
-- Inserts alone do not call for a vacuum: every inserted task is updated later anyway, and a
-- vacuum after a bulk insert would compete with working that backlog off.
ALTER TABLE tasks SET (
    autovacuum_vacuum_scale_factor = 0,
    autovacuum_vacuum_threshold = 5000,
    autovacuum_vacuum_insert_threshold = -1,
    autovacuum_analyze_scale_factor = 0.02,
    autovacuum_vacuum_cost_delay = 0
);
