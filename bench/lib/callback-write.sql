WITH input AS (
    SELECT * FROM unnest(?::uuid[], ?::text[], ?::text[], ?::int[], ?::text[], ?::text[], ?::text[],
                         ?::text[], ?::text[], ?::text[], ?::text[], ?::bool[], ?::timestamptz[],
                         ?::text[])
        AS t(call_id, platform_call_id, node, attempt, dtmf, route, callback, verb, next_node,
             attempts, dialed, ended, at, variables)
), live AS (
    SELECT i.*, c.status AS old_status FROM input i JOIN call c ON c.id = i.call_id
     WHERE c.status IN ('ORIGINATING', 'IN_PROGRESS', 'UNKNOWN')
       AND (c.platform_call_id IS NULL OR c.platform_call_id = i.platform_call_id)
), recorded AS (
    INSERT INTO call_event (call_id, type, node, attempt, dtmf, route, payload, verb, at)
    SELECT call_id, 'DTMF', node, attempt, dtmf, route, callback::jsonb, verb::jsonb, at FROM live
    ON CONFLICT (call_id, node, attempt) WHERE type = 'DTMF' DO NOTHING
    RETURNING call_id, node, attempt
), fresh AS (
    SELECT l.* FROM live l JOIN recorded r USING (call_id, node, attempt)
), followers AS (
    INSERT INTO call_event (call_id, type, node, attempt, payload, at)
    SELECT f.call_id, 'DIAL', f.node, f.attempt, jsonb_build_object('number', d.number), f.at
      FROM fresh f, jsonb_array_elements_text(f.dialed::jsonb) AS d(number)
    UNION ALL
    SELECT call_id, 'STATUS', next_node, NULL,
           jsonb_build_object('from', old_status, 'to', 'COMPLETED', 'reason', 'the flow ended'), at
      FROM fresh WHERE ended
), advanced AS (
    -- Only when a reader needs the row to change: the status (the call ended, or its first callback
    -- overtook the originate's answer), Nexafone's callId, a number dialled, new variables. Where a
    -- call waits and its gather attempts are read from its latest DTMF row instead (call.CallState).
    -- No index may name a column set here, or the update cannot be HOT (HotCallUpdateTest).
    UPDATE call c SET current_node = f.next_node,
                      attempts = f.attempts::jsonb,
                      status = CASE WHEN f.ended THEN 'COMPLETED' ELSE 'IN_PROGRESS' END,
                      ended_at = CASE WHEN f.ended THEN f.at ELSE c.ended_at END,
                      bridged_to = COALESCE(f.dialed::jsonb ->> -1, c.bridged_to),
                      platform_call_id = COALESCE(c.platform_call_id, f.platform_call_id),
                      variables = COALESCE(f.variables::jsonb, c.variables),
                      updated_at = f.at
      FROM fresh f WHERE c.id = f.call_id
       AND (f.ended OR c.status <> 'IN_PROGRESS' OR c.platform_call_id IS NULL OR f.dialed <> '[]'
            OR (f.variables IS NOT NULL AND f.variables::jsonb IS DISTINCT FROM c.variables))
)
SELECT call_id, node, attempt FROM recorded
