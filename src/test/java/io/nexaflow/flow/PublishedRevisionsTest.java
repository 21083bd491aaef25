package io.nexaflow.flow;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.agroal.api.AgroalDataSource;
import io.nexaflow.support.Api;
import io.nexaflow.support.Flows;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.function.BooleanSupplier;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Every revision a call can run is held without a read at callback time: loaded at start, and announced by any
 * replica's publish. "Another replica" is plain SQL here, writing what its FlowService would.
 */
@QuarkusTest
class PublishedRevisionsTest {

    private static final Duration WAIT = Duration.ofSeconds(10);

    @Inject
    RevisionPrograms programs;
    @Inject
    PublishedRevisions published;
    @Inject
    AgroalDataSource db;

    @Test
    void aRevisionPublishedOnAnotherReplicaIsHeldOnCommitAndNotBefore() throws Exception {
        UUID template = template();
        UUID rolledBack;
        UUID committed;
        try (Connection c = db.getConnection()) {
            c.setAutoCommit(false);
            rolledBack = publishElsewhere(c, template, true);
            c.rollback();
            committed = publishElsewhere(c, template, true);
            assertFalse(programs.holds(committed), "a notification is delivered on commit, not before");
            c.commit();
        }
        await(() -> programs.holds(committed), "the revision published by another replica is held");
        assertTrue(programs.cached(committed).isPresent());
        assertEquals("welcome", programs.cached(committed).orElseThrow().flow().start(), "the program of that revision");
        assertFalse(programs.holds(rolledBack), "a publish that rolled back announced nothing");
    }

    @Test
    void publishAndRollbackThroughTheApiAnnounceTheRevision() {
        String flow = Flows.create(Flows.seedDefinition(), true);
        ObjectNode second = Flows.request(Flows.seedDefinition().put("start", "menu"));
        second.put("publish", false);
        Api.admin().body(second.toString()).put("/v1/flows/" + flow).then().statusCode(200);
        UUID v1 = revisionId(flow, 1);
        UUID v2 = revisionId(flow, 2);
        await(() -> programs.holds(v1), "revision 1, published at create, is held");
        assertFalse(programs.holds(v2), "revision 2 is not published yet, and no call runs it");

        Api.admin().body("{\"version\":2}").post("/v1/flows/" + flow + "/publish").then().statusCode(200);
        await(() -> programs.holds(v2), "revision 2 is held once published");
        Api.admin().body("{\"version\":1}").post("/v1/flows/" + flow + "/publish").then().statusCode(200);
        assertTrue(programs.holds(v1) && programs.holds(v2), "a rollback keeps both: calls may still run either");
    }

    @Test
    void afterItsConnectionIsKilledTheListenerReconnectsAndCatchesUp() throws Exception {
        UUID template = template();
        int before = listenerPid();
        UUID missed;
        try (Connection c = db.getConnection()) {
            missed = publishElsewhere(c, template, false); // as if its NOTIFY was sent while the listener was away
        }
        assertFalse(programs.holds(missed));
        try (Connection c = db.getConnection(); PreparedStatement kill = c.prepareStatement(
                "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE pid = ? AND datname = current_database()")) {
            kill.setInt(1, before);
            kill.execute();
        }
        await(() -> programs.holds(missed), "the revision published while the listener was away is caught up");
        assertNotEquals(before, listenerPid(), "a new connection");

        UUID after;
        try (Connection c = db.getConnection()) {
            after = publishElsewhere(c, template, true);
        }
        await(() -> programs.holds(after), "the new connection listens again");
    }

    @Test
    void atStartEveryRevisionACallCanRunIsHeld() throws Exception {
        UUID template = template();
        published.stop();
        List<UUID> fresh = new ArrayList<>();
        UUID pinned;
        UUID unpinned;
        try {
            try (Connection c = db.getConnection()) {
                c.setAutoCommit(false);
                for (int i = 0; i < 200; i++) {
                    fresh.add(publishElsewhere(c, template, false));
                }
                pinned = olderRevisionWithCall(c, template, "IN_PROGRESS");
                unpinned = olderRevisionWithCall(c, template, "COMPLETED");
                c.commit();
            }
            assertTrue(fresh.stream().noneMatch(programs::holds));
        } finally {
            long started = System.nanoTime();
            published.start();
            System.out.printf("revisions held at start: %d, in %d ms%n", programs.heldCount(),
                    Duration.ofNanos(System.nanoTime() - started).toMillis());
        }
        assertTrue(fresh.stream().allMatch(programs::holds), "every published revision is held at start");
        assertTrue(programs.holds(pinned), "an older revision a running call pinned stays held");
        assertFalse(programs.holds(unpinned), "an older revision only an ended call ran is not held");
        Set<UUID> active = ids("SELECT r.id FROM flow_revision r JOIN flow f ON f.id = r.flow_id"
                + " WHERE f.active_version = r.version AND f.deleted_at IS NULL");
        assertEquals(active.size(), active.stream().filter(programs::holds).count(),
                "every live flow's published revision is held");
    }

    /** A stored revision of the seed IVR whose definition another replica's flows reuse. */
    private UUID template() {
        return revisionId(Flows.create(Flows.seedDefinition(), false), 1);
    }

    /** What another replica's FlowService.create(publish: true) writes; with its NOTIFY when {@code announce}. */
    private static UUID publishElsewhere(Connection c, UUID template, boolean announce) throws SQLException {
        UUID flow = UUID.randomUUID();
        UUID revision = UUID.randomUUID();
        insertFlow(c, flow, 1, 1);
        insertRevision(c, revision, flow, 1, template);
        if (announce) {
            try (Statement notify = c.createStatement()) {
                notify.execute("NOTIFY " + PublishedRevisions.CHANNEL + ", '" + revision + "'");
            }
        }
        return revision;
    }

    /** A flow at revision 2 (published) whose revision 1 a call in {@code status} ran; returns revision 1. */
    private static UUID olderRevisionWithCall(Connection c, UUID template, String status) throws SQLException {
        UUID flow = UUID.randomUUID();
        UUID first = UUID.randomUUID();
        insertFlow(c, flow, 2, 2);
        insertRevision(c, first, flow, 1, template);
        insertRevision(c, UUID.randomUUID(), flow, 2, template);
        try (PreparedStatement call = c.prepareStatement("""
                INSERT INTO call (id, kind, flow_id, flow_version, revision_id, from_number, to_number, status,
                                  created_at, updated_at)
                VALUES (?, 'FLOW', ?, 1, ?, '+911234567890', '+919876543210', ?, now(), now())""")) {
            call.setObject(1, UUID.randomUUID());
            call.setObject(2, flow);
            call.setObject(3, first);
            call.setString(4, status);
            call.executeUpdate();
        }
        return first;
    }

    private static void insertFlow(Connection c, UUID flow, int latest, int active) throws SQLException {
        try (PreparedStatement insert = c.prepareStatement("INSERT INTO flow (id, name, latest_version,"
                + " active_version, created_at, updated_at) VALUES (?, ?, ?, ?, now(), now())")) {
            insert.setObject(1, flow);
            insert.setString(2, "replica-b-" + flow);
            insert.setInt(3, latest);
            insert.setInt(4, active);
            insert.executeUpdate();
        }
    }

    private static void insertRevision(Connection c, UUID revision, UUID flow, int version, UUID template)
            throws SQLException {
        try (PreparedStatement insert = c.prepareStatement("""
                INSERT INTO flow_revision (id, flow_id, version, definition, definition_sha256, created_by, created_at)
                SELECT ?, ?, ?, definition, definition_sha256, 'replica-b', now() FROM flow_revision WHERE id = ?""")) {
            insert.setObject(1, revision);
            insert.setObject(2, flow);
            insert.setInt(3, version);
            insert.setObject(4, template);
            assertEquals(1, insert.executeUpdate());
        }
    }

    private UUID revisionId(String flow, int version) {
        Set<UUID> ids = ids("SELECT id FROM flow_revision WHERE flow_id = '" + UUID.fromString(flow)
                + "' AND version = " + version);
        assertEquals(1, ids.size());
        return ids.iterator().next();
    }

    private int listenerPid() throws SQLException {
        try (Connection c = db.getConnection(); ResultSet rows = c.createStatement().executeQuery(
                "SELECT pid FROM pg_stat_activity WHERE application_name = '" + PublishedRevisions.APPLICATION_NAME
                        + "' AND datname = current_database()")) {
            assertTrue(rows.next(), "the listener is connected");
            int pid = rows.getInt(1);
            assertFalse(rows.next(), "one listener connection");
            return pid;
        }
    }

    private Set<UUID> ids(String sql) {
        try (Connection c = db.getConnection(); ResultSet rows = c.createStatement().executeQuery(sql)) {
            Set<UUID> ids = new HashSet<>();
            while (rows.next()) {
                ids.add(rows.getObject(1, UUID.class));
            }
            return ids;
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    private static void await(BooleanSupplier condition, String what) {
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("not within " + WAIT + ": " + what);
            }
            try {
                Thread.sleep(20);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError(e);
            }
        }
    }
}
