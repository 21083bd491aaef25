-- Every gather callback updates its call row (current_node, attempts, updated_at). With updated_at in an index
-- (call_running_since, V4), none of those updates could be HOT: each wrote a new entry into every one of the
-- call table's eleven indexes. Measured on bench/run.sh's database: 0 of 54,500 callback updates were HOT before,
-- all of them after. The stale-call sweep finds running calls through call_status_created (status first) instead.
DROP INDEX IF EXISTS call_running_since;

-- Room on each page for the next version of a row, so the update stays on its page (a HOT update needs that).
-- Applies to pages written from now on; existing pages fill up as before and are not rewritten here.
ALTER TABLE call SET (fillfactor = 70);
