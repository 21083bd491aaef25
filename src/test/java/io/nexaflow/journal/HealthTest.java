package io.nexaflow.journal;

import com.fasterxml.jackson.databind.JsonNode;
import io.nexaflow.support.Flows;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.RestAssured;
import org.junit.jupiter.api.Test;

import java.util.HashMap;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** Readiness shows the journal and the database separately; the database check never takes readiness down. */
@QuarkusTest
class HealthTest {

    @Test
    void readinessShowsTheJournalAndTheDatabase() {
        JsonNode health = Flows.parse(RestAssured.get("/q/health/ready").then().statusCode(200).extract().asString());
        Map<String, JsonNode> checks = new HashMap<>();
        health.get("checks").forEach(c -> checks.put(c.get("name").asText(), c));

        assertThat(checks).containsKeys("journal", "database");
        assertThat(checks.get("database")).isEqualTo(Flows.parse(
                "{\"name\":\"database\",\"status\":\"UP\",\"data\":{\"reachable\":true}}"));
        JsonNode journal = checks.get("journal");
        assertThat(journal.get("status").asText()).isEqualTo("UP");
        assertThat(journal.at("/data/available").asBoolean()).isTrue();
        assertThat(journal.at("/data/maxBytes").asLong()).isEqualTo(268435456L);
        // Quarkus' own datasource readiness check is off: it would take readiness down with PostgreSQL.
        assertThat(checks.keySet()).noneMatch(name -> name.contains("Database connections health check"));
    }
}
