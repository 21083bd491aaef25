-- The read side of the audit trail (docs/architecture.md, "Key indexes"): indexes for the filters of GET /v1/calls and
-- GET /v1/dtmf (and their exports), an append-only guard on call_event, and what retention needs.
--
-- Cost model: call_event takes the webhook's hot INSERTs, so it gets only partial indexes that the hot path's
-- rows mostly skip. call rows are inserted once per originate and updated by callbacks; none of the columns
-- indexed here change on a callback except status, which call_running_flow already indexes (its predicate),
-- so a callback that keeps the status stays a HOT update.

-- A call with masked numbers and no digits: retention anonymised it (nexaflow.retention.mode=anonymise).
ALTER TABLE call ADD COLUMN anonymised_at timestamptz;

-- GET /v1/calls newest first with no filter, or only since/until; also the age scan of retention (delete).
CREATE INDEX call_created ON call (created_at DESC, id DESC);
-- ?to= and ?from= (+ since/until): equality, then the same keyset order, so a page reads ~limit index entries.
CREATE INDEX call_to_created ON call (to_number, created_at DESC, id DESC);
CREATE INDEX call_from_created ON call (from_number, created_at DESC, id DESC);
-- ?flowId= (flowVersion and status are checked on the rows: few per page). Flow-less calls have no entry.
CREATE INDEX call_flow_created ON call (flow_id, created_at DESC, id DESC) WHERE flow_id IS NOT NULL;
-- ?status= alone ("every FAILED call this week"): rare statuses would otherwise scan the whole newest-first list.
CREATE INDEX call_status_created ON call (status, created_at DESC, id DESC);
-- Retention (anonymise) finds calls not yet anonymised without rereading the ever-growing anonymised past.
CREATE INDEX call_not_anonymised ON call (created_at) WHERE anonymised_at IS NULL;

-- GET /v1/dtmf newest first and its time range. Only DTMF rows (about one event in four) pay for it; DTMF of
-- given calls (by number, by flow) is reached through call_event_callback_once (call_id, ...) instead.
CREATE INDEX call_event_dtmf_at ON call_event (at DESC, id DESC) WHERE type = 'DTMF';
-- Retention of events that name no call (forged or unknown callbacks): rare, so this index is tiny.
CREATE INDEX call_event_orphan_at ON call_event (at) WHERE call_id IS NULL;

-- The audit trail is append-only: nothing may change or remove an event except the retention job, which
-- says so for its own transaction only (SET LOCAL nexaflow.retention = 'on'). Statement-level, so the
-- webhook's INSERTs never run it and a retention batch runs it once, not once per row.
CREATE FUNCTION call_event_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF coalesce(current_setting('nexaflow.retention', true), '') <> 'on' THEN
        RAISE EXCEPTION 'call_event is append-only: % is reserved to the retention job', TG_OP
            USING ERRCODE = 'restrict_violation';
    END IF;
    RETURN NULL;
END $$;

CREATE TRIGGER call_event_append_only
    BEFORE UPDATE OR DELETE OR TRUNCATE ON call_event
    FOR EACH STATEMENT EXECUTE FUNCTION call_event_append_only();
