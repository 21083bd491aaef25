-- Outbound campaigns (README, "Outbound campaigns"): a list of contacts dialled through one flow, paced, within
-- calling hours; and the numbers no campaign ever dials. This release stores and manages them; the dialer that
-- leases contacts comes next, and the indexes below are the ones it leases with.

CREATE TABLE campaign (
    id                      uuid PRIMARY KEY,
    name                    text        NOT NULL CHECK (length(name) BETWEEN 1 AND 200),
    flow_id                 uuid        NOT NULL REFERENCES flow (id),
    -- Pinned at start: publishing the flow later never changes a running campaign.
    revision_id             uuid REFERENCES flow_revision (id),
    flow_version            integer,
    from_number             text        NOT NULL,
    timezone                text        NOT NULL,
    windows                 jsonb       NOT NULL,
    calls_per_second        numeric     NOT NULL CHECK (calls_per_second > 0 AND calls_per_second <= 100),
    max_concurrent          integer     NOT NULL CHECK (max_concurrent BETWEEN 1 AND 1000),
    retry                   jsonb       NOT NULL,
    no_answer_after_seconds integer     NOT NULL CHECK (no_answer_after_seconds BETWEEN 10 AND 600),
    state                   text        NOT NULL
                            CHECK (state IN ('DRAFT', 'RUNNING', 'PAUSED', 'COMPLETED', 'CANCELLED')),
    created_by              text        NOT NULL,
    created_at              timestamptz NOT NULL,
    updated_at              timestamptz NOT NULL,
    started_at              timestamptz,
    ended_at                timestamptz,
    CHECK ((revision_id IS NULL) = (flow_version IS NULL)),
    CHECK (state = 'DRAFT' OR state = 'CANCELLED' OR revision_id IS NOT NULL)
);

-- Keyset pagination of the campaign list, newest first.
CREATE INDEX campaign_created ON campaign (created_at DESC, id DESC);
-- The dialer's scan: the campaigns it has work for.
CREATE INDEX campaign_running ON campaign (id) WHERE state = 'RUNNING';

CREATE TABLE campaign_contact (
    campaign_id     uuid        NOT NULL REFERENCES campaign (id),
    -- Upload order; the key leads with the campaign, so a campaign's contacts page by it.
    id              bigint      GENERATED ALWAYS AS IDENTITY,
    -- E.164, normalised at upload.
    number          text        NOT NULL,
    -- Flat: names to strings, numbers or booleans (expr.Variables); CSV columns arrive as strings.
    variables       jsonb       NOT NULL DEFAULT '{}',
    state           text        NOT NULL CHECK (state IN ('PENDING', 'DIALING', 'IN_PROGRESS', 'COMPLETED',
                                                          'NO_ANSWER', 'FAILED', 'RETRY_WAIT', 'CANCELLED',
                                                          'SUPPRESSED')),
    attempts        integer     NOT NULL DEFAULT 0 CHECK (attempts >= 0),
    -- When a PENDING or RETRY_WAIT contact may be dialled next (NULL: at once).
    next_attempt_at timestamptz,
    last_call_id    uuid,
    -- A dialer replica's lease: until then no other replica takes the contact.
    leased_until    timestamptz,
    leased_by       text,
    -- Its line in the upload (header = line 1), so a result can be traced to the file.
    line            integer,
    updated_at      timestamptz NOT NULL,
    PRIMARY KEY (campaign_id, id),
    UNIQUE (campaign_id, number)
);

-- Leasing: "the due contacts of a running campaign", oldest first, taken with FOR UPDATE SKIP LOCKED. Partial, so
-- it holds only the contacts still to dial and stays small while a campaign finishes.
CREATE INDEX campaign_contact_due ON campaign_contact (campaign_id, next_attempt_at NULLS FIRST, id)
    WHERE state IN ('PENDING', 'RETRY_WAIT');
-- Expired leases of a replica that died mid-dial (found by the survivors).
CREATE INDEX campaign_contact_leased ON campaign_contact (campaign_id, leased_until)
    WHERE state IN ('DIALING', 'IN_PROGRESS');
-- GET /v1/campaigns/{id}/contacts?state=…, in upload order, and the progress counts.
CREATE INDEX campaign_contact_state ON campaign_contact (campaign_id, state, id);

CREATE TABLE suppression (
    -- E.164, normalised as contacts are, so an upload's numbers match whatever way either was written.
    number     text PRIMARY KEY,
    reason     text CHECK (length(reason) <= 500),
    created_by text        NOT NULL,
    created_at timestamptz NOT NULL
);

-- Keyset pagination of the suppression list, newest first.
CREATE INDEX suppression_created ON suppression (created_at DESC, number DESC);
