package io.nexaflow.it;

import io.nexaflow.support.TestDatabase;
import io.restassured.RestAssured;
import io.restassured.http.ContentType;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;

/** The packaged jar in the prod profile: what a deployment runs. */
class ProdJarIT {

    private static PackagedApp app;

    @BeforeAll
    static void start() throws Exception {
        app = PackagedApp.start(PackagedApp.env(
                "QUARKUS_DATASOURCE_JDBC_URL", TestDatabase.url(),
                "QUARKUS_DATASOURCE_USERNAME", TestDatabase.username(),
                "QUARKUS_DATASOURCE_PASSWORD", TestDatabase.password(),
                "NEXAFLOW_WEBHOOK_SECRET", "it-webhook-secret",
                "NEXAFLOW_ADMIN_API_KEY", "it-admin-key",
                "NEXAFLOW_PUBLIC_URL", "https://nexaflow.example.com"));
        Duration ready = app.awaitReady(Duration.ofSeconds(90));
        System.out.println("prod jar ready in " + ready.toMillis() + " ms");
        RestAssured.port = app.port;
        RestAssured.baseURI = "http://127.0.0.1";
    }

    @AfterAll
    static void stop() throws Exception {
        if (app != null) {
            app.close();
        }
        RestAssured.reset();
    }

    @Test
    void swaggerUiAndTheOpenApiDocumentAreServed() {
        RestAssured.get("/q/swagger-ui/").then().statusCode(200).body(containsString("swagger"));
        RestAssured.get("/q/openapi?format=json").then().statusCode(200).body("openapi", org.hamcrest.Matchers.startsWith("3."));
    }

    @Test
    void readinessShowsTheJournalAndTheDatabaseAndMetricsAreExposed() {
        RestAssured.get("/q/health/ready").then().statusCode(200).body("status", equalTo("UP"))
                .body("checks.find { it.name == 'journal' }.status", equalTo("UP"))
                .body("checks.find { it.name == 'database' }.data.reachable", equalTo(true));
        RestAssured.get("/q/metrics").then().statusCode(200).body(containsString("jvm_memory_used_bytes"));
    }

    @Test
    void theBootstrapKeyManagesFlows() {
        RestAssured.given().contentType(ContentType.JSON).header("Authorization", "Bearer it-admin-key")
                .body(Map.of("name", "it-" + System.nanoTime(), "definition",
                        Map.of("start", "bye", "nodes", Map.of("bye", Map.of("type", "hangup")))))
                .post("/v1/flows").then().statusCode(201);
        RestAssured.get("/v1/flows").then().statusCode(401);
    }

    @Test
    void theSandboxDoesNotExistInProd() {
        RestAssured.post("/sandbox/auth/get-access-token/any").then().statusCode(404);
    }

    @Test
    void logsAreJson() throws Exception {
        String firstLine = app.output().lines().filter(l -> !l.isBlank()).findFirst().orElseThrow();
        assertThat(firstLine).startsWith("{").contains("\"level\"");
    }
}
