package io.nexaflow.audit;

import io.nexaflow.config.NexaflowConfig;
import io.nexaflow.config.NexaflowConfig.Retention.Mode;
import io.nexaflow.deploy.AppConfig;
import io.nexaflow.support.TestDatabase;
import org.flywaydb.core.Flyway;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.postgresql.ds.PGSimpleDataSource;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Least privilege on a real PostgreSQL: three roles of its own (owner, runtime, retention, created here and dropped
 * afterwards), a database of its own migrated by the owner as the service would, then what each role may do.
 */
class DatabaseRolesTest {

    private static final String PREFIX = "nexaflow_t_" + Long.toString(ThreadLocalRandom.current().nextLong(1L << 40), 36);
    private static final String OWNER = PREFIX + "_owner";
    private static final String RUNTIME = PREFIX + "_runtime";
    private static final String RETENTION = PREFIX + "_retention";
    private static final String PASSWORD = "pw-" + UUID.randomUUID();

    private static String adminUrl;
    private static final List<String> created = new ArrayList<>();
    private static final List<String> databases = new ArrayList<>();

    /** This test's own database, migrated by nobody yet. */
    private String url;

    @BeforeAll
    static void rolesAndDatabase() throws Exception {
        adminUrl = TestDatabase.url();
        try (Connection admin = admin(); Statement sql = admin.createStatement()) {
            try (ResultSet me = sql.executeQuery("SELECT rolsuper OR rolcreaterole FROM pg_roles WHERE rolname = current_user")) {
                me.next();
                Assumptions.assumeTrue(me.getBoolean(1), "the configured database user may not create roles: NOT checked");
            }
            sql.execute("CREATE ROLE " + OWNER + " LOGIN PASSWORD '" + PASSWORD + "'");
            created.add(OWNER);
            sql.execute("CREATE ROLE " + RETENTION + " NOLOGIN");
            created.add(RETENTION);
            // As k8s/overlays/prod/database.yaml makes it: may SET ROLE to retention, inherits none of its privileges.
            sql.execute("CREATE ROLE " + RUNTIME + " LOGIN NOINHERIT PASSWORD '" + PASSWORD + "' IN ROLE " + RETENTION);
            created.add(RUNTIME);
        }
    }

    @BeforeEach
    void databaseOwnedByTheOwner() throws SQLException {
        String database = PREFIX + "_db" + databases.size();
        try (Connection admin = admin(); Statement sql = admin.createStatement()) {
            sql.execute("CREATE DATABASE " + database + " OWNER " + OWNER);
        }
        databases.add(database);
        // Without the admin URL's parameters: a user=... there would win over the role each connection names.
        url = adminUrl.replaceFirst("\\?.*$", "").replaceFirst("/[^/]*$", "/" + database);
    }

    @AfterAll
    static void dropOnlyWhatWasCreated() throws SQLException {
        if (adminUrl == null) {
            return;
        }
        try (Connection admin = admin(); Statement sql = admin.createStatement()) {
            for (String database : databases) {
                sql.execute("DROP DATABASE IF EXISTS " + database + " WITH (FORCE)");
            }
            for (String role : List.of(RUNTIME, RETENTION, OWNER)) {
                if (created.contains(role)) {
                    sql.execute("DROP ROLE IF EXISTS " + role);
                }
            }
        }
    }

    @Test
    void theRuntimeRoleAppendsToTheAuditTrailButCannotChangeItAndRetentionCanSweepIt() throws Exception {
        // An upgrade migrated with one user first (the roles came later): nothing is granted then ...
        migrate(OWNER, "-");
        try (Connection runtime = connect(RUNTIME)) {
            assertRefused(runtime, "SELECT count(*) FROM call_event", "permission denied for table call_event");
        }
        // ... and the next start with the roles configured grants them (the repeatable migration runs again).
        migrate(RUNTIME, RETENTION);

        UUID call = UUID.randomUUID();
        Instant longAgo = Instant.now().truncatedTo(ChronoUnit.SECONDS).minus(400, ChronoUnit.DAYS);
        try (Connection runtime = connect(RUNTIME); Statement sql = runtime.createStatement()) {
            sql.execute("INSERT INTO call (id, kind, from_number, to_number, status, created_at, updated_at) VALUES ('"
                    + call + "', 'RAW', '+911203135800', '+919876543210', 'COMPLETED', '" + longAgo + "', '" + longAgo + "')");
            sql.execute("UPDATE call SET current_node = 'menu' WHERE id = '" + call + "'");
            sql.execute("INSERT INTO call_event (call_id, type, node, attempt, dtmf, at) VALUES ('" + call
                    + "', 'DTMF', 'menu', 1, '1', '" + longAgo + "')");
            sql.execute("INSERT INTO call_event (call_id, type, at) VALUES (NULL, 'CALLBACK_FORGED', '" + longAgo + "')");
            assertThat(count(runtime, "SELECT count(*) FROM call_event WHERE call_id = '" + call + "'")).isEqualTo(1);

            assertRefused(runtime, "UPDATE call_event SET dtmf = '2'", "permission denied for table call_event");
            assertRefused(runtime, "DELETE FROM call_event", "permission denied for table call_event");
            assertRefused(runtime, "TRUNCATE call_event", "permission denied for table call_event");
            assertRefused(runtime, "DELETE FROM call", "permission denied for table call");
            assertRefused(runtime, "DROP TRIGGER call_event_append_only ON call_event", "must be owner of relation call_event");
            assertRefused(runtime, "ALTER TABLE call_event DISABLE TRIGGER call_event_append_only",
                    "must be owner of table call_event");
            assertRefused(runtime, "ALTER TABLE call_event ADD COLUMN note text", "must be owner of table call_event");
            assertRefused(runtime, "DROP TABLE call_event", "must be owner of table call_event");
            assertRefused(runtime, "CREATE TABLE stash (x int)", "permission denied for schema public");
            assertRefused(runtime, "UPDATE flow_revision SET comment = 'x'", "permission denied for table flow_revision");
            assertRefused(runtime, "DELETE FROM flyway_schema_history", "permission denied for table flyway_schema_history");
            // Taking the retention role does not lift the append-only guard: only the retention job's flag does.
            runtime.setAutoCommit(false);
            sql.execute("SET LOCAL ROLE " + RETENTION);
            assertRefused(runtime, "DELETE FROM call_event", "call_event is append-only");
            runtime.rollback();
            runtime.setAutoCommit(true);
        }

        Retention.Swept swept = retention(Optional.of(RETENTION)).sweep(longAgo.plusSeconds(60), Mode.DELETE, 10);

        assertThat(List.of(swept.calls(), swept.events())).as("the call with its event, and the call-less event")
                .isEqualTo(List.of(1L, 2L));
        try (Connection owner = connect(OWNER)) {
            assertThat(count(owner, "SELECT count(*) FROM call WHERE id = '" + call + "'")).isZero();
            assertThat(count(owner, "SELECT count(*) FROM call_event WHERE at <= '" + longAgo + "'")).isZero();
        }
    }

    @Test
    void withoutTheRetentionRoleTheRuntimeRoleCannotSweep() throws Exception {
        migrate(RUNTIME, RETENTION);
        Instant longAgo = Instant.now().truncatedTo(ChronoUnit.SECONDS).minus(800, ChronoUnit.DAYS);
        try (Connection runtime = connect(RUNTIME); Statement sql = runtime.createStatement()) {
            sql.execute("INSERT INTO call_event (call_id, type, at) VALUES (NULL, 'CALLBACK_FORGED', '" + longAgo + "')");
        }
        assertThatThrownBy(() -> retention(Optional.empty()).sweep(longAgo.plusSeconds(60), Mode.DELETE, 10))
                .rootCause().hasMessageContaining("permission denied for table");
        try (Connection owner = connect(OWNER)) {
            assertThat(count(owner, "SELECT count(*) FROM call_event WHERE at = '" + longAgo + "'")).isEqualTo(1);
        }
    }

    @Test
    void theServiceMigratesWithTheRolesThisTestUses() {
        Properties properties = AppConfig.applicationProperties();
        assertThat(properties.getProperty("quarkus.flyway.placeholders.runtime_role"))
                .isEqualTo("${quarkus.datasource.username:-}");
        assertThat(properties.getProperty("quarkus.flyway.placeholders.retention_role"))
                .isEqualTo("${nexaflow.retention.role:-}");
        assertThat(properties.getProperty("quarkus.flyway.locations")).isEqualTo("migration");
    }

    /** Migrates as the owner, with the placeholders application.properties derives from the service's settings. */
    @Test
    void theRuntimeRoleRunsCampaignsAndLiftsSuppressionsButDeletesNoContact() throws Exception {
        migrate(RUNTIME, RETENTION);
        UUID flow = UUID.randomUUID();
        UUID campaign = UUID.randomUUID();
        try (Connection runtime = connect(RUNTIME); Statement sql = runtime.createStatement()) {
            sql.execute("INSERT INTO flow (id, name, latest_version, created_at, updated_at) VALUES ('" + flow
                    + "', 'f', 1, now(), now())");
            sql.execute("INSERT INTO campaign (id, name, flow_id, from_number, timezone, windows, calls_per_second, "
                    + "max_concurrent, retry, no_answer_after_seconds, state, created_by, created_at, updated_at) "
                    + "VALUES ('" + campaign + "', 'c', '" + flow + "', '+911203135800', 'Asia/Kolkata', '[]', 1, 1, "
                    + "'{}', 60, 'DRAFT', 'test', now(), now())");
            // The contact's id is an identity column: inserting needs no grant on its sequence.
            sql.execute("INSERT INTO campaign_contact (campaign_id, number, state, updated_at) VALUES ('" + campaign
                    + "', '+919876543210', 'PENDING', now())");
            sql.execute("UPDATE campaign_contact SET state = 'CANCELLED' WHERE campaign_id = '" + campaign + "'");
            sql.execute("INSERT INTO suppression (number, created_by, created_at) VALUES ('+919876543210', 't', now())");
            sql.execute("DELETE FROM suppression WHERE number = '+919876543210'");
            assertRefused(runtime, "DELETE FROM campaign_contact", "permission denied for table campaign_contact");
            assertRefused(runtime, "DELETE FROM campaign", "permission denied for table campaign");
        }
    }

    private void migrate(String runtimeRole, String retentionRole) {
        Flyway.configure().dataSource(url, OWNER, PASSWORD).locations("classpath:migration")
                .placeholders(Map.of("runtime_role", runtimeRole, "retention_role", retentionRole))
                .load().migrate();
    }

    private Retention retention(Optional<String> role) {
        PGSimpleDataSource dataSource = new PGSimpleDataSource();
        dataSource.setURL(url);
        dataSource.setUser(RUNTIME);
        dataSource.setPassword(PASSWORD);
        return new Retention(dataSource, new NexaflowConfig.Retention() {
            public Optional<Integer> days() {
                return Optional.of(1);
            }

            public Mode mode() {
                return Mode.DELETE;
            }

            public int batchSize() {
                return 10;
            }

            public String every() {
                return "1h";
            }

            public Optional<String> role() {
                return role;
            }
        });
    }

    private static void assertRefused(Connection connection, String statement, String message) {
        assertThatThrownBy(() -> {
            try (Statement sql = connection.createStatement()) {
                sql.execute(statement);
            }
        }).as(statement).isInstanceOf(SQLException.class).hasMessageContaining(message);
    }

    private static long count(Connection connection, String query) throws SQLException {
        try (Statement sql = connection.createStatement(); ResultSet rows = sql.executeQuery(query)) {
            rows.next();
            return rows.getLong(1);
        }
    }

    private Connection connect(String role) throws SQLException {
        return DriverManager.getConnection(url, role, PASSWORD);
    }

    private static Connection admin() throws SQLException {
        return DriverManager.getConnection(adminUrl, TestDatabase.username(), TestDatabase.password());
    }
}
