package io.nexaflow.db;

import io.nexaflow.config.NexaflowConfig;
import io.quarkus.runtime.Startup;
import jakarta.enterprise.context.ApplicationScoped;

/** Reads the required database URL at start, so prod fails fast and by name when it is missing. */
@Startup
@ApplicationScoped
public class DatabaseUrlCheck {

    public DatabaseUrlCheck(NexaflowConfig config) {
        config.datasource().requiredUrl().ifPresent(url -> {
            if (url.isBlank()) {
                throw new IllegalStateException("Set QUARKUS_DATASOURCE_JDBC_URL to the PostgreSQL JDBC URL");
            }
        });
    }
}
