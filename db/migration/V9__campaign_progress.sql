-- Why a RUNNING campaign is not dialling at its pace (issue 14): WINDOW (outside its calling hours), CONCURRENCY
-- (maxConcurrent calls on the line), NEXAFONE (originates deferred: Nexafone or the database refusing). Written
-- by whichever replica saw it, only when it changes; cleared when a call is placed again.
ALTER TABLE campaign ADD COLUMN held_reason text
    CHECK (held_reason IN ('WINDOW', 'CONCURRENCY', 'NEXAFONE'));
ALTER TABLE campaign ADD COLUMN held_since timestamptz;
