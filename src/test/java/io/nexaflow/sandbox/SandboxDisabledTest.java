package io.nexaflow.sandbox;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.restassured.http.ContentType;
import org.junit.jupiter.api.Test;

import java.util.Map;

import static io.nexaflow.nexafone.VendorPage.parse;
import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;

/** With the sandbox off (as in prod) its paths do not exist, the API document does not list them, and no thread runs. */
@QuarkusTest
@TestProfile(SandboxDisabledTest.Disabled.class)
class SandboxDisabledTest {

    public static class Disabled implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("nexaflow.sandbox.enabled", "false");
        }
    }

    @Test
    void everySandboxPathAnswers404LikeAnUnknownPath() {
        JsonNode unknown = notFound(given().get("/no-such-path").then().statusCode(404).extract().asString());
        assertThat(notFound(given().contentType(ContentType.JSON).body(Map.of("apiKey", "ak_sandbox_key", "apiSecret",
                        "as_sandbox_secret")).post("/sandbox/auth/get-access-token/sandbox-account")
                .then().statusCode(404).extract().asString())).isEqualTo(unknown);
        assertThat(notFound(given().contentType(ContentType.JSON).body("{}").post("/sandbox/voice/v1/calls")
                .then().statusCode(404).extract().asString())).isEqualTo(unknown);
        assertThat(notFound(given().get("/sandbox/calls/abc").then().statusCode(404).extract().asString())).isEqualTo(unknown);
        // A wrong method or a sloppy path must not give the endpoints away either (405 / 200).
        assertThat(notFound(given().get("/sandbox/voice/v1/calls").then().statusCode(404).extract().asString())).isEqualTo(unknown);
        given().get("//sandbox//calls").then().statusCode(404);
        given().post("/sandbox/tokens/expire").then().statusCode(404);
    }

    @Test
    void theOpenApiDocumentDoesNotListTheSandbox() {
        String document = given().queryParam("format", "json").get("/q/openapi").then().statusCode(200).extract().asString();
        assertThat(parse(document).get("paths").fieldNames()).toIterable().isNotEmpty().noneMatch(p -> p.startsWith("/sandbox"));
        assertThat(document).doesNotContain("\"Sandbox\"");
    }

    @Test
    void noSandboxThreadRuns() {
        assertThat(Thread.getAllStackTraces().keySet()).extracting(Thread::getName).noneMatch(n -> n.startsWith("sandbox-"));
    }

    /** The 404 document without the path it names. */
    private static JsonNode notFound(String body) {
        ObjectNode problem = (ObjectNode) parse(body);
        problem.remove(java.util.List.of("instance", "detail"));
        return problem;
    }
}
