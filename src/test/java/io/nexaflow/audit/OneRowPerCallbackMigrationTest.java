package io.nexaflow.audit;

import io.nexaflow.support.TestDatabase;
import org.flywaydb.core.Flyway;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * V10 moves each VERB_SENT event into the DTMF row of the key press it answered: an audit trail written before the
 * upgrade reads the same afterwards (the events API expands the DTMF row again), and nothing is lost.
 */
class OneRowPerCallbackMigrationTest {

    private String database;
    private String url;

    @BeforeEach
    void ownDatabase() throws Exception {
        database = "nexaflow_v10_" + ProcessHandle.current().pid() + "_" + System.nanoTime();
        try (Connection admin = admin(); Statement sql = admin.createStatement()) {
            sql.execute("CREATE DATABASE " + database);
        }
        url = TestDatabase.url().replaceFirst("^(jdbc:postgresql://[^/]+/)[^?]*", "$1" + database);
    }

    @AfterEach
    void dropOwnDatabase() throws Exception {
        try (Connection admin = admin(); Statement sql = admin.createStatement()) {
            sql.execute("DROP DATABASE IF EXISTS " + database + " WITH (FORCE)");
        }
    }

    private static Connection admin() throws Exception {
        return DriverManager.getConnection(TestDatabase.url(), TestDatabase.username(), TestDatabase.password());
    }

    private void migrate(String target) {
        Flyway.configure().dataSource(url, TestDatabase.username(), TestDatabase.password())
                .locations("classpath:migration").placeholders(Map.of("runtime_role", "-", "retention_role", "-"))
                .target(target).load().migrate();
    }

    @Test
    void eachVerbSentMovesIntoItsDtmfRowAndNothingElseChanges() throws Exception {
        migrate("9");
        UUID call = UUID.randomUUID();
        try (Connection db = DriverManager.getConnection(url, TestDatabase.username(), TestDatabase.password());
             Statement sql = db.createStatement()) {
            sql.execute("""
                    INSERT INTO call (id, kind, from_number, to_number, status, created_at, updated_at)
                    VALUES ('%s', 'RAW', '+911203135800', '+919650612345', 'COMPLETED', now(), now())""".formatted(call));
            // The 1.x trail of a caller who pressed 1 then 2, and a second call's rejected callback.
            sql.execute("""
                    INSERT INTO call_event (call_id, type, node, attempt, dtmf, route, payload, at) VALUES
                      ('%1$s', 'STATUS', NULL, NULL, NULL, NULL, '{"from": "ORIGINATING", "to": "IN_PROGRESS"}', now()),
                      ('%1$s', 'DTMF', 'menu', 1, '1', 'sub', '{"reason": "MATCH"}', now()),
                      ('%1$s', 'VERB_SENT', 'menu', 1, NULL, NULL, '{"type": "play", "data": {"n": 1}}', now()),
                      ('%1$s', 'DTMF', 'sub', 1, '2', 'bye', '{"reason": "MATCH"}', now()),
                      ('%1$s', 'VERB_SENT', 'sub', 1, NULL, NULL, '{"type": "hangup", "data": {}}', now()),
                      ('%1$s', 'STATUS', 'bye', NULL, NULL, NULL, '{"from": "IN_PROGRESS", "to": "COMPLETED"}', now()),
                      ('%1$s', 'CALLBACK_REJECTED', 'sub', 1, '3', NULL, '{"reason": "call is COMPLETED"}', now())
                    """.formatted(call));
        }

        migrate("latest");

        try (Connection db = DriverManager.getConnection(url, TestDatabase.username(), TestDatabase.password());
             Statement sql = db.createStatement();
             ResultSet rows = sql.executeQuery("SELECT type, node, dtmf, payload::text, verb::text FROM call_event "
                     + "WHERE call_id = '" + call + "' ORDER BY id")) {
            List<String> trail = new ArrayList<>();
            while (rows.next()) {
                trail.add(String.join(" | ", rows.getString(1), String.valueOf(rows.getString(2)),
                        String.valueOf(rows.getString(3)), rows.getString(4), String.valueOf(rows.getString(5))));
            }
            assertThat(trail).containsExactly(
                    "STATUS | null | null | {\"to\": \"IN_PROGRESS\", \"from\": \"ORIGINATING\"} | null",
                    "DTMF | menu | 1 | {\"reason\": \"MATCH\"} | {\"data\": {\"n\": 1}, \"type\": \"play\"}",
                    "DTMF | sub | 2 | {\"reason\": \"MATCH\"} | {\"data\": {}, \"type\": \"hangup\"}",
                    "STATUS | bye | null | {\"to\": \"COMPLETED\", \"from\": \"IN_PROGRESS\"} | null",
                    "CALLBACK_REJECTED | sub | 3 | {\"reason\": \"call is COMPLETED\"} | null");
        }
    }
}
