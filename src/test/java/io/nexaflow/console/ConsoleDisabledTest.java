package io.nexaflow.console;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.nexaflow.support.Api;
import io.nexaflow.support.Flows;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.restassured.RestAssured;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** With the console off (prod, unless NEXAFLOW_CONSOLE_ENABLED=true) none of its paths exists, files included. */
@QuarkusTest
@TestProfile(ConsoleDisabledTest.Disabled.class)
class ConsoleDisabledTest {

    public static class Disabled implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("nexaflow.console.enabled", "false");
        }
    }

    @Test
    void everyConsolePathAnswersTheSame404AsAnUnknownPath() {
        JsonNode unknown = withoutPath(RestAssured.get("/no-such-path").then().statusCode(404).extract().asString());
        for (String path : List.of("/console", "/console/", "/console/login", "/console/flows",
                "/console/assets/console.js", "/console/assets/console.css",
                "/webjars/mermaid/11.14.0/dist/mermaid.min.js", "//console//flows")) {
            String body = RestAssured.given().cookie("nexaflow_console", "x").get(path).then().statusCode(404)
                    .contentType("application/problem+json").extract().asString();
            assertThat(withoutPath(body)).as(path).isEqualTo(unknown);
        }
        String signIn = RestAssured.given().formParam("key", Api.ADMIN_KEY).post("/console/login").then()
                .statusCode(404).extract().asString();
        assertThat(withoutPath(signIn)).isEqualTo(unknown);
    }

    /** The 404 document without the path it names. */
    private static JsonNode withoutPath(String body) {
        ObjectNode problem = (ObjectNode) Flows.parse(body);
        problem.remove(List.of("instance", "detail"));
        return problem;
    }
}
