-- Calls placed through Nexafone and their append-only audit trail.

CREATE TABLE call (
    id               uuid PRIMARY KEY,
    -- Nexafone's callId, known once the platform accepted the originate request. Not UNIQUE: the platform
    -- promises that, and a call it placed must never fail to be recorded because of it.
    platform_call_id text,
    kind             text        NOT NULL CHECK (kind IN ('FLOW', 'CLICK_TO_CALL', 'RAW')),
    flow_id          uuid REFERENCES flow (id),
    flow_version     integer,
    revision_id      uuid REFERENCES flow_revision (id),
    from_number      text        NOT NULL,
    to_number        text        NOT NULL,
    status           text        NOT NULL
        CHECK (status IN ('QUEUED', 'ORIGINATING', 'IN_PROGRESS', 'COMPLETED', 'FAILED', 'UNKNOWN')),
    current_node     text,
    -- gather node id → times entered in this call
    attempts         jsonb       NOT NULL DEFAULT '{}',
    bridged_to       text,
    error            text,
    idempotency_key  text UNIQUE,
    request_sha256   text,
    created_by       text,
    created_at       timestamptz NOT NULL,
    updated_at       timestamptz NOT NULL,
    ended_at         timestamptz,
    CHECK ((kind = 'FLOW') = (revision_id IS NOT NULL))
);

CREATE INDEX call_platform_call_id ON call (platform_call_id);

-- Calls still running on a flow (a flow cannot be deleted under them).
CREATE INDEX call_running_flow ON call (flow_id) WHERE status IN ('QUEUED', 'ORIGINATING', 'IN_PROGRESS');

CREATE TABLE call_event (
    id      bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    -- Null only for events no call can be named for (a forged callback, an unknown callId).
    call_id uuid REFERENCES call (id),
    type    text        NOT NULL,
    node    text,
    attempt integer,
    dtmf    text,
    route   text,
    payload jsonb,
    at      timestamptz NOT NULL
);

-- A gather callback is recorded once: a second delivery of (call, node, attempt) writes nothing.
CREATE UNIQUE INDEX call_event_callback_once ON call_event (call_id, node, attempt) WHERE type = 'DTMF';
CREATE INDEX call_event_by_call ON call_event (call_id, id);
