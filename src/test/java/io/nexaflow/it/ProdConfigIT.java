package io.nexaflow.it;

import io.nexaflow.support.TestDatabase;
import org.junit.jupiter.api.Test;

import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;

/** The prod profile refuses to start without its required settings, and says which one is missing. */
class ProdConfigIT {

    @Test
    void aMissingDatabaseUrlFailsFastByName() throws Exception {
        try (PackagedApp app = PackagedApp.start(PackagedApp.env(
                "NEXAFLOW_WEBHOOK_SECRET", "s", "NEXAFLOW_PUBLIC_URL", "https://x.example"))) {
            assertThat(app.awaitExit(Duration.ofSeconds(60))).isNotZero();
            assertThat(app.output()).contains("QUARKUS_DATASOURCE_JDBC_URL");
        }
    }

    @Test
    void aMissingWebhookSecretFailsFastByName() throws Exception {
        try (PackagedApp app = PackagedApp.start(PackagedApp.env(
                "QUARKUS_DATASOURCE_JDBC_URL", TestDatabase.url(),
                "QUARKUS_DATASOURCE_USERNAME", TestDatabase.username(),
                "QUARKUS_DATASOURCE_PASSWORD", TestDatabase.password(),
                "NEXAFLOW_PUBLIC_URL", "https://x.example"))) {
            assertThat(app.awaitExit(Duration.ofSeconds(60))).isNotZero();
            assertThat(app.output()).contains("NEXAFLOW_WEBHOOK_SECRET");
        }
    }
}
