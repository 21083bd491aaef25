package io.nexaflow.it;

import io.nexaflow.support.TestDatabase;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Two replicas starting at once against an empty database (a first rollout, or a scale-up during a deploy with a
 * new migration) both become ready, and the migrations run once: Flyway serialises them with a PostgreSQL advisory
 * lock (pg_try_advisory_xact_lock in Flyway 12, retried every second up to 50 times).
 */
class ConcurrentMigrationIT {

    @Test
    void twoInstancesMigrateAFreshDatabaseOnceAndBothStart() throws Exception {
        String database = "nexaflow_it_migrate_" + ProcessHandle.current().pid() + "_" + System.currentTimeMillis();
        execute("CREATE DATABASE " + database);
        try {
            String url = TestDatabase.url().replaceFirst("^(jdbc:postgresql://[^/]+/)[^?]*", "$1" + database);
            Map<String, String> env = PackagedApp.env(
                    "QUARKUS_DATASOURCE_JDBC_URL", url,
                    "QUARKUS_DATASOURCE_USERNAME", TestDatabase.username(),
                    "QUARKUS_DATASOURCE_PASSWORD", TestDatabase.password(),
                    "NEXAFLOW_WEBHOOK_SECRET", "it-webhook-secret",
                    "NEXAFLOW_PUBLIC_URL", "https://nexaflow.example.com");
            try (PackagedApp first = PackagedApp.start(env); PackagedApp second = PackagedApp.start(env)) {
                first.awaitReady(Duration.ofSeconds(180));
                second.awaitReady(Duration.ofSeconds(180));
                List<String> logs = List.of(first.output(), second.output());
                for (int i = 0; i < logs.size(); i++) {
                    System.out.println("instance " + (i + 1) + ": " + flywayMessages(logs.get(i)));
                }
                // Flyway takes its advisory lock per migration, so the two may share the work; none may repeat any.
                Pattern appliedCount = Pattern.compile("Successfully applied (\\d+) migration");
                assertThat(logs.stream().map(appliedCount::matcher).filter(Matcher::find)
                        .mapToInt(m -> Integer.parseInt(m.group(1))).sum())
                        .as("the two instances together applied every migration once")
                        .isEqualTo(migrations("[VR].*\\.sql"));

                try (Connection connection = DriverManager.getConnection(url, TestDatabase.username(), TestDatabase.password());
                     Statement statement = connection.createStatement();
                     ResultSet rows = statement.executeQuery(
                             "SELECT version, success FROM flyway_schema_history WHERE version IS NOT NULL ORDER BY installed_rank")) {
                    List<String> applied = new ArrayList<>();
                    while (rows.next()) {
                        assertThat(rows.getBoolean("success")).isTrue();
                        applied.add(rows.getString("version"));
                    }
                    assertThat(applied).doesNotHaveDuplicates().hasSize(migrations("V\\d+__.*\\.sql"));
                }
            }
        } finally {
            execute("DROP DATABASE IF EXISTS " + database + " WITH (FORCE)");
        }
    }

    private static List<String> flywayMessages(String log) {
        Pattern message = Pattern.compile("\"message\":\"((?:[^\"\\\\]|\\\\.)*)\"");
        return log.lines().filter(l -> l.contains("org.flywaydb")).map(message::matcher)
                .filter(Matcher::find).map(m -> m.group(1).replace("\\\"", "\"")).toList();
    }

    private static int migrations(String names) throws Exception {
        try (Stream<Path> files = Files.list(Path.of("db", "migration"))) {
            return (int) files.filter(f -> f.getFileName().toString().matches(names)).count();
        }
    }

    /** On the test's PostgreSQL server, in the database TestDatabase names (CREATE/DROP DATABASE need another one). */
    private static void execute(String sql) throws Exception {
        try (Connection connection = DriverManager.getConnection(TestDatabase.url(), TestDatabase.username(), TestDatabase.password());
             Statement statement = connection.createStatement()) {
            statement.execute(sql);
        } catch (SQLException e) {
            throw new IllegalStateException(sql + " failed on " + TestDatabase.url(), e);
        }
    }
}
