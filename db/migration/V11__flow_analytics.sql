-- Flow analytics (analytics.FlowAnalytics) count the calls of one revision placed in a time range, then read each
-- one's steps. Without this index that range is found through call_flow_created, every revision of the flow read
-- and filtered. Neither column ever changes, so callback updates of call stay HOT.
CREATE INDEX call_revision_created ON call (revision_id, created_at);

-- What one event means to a call's path (docs/architecture.md, "Flow analytics"): the one owner of that rule
-- (call.CallPath names it for Java). A step of the path is the ORIGINATING status change (the first turn's nodes)
-- or a DTMF (the nodes its answer entered); an http node's request is kept for its outcome. Everything else: NULL.
-- The input is kept only as far as counting needs it: a matched route's digits (masked already for a sensitive
-- gather), '' for nothing pressed, '*' for any other input.
CREATE FUNCTION call_event_step(type text, node text, payload jsonb) RETURNS jsonb
    LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
SELECT CASE
    WHEN type = 'DTMF' OR (type = 'STATUS' AND payload ->> 'to' = 'ORIGINATING') THEN
        jsonb_strip_nulls(jsonb_build_object('type', type, 'node', node,
            'entered', COALESCE(payload -> 'entered', '[]'::jsonb), 'exhausted', payload -> 'exhausted',
            'reason', payload -> 'reason', 'target', payload -> 'target',
            'digits', CASE WHEN type <> 'DTMF' THEN NULL
                           WHEN payload ->> 'reason' = 'MATCH' THEN payload -> 'digits'
                           WHEN COALESCE(payload ->> 'digits', '') = '' THEN '""'::jsonb
                           ELSE '"*"'::jsonb END))
    WHEN type = 'HTTP_REQUEST' THEN
        jsonb_strip_nulls(jsonb_build_object('type', type, 'node', COALESCE(node, payload ->> 'node'),
            'ok', payload -> 'ok'))
    END
$$;

-- Stored, so an analytics read takes the steps of 100,000 calls from the index below alone (an index-only scan in
-- call order: no sort, no heap) instead of reading and parsing every event's payload. call_event is append-only;
-- anonymising a call (audit.Retention) clears the payload, and the step follows it.
ALTER TABLE call_event ADD COLUMN step jsonb GENERATED ALWAYS AS (call_event_step(type, node, payload)) STORED;

CREATE INDEX call_event_steps ON call_event (call_id, id) INCLUDE (type, at, step) WHERE step IS NOT NULL;
