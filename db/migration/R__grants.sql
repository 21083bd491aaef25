-- Who may do what in the database (README, "Database roles"). Flyway runs this as the owner of the tables
-- (QUARKUS_FLYWAY_USERNAME); the service runs as ${runtime_role} and sweeps the audit trail as ${retention_role}.
--
-- Repeatable, not versioned: Flyway runs it again whenever this text or a role name changes (it checksums a
-- repeatable migration after replacing placeholders), so the grants follow the settings, also when the roles are
-- set up after an upgrade that migrated with one user. A migration that adds a table lists it here too.
--
-- A role is skipped when it is "-" (not configured) or the migrating user itself: with one user for everything
-- (dev mode, tests, a deployment without roles) there is nothing to grant, and nothing changes.
DO $grants$
DECLARE
    runtime   text := '${runtime_role}';
    retention text := '${retention_role}';
    here      text := current_schema();
BEGIN
    IF runtime NOT IN ('', '-') AND runtime <> current_user THEN
        IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = runtime) THEN
            RAISE EXCEPTION 'runtime role "%" (QUARKUS_DATASOURCE_USERNAME) does not exist', runtime;
        END IF;
        -- Start from nothing, so that a privilege removed here is removed from the database too.
        EXECUTE format('REVOKE ALL ON ALL TABLES IN SCHEMA %I FROM %I', here, runtime);
        EXECUTE format('GRANT USAGE ON SCHEMA %I TO %I', here, runtime);
        -- Soft deletes and revocations are UPDATEs; nothing at run time deletes a row but a lifted suppression.
        EXECUTE format('GRANT SELECT, INSERT, UPDATE ON api_key, flow, call TO %I', runtime);
        -- The audit trail, the revisions and who published them are written once and read, never changed.
        EXECUTE format('GRANT SELECT, INSERT ON flow_revision, call_event, flow_publication TO %I', runtime);
        -- Campaigns and their contacts change state as they run; contacts stay with their campaign.
        EXECUTE format('GRANT SELECT, INSERT, UPDATE ON campaign, campaign_contact TO %I', runtime);
        -- A suppression is lifted by deleting it (DELETE /v1/suppressions/{number}): the one run-time DELETE.
        EXECUTE format('GRANT SELECT, INSERT, DELETE ON suppression TO %I', runtime);
    END IF;

    IF retention NOT IN ('', '-') AND retention <> current_user THEN
        IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = retention) THEN
            RAISE EXCEPTION 'retention role "%" (NEXAFLOW_RETENTION_ROLE) does not exist', retention;
        END IF;
        EXECUTE format('REVOKE ALL ON ALL TABLES IN SCHEMA %I FROM %I', here, retention);
        EXECUTE format('GRANT USAGE ON SCHEMA %I TO %I', here, retention);
        -- Delete mode removes calls with their events; anonymise mode rewrites them. Both lock rows (FOR UPDATE).
        EXECUTE format('GRANT SELECT, UPDATE, DELETE ON call, call_event TO %I', retention);
        IF runtime NOT IN ('', '-') AND runtime <> current_user AND pg_has_role(runtime, retention, 'USAGE') THEN
            RAISE WARNING 'role "%" inherits the privileges of "%": it can delete the audit trail without SET ROLE; '
                'make it NOINHERIT (README, "Database roles")', runtime, retention;
        END IF;
    END IF;

    -- PostgreSQL 14 and older let every role create tables in the public schema; only its owner can stop that.
    IF runtime NOT IN ('', '-') AND runtime <> current_user
            AND EXISTS (SELECT FROM pg_namespace n, aclexplode(coalesce(n.nspacl, acldefault('n', n.nspowner))) a
                         WHERE n.nspname = here AND a.grantee = 0 AND a.privilege_type = 'CREATE') THEN
        IF pg_has_role((SELECT nspowner FROM pg_namespace WHERE nspname = here), 'MEMBER') THEN
            EXECUTE format('REVOKE CREATE ON SCHEMA %I FROM PUBLIC', here);
        ELSE
            RAISE WARNING 'every role may create tables in schema %; as its owner run: REVOKE CREATE ON SCHEMA % FROM PUBLIC',
                here, here;
        END IF;
    END IF;
END
$grants$;
