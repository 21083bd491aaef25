-- Audit benchmark data: 5 flows × 3 revisions, 100,000 calls over 60 days, 10 events each (1,000,000 events,
-- 200,000 of them DTMF). Generated in the database with generate_series; ids grow with time, as in production.
\set ON_ERROR_STOP on
SET synchronous_commit = off;

INSERT INTO flow (id, name, description, latest_version, active_version, created_at, updated_at)
SELECT ('00000000-0000-4000-8000-' || lpad(f::text, 12, '0'))::uuid, 'bench-flow-' || f, 'audit benchmark',
       3, 3, now() - interval '90 days', now() - interval '90 days'
  FROM generate_series(1, 5) AS f;

INSERT INTO flow_revision (id, flow_id, version, definition, definition_sha256, comment, created_by, created_at)
SELECT ('00000000-0000-4000-9000-' || lpad((f * 10 + v)::text, 12, '0'))::uuid,
       ('00000000-0000-4000-8000-' || lpad(f::text, 12, '0'))::uuid, v,
       '{"start": "menu", "nodes": {"menu": {"type": "gather", "maxDigits": 1, "routes": {"1": "thanks", "2": "agent"},
         "onInvalid": "invalid", "onTimeout": "invalid"}, "thanks": {"type": "play", "audioUrl": "https://x.test/t.wav",
         "next": "survey"}, "agent": {"type": "dial", "number": "+919817812345", "next": "survey"},
         "invalid": {"type": "play", "audioUrl": "https://x.test/i.wav", "next": "survey"},
         "survey": {"type": "gather", "routes": {"1": "bye", "2": "bye", "3": "bye", "4": "bye", "5": "bye"},
         "default": "bye"}, "bye": {"type": "hangup"}}}'::jsonb,
       md5(f || '-' || v), 'bench', 'bench', now() - interval '90 days'
  FROM generate_series(1, 5) AS f, generate_series(1, 3) AS v;

-- 20 caller ids, 20,000 customers (about 5 calls each); most calls complete, recent ones still run.
INSERT INTO call (id, platform_call_id, kind, flow_id, flow_version, revision_id, from_number, to_number, status,
                  current_node, attempts, bridged_to, error, created_by, created_at, updated_at, ended_at)
SELECT gen_random_uuid(), 'nf-' || g, 'FLOW',
       ('00000000-0000-4000-8000-' || lpad(f::text, 12, '0'))::uuid, v,
       ('00000000-0000-4000-9000-' || lpad((f * 10 + v)::text, 12, '0'))::uuid,
       '+911203135' || lpad((g % 20)::text, 3, '0'),
       '+9198' || lpad(((g::bigint * 7919) % 20000)::text, 8, '0'),
       status,
       CASE WHEN status = 'IN_PROGRESS' THEN 'survey' ELSE 'bye' END,
       '{"menu": 1, "survey": 1}',
       CASE WHEN r < 0.3 THEN '+919817812345' END,
       CASE WHEN status = 'FAILED' THEN 'Nexafone refused the call (400): number unreachable' END,
       'bench', created, created + interval '40 seconds',
       CASE WHEN status IN ('COMPLETED', 'FAILED') THEN created + interval '40 seconds' END
  FROM (SELECT g, 1 + g % 5 AS f, 1 + (g / 5) % 3 AS v, r,
               now() - interval '60 days' + g * (interval '60 days' / 100000) + random() * interval '20 seconds'
                   AS created,
               CASE WHEN g > 99990 THEN 'IN_PROGRESS' WHEN r < 0.88 THEN 'COMPLETED' WHEN r < 0.96 THEN 'FAILED'
                    ELSE 'UNKNOWN' END AS status
          FROM (SELECT g, random() AS r FROM generate_series(1, 100000) AS g) AS s) AS calls;

-- Each call's trail as nexaflow writes it: status changes (ORIGINATING naming the first turn's nodes), the
-- originate request and response, two gathers (menu, then a survey) each with the verb sent, and the end. The
-- DTMF payloads are the callback's (call.CallPath and analytics.FlowAnalytics read their entered nodes).
INSERT INTO call_event (call_id, type, node, attempt, dtmf, route, payload, at)
SELECT c.id, e.type, e.node, e.attempt, e.dtmf, e.route, e.payload, c.created_at + e.after
  FROM (SELECT *, CASE menu_digits WHEN '1' THEN 'thanks' WHEN '2' THEN 'agent' ELSE 'invalid' END AS menu_target
          FROM (SELECT *, (ARRAY['1', '2', '7#', ''])[1 + (abs(hashtext(id::text)) % 4)] AS menu_digits,
                       (1 + abs(hashtext(platform_call_id)) % 5)::text AS survey_digits
                  FROM call) AS d) AS c
 CROSS JOIN LATERAL (VALUES
   (1, 'STATUS', NULL, NULL, NULL, NULL, jsonb_build_object('from', NULL, 'to', 'QUEUED'), interval '0'),
   (2, 'STATUS', NULL, NULL, NULL, NULL,
       jsonb_build_object('from', 'QUEUED', 'to', 'ORIGINATING', 'entered', jsonb_build_array('menu')),
       interval '1 millisecond'),
   (3, 'ORIGINATE_REQUEST', NULL, NULL, NULL, NULL,
       jsonb_build_object('from', c.from_number, 'to', c.to_number, 'accountId', 'acc-1',
                          'recordCall', jsonb_build_object('enable', false), 'timeout', 30,
                          'action', jsonb_build_object('type', 'gather', 'data',
                              jsonb_build_object('maxDigits', 1, 'action', 'https://ivr.example.com/api/handle-dtmf?s=x'))),
       interval '2 milliseconds'),
   (4, 'ORIGINATE_RESPONSE', NULL, NULL, NULL, NULL,
       jsonb_build_object('attempt', 1, 'status', 200, 'body', jsonb_build_object('callId', c.platform_call_id),
                          'millis', 140), interval '150 milliseconds'),
   (5, 'STATUS', NULL, NULL, NULL, NULL, jsonb_build_object('from', 'ORIGINATING', 'to', 'IN_PROGRESS'),
       interval '151 milliseconds'),
   (6, 'DTMF', 'menu', 1, c.menu_digits,
       c.menu_target,
       jsonb_build_object('callId', c.platform_call_id, 'channelId', 'ch-' || c.platform_call_id,
                          'digits', rtrim(c.menu_digits, '#'),
                          'reason', CASE c.menu_digits WHEN '1' THEN 'MATCH' WHEN '2' THEN 'MATCH'
                                                       WHEN '' THEN 'TIMEOUT' ELSE 'INVALID' END,
                          'target', c.menu_target, 'entered', jsonb_build_array(c.menu_target, 'survey'),
                          'gather', 'survey', 'attempts', jsonb_build_object('menu', 1, 'survey', 1)),
       interval '9 seconds'),
   (7, 'VERB_SENT', 'menu', 1, NULL, NULL,
       jsonb_build_object('type', 'play', 'data', jsonb_build_object('audioUrl', 'https://x.test/t.wav',
                          'action', jsonb_build_object('type', 'gather', 'data', jsonb_build_object('maxDigits', 1)))),
       interval '9 seconds'),
   (8, 'DTMF', 'survey', 1, c.survey_digits, 'bye',
       jsonb_build_object('callId', c.platform_call_id, 'channelId', 'ch-' || c.platform_call_id,
                          'digits', c.survey_digits, 'reason', 'MATCH', 'target', 'bye',
                          'entered', jsonb_build_array('bye'), 'gather', NULL,
                          'attempts', jsonb_build_object('menu', 1, 'survey', 1)),
       interval '25 seconds'),
   (9, 'VERB_SENT', 'survey', 1, NULL, NULL, '{"type": "hangup", "data": {}}'::jsonb, interval '25 seconds'),
   (10, 'STATUS', 'bye', NULL, NULL, NULL,
       jsonb_build_object('from', 'IN_PROGRESS', 'to', c.status, 'reason', 'the flow ended'), interval '40 seconds')
 ) AS e(k, type, node, attempt, dtmf, route, payload, after)
 ORDER BY c.created_at, e.k;

ANALYZE flow;
ANALYZE flow_revision;
ANALYZE call;
-- As autovacuum does to an append-only table soon after a batch of inserts: the visibility map lets the
-- analytics read call_event_steps without visiting the heap (index-only scans).
VACUUM (ANALYZE) call_event;
