-- One row per gather callback (issue 17): the verb nexaflow answered is stored in the DTMF row of the key press
-- that caused it, not in a VERB_SENT row of its own. That row was half of the webhook's INSERTs (a heap tuple and
-- two index entries per callback). The read side is unchanged: the events API still lists a DTMF event followed
-- by its VERB_SENT, read from this column (call.CallHistory).
ALTER TABLE call_event ADD COLUMN verb jsonb;

-- Existing trails move to the new shape. call_event is append-only (V3): this migration says so for its own
-- transaction only, as the retention job does.
SET LOCAL nexaflow.retention = 'on';

UPDATE call_event d SET verb = v.payload
  FROM call_event v
 WHERE d.type = 'DTMF' AND v.type = 'VERB_SENT'
   AND v.call_id = d.call_id AND v.node = d.node AND v.attempt = d.attempt;

DELETE FROM call_event WHERE type = 'VERB_SENT';
