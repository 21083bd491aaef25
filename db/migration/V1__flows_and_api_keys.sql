-- Call flows, their immutable revisions, and the API keys that manage them.

CREATE TABLE api_key (
    id          uuid PRIMARY KEY,
    name        text        NOT NULL,
    role        text        NOT NULL CHECK (role IN ('admin', 'operator', 'auditor')),
    -- SHA-256 of the key; the key itself is shown once, at creation, and never stored.
    key_hash    bytea       NOT NULL UNIQUE,
    key_prefix  text        NOT NULL,
    created_by  text        NOT NULL,
    created_at  timestamptz NOT NULL,
    revoked_at  timestamptz
);

CREATE TABLE flow (
    id             uuid PRIMARY KEY,
    name           text        NOT NULL CHECK (length(name) BETWEEN 1 AND 200),
    description    text,
    latest_version integer     NOT NULL CHECK (latest_version >= 1),
    active_version integer CHECK (active_version BETWEEN 1 AND latest_version),
    created_at     timestamptz NOT NULL,
    updated_at     timestamptz NOT NULL,
    -- Deleted flows stay for the audit trail of the calls that ran on them.
    deleted_at     timestamptz
);

-- One live flow per name; a deleted flow frees its name.
CREATE UNIQUE INDEX flow_live_name ON flow (lower(name)) WHERE deleted_at IS NULL;
-- Keyset pagination of the flow list, newest first.
CREATE INDEX flow_live_created ON flow (created_at DESC, id DESC) WHERE deleted_at IS NULL;

CREATE TABLE flow_revision (
    id                uuid PRIMARY KEY,
    flow_id           uuid        NOT NULL REFERENCES flow (id),
    version           integer     NOT NULL CHECK (version >= 1),
    -- Canonical form: sorted keys, defaults filled in, numbers normalised.
    definition        jsonb       NOT NULL,
    definition_sha256 text        NOT NULL,
    comment           text,
    created_by        text        NOT NULL,
    created_at        timestamptz NOT NULL,
    UNIQUE (flow_id, version)
);

-- Revisions are immutable: calls pin them, and rollback is "publish an older one".
CREATE FUNCTION flow_revision_immutable() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'flow_revision rows are immutable' USING ERRCODE = 'restrict_violation';
END $$;

CREATE TRIGGER flow_revision_no_update
    BEFORE UPDATE ON flow_revision
    FOR EACH ROW EXECUTE FUNCTION flow_revision_immutable();
