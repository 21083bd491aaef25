package io.nexaflow.support;

import java.io.IOException;

/** The database of tests that run outside Quarkus: the configured URL, else an embedded PostgreSQL (superuser). */
public final class TestDatabase {

    private static String url;

    private TestDatabase() {
    }

    public static synchronized String url() throws IOException {
        if (url == null) {
            String configured = System.getenv("QUARKUS_DATASOURCE_JDBC_URL");
            url = configured != null && !configured.isBlank() ? configured
                    : io.zonky.test.db.postgres.embedded.EmbeddedPostgres.builder().start()
                    .getJdbcUrl("postgres", "postgres");
        }
        return url;
    }

    public static String username() {
        String user = System.getenv("QUARKUS_DATASOURCE_USERNAME");
        return user == null ? "postgres" : user;
    }

    public static String password() {
        String password = System.getenv("QUARKUS_DATASOURCE_PASSWORD");
        return password == null ? "" : password;
    }
}
