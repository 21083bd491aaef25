-- A data-driven call's variables as they stand after its latest turn, for GET /v1/calls/{id}: the values given to
-- POST /v1/calls, the digits saved by gathers and what requests extracted, with sensitive values masked. The call
-- itself carries them encrypted in its state token; this copy is for people, never read to answer a caller.
-- No index names it, so the callback's update of the row stays HOT (V5).
ALTER TABLE call ADD COLUMN variables jsonb;
