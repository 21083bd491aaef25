-- The dialer (issue 14, slice 2).
-- paced_until: the campaign's pacing clock, shared by every replica. A replica takes n call slots by moving it
-- n / calls_per_second seconds on, in one UPDATE, so however many replicas dial, their slots never overlap and the
-- rate holds for the cluster.
ALTER TABLE campaign ADD COLUMN paced_until timestamptz;
-- How the contact's last attempt went (ANSWERED, PLACED, FAILED, UNKNOWN, NO_ANSWER), with a word on why.
ALTER TABLE campaign_contact ADD COLUMN last_outcome text;
ALTER TABLE campaign_contact ADD COLUMN last_error text;
