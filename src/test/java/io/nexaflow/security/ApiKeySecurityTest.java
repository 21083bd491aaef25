package io.nexaflow.security;

import com.fasterxml.jackson.databind.JsonNode;
import io.nexaflow.support.Api;
import io.nexaflow.support.Flows;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.RestAssured;
import org.junit.jupiter.api.Test;

import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;

import static io.nexaflow.support.Api.admin;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.not;
import static org.hamcrest.Matchers.startsWith;

@QuarkusTest
class ApiKeySecurityTest {

    private static final String ID = UUID.randomUUID().toString();

    /** Every management operation and the roles allowed to use it (admin may do everything). */
    private static final List<Operation> OPERATIONS = List.of(
            new Operation("GET", "/v1/flows", Set.of("operator", "auditor")),
            new Operation("POST", "/v1/flows", Set.of()),
            new Operation("POST", "/v1/flows/validate", Set.of("operator", "auditor")),
            new Operation("GET", "/v1/flows/{id}", Set.of("operator", "auditor")),
            new Operation("PUT", "/v1/flows/{id}", Set.of()),
            new Operation("DELETE", "/v1/flows/{id}", Set.of()),
            new Operation("GET", "/v1/flows/{id}/versions", Set.of("operator", "auditor")),
            new Operation("GET", "/v1/flows/{id}/versions/{version}", Set.of("operator", "auditor")),
            new Operation("POST", "/v1/flows/{id}/publish", Set.of()),
            new Operation("POST", "/v1/flows/{id}/simulate", Set.of("operator")),
            new Operation("GET", "/v1/flows/{id}/diagram", Set.of("operator", "auditor")),
            new Operation("GET", "/v1/flows/{id}/analytics", Set.of("auditor")),
            new Operation("POST", "/v1/flows/{id}/preflight", Set.of("operator")),
            new Operation("GET", "/v1/calls", Set.of("auditor")),
            new Operation("POST", "/v1/calls", Set.of("operator")),
            new Operation("GET", "/v1/calls/export", Set.of("auditor")),
            new Operation("GET", "/v1/calls/{id}", Set.of("operator", "auditor")),
            new Operation("GET", "/v1/calls/{id}/events", Set.of("operator", "auditor")),
            new Operation("GET", "/v1/dtmf", Set.of("auditor")),
            new Operation("GET", "/v1/dtmf/export", Set.of("auditor")),
            new Operation("GET", "/v1/keys", Set.of()),
            new Operation("POST", "/v1/keys", Set.of()),
            new Operation("DELETE", "/v1/keys/{id}", Set.of()),
            new Operation("GET", "/v1/campaigns", Set.of("operator", "auditor")),
            new Operation("POST", "/v1/campaigns", Set.of("operator")),
            new Operation("GET", "/v1/campaigns/{id}", Set.of("operator", "auditor")),
            new Operation("POST", "/v1/campaigns/{id}/contacts", Set.of("operator"), "text/csv", "number\n"),
            new Operation("GET", "/v1/campaigns/{id}/contacts", Set.of("operator", "auditor")),
            new Operation("GET", "/v1/campaigns/{id}/export", Set.of("operator", "auditor")),
            new Operation("GET", "/v1/campaigns/{id}/analytics", Set.of("operator", "auditor")),
            new Operation("GET", "/v1/campaigns/{id}/progress", Set.of("operator", "auditor")),
            new Operation("POST", "/v1/campaigns/{id}/start", Set.of("operator")),
            new Operation("POST", "/v1/campaigns/{id}/pause", Set.of("operator")),
            new Operation("POST", "/v1/campaigns/{id}/resume", Set.of("operator")),
            new Operation("POST", "/v1/campaigns/{id}/cancel", Set.of("operator")),
            new Operation("GET", "/v1/suppressions", Set.of("operator", "auditor")),
            new Operation("POST", "/v1/suppressions", Set.of("operator")),
            new Operation("DELETE", "/v1/suppressions/{number}", Set.of("operator")));

    /** An operation, who may call it, and a body of the media type it takes (JSON unless it takes another). */
    record Operation(String method, String path, Set<String> roles, String type, String body) {
        Operation(String method, String path, Set<String> roles) {
            this(method, path, roles, "application/json", "{}");
        }

        String url() {
            // exports are asked for an empty range: the check is about who may, not about the rows
            String query = path.endsWith("/export") ? "?until=2000-01-01T00:00:00Z" : "";
            return path.replace("{id}", ID).replace("{version}", "1").replace("{number}", "+919650612345") + query;
        }

        String key() {
            return method + " " + path;
        }
    }

    @Test
    void theTableCoversEveryManagementOperationOfTheOpenApiDocument() {
        JsonNode paths = Flows.parse(RestAssured.get("/q/openapi?format=json").asString()).get("paths");
        Set<String> documented = new TreeSet<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = paths.fields(); it.hasNext(); ) {
            var path = it.next();
            if (path.getKey().startsWith("/v1/")) {
                path.getValue().fieldNames().forEachRemaining(m -> {
                    if (!m.equals("parameters")) {
                        documented.add(m.toUpperCase() + " " + path.getKey());
                    }
                });
            }
        }
        Set<String> tested = new TreeSet<>();
        OPERATIONS.forEach(o -> tested.add(o.key()));
        assertThat(tested).isEqualTo(documented);
    }

    @Test
    void withoutAKeyEveryOperationIs401() {
        for (Operation op : OPERATIONS) {
            RestAssured.given().contentType(op.type()).body(op.body()).request(op.method(), op.url()).then()
                    .statusCode(401).header("WWW-Authenticate", "Bearer")
                    .contentType(startsWith("application/problem+json"))
                    .body("status", equalTo(401));
        }
    }

    @Test
    void withAnUnknownOrMalformedKeyEveryOperationIs401() {
        for (Operation op : OPERATIONS) {
            for (String header : List.of("Bearer nxf_not-a-key", "Basic dXNlcjpwYXNz", "Bearer ")) {
                RestAssured.given().contentType(op.type()).header("Authorization", header).body(op.body())
                        .request(op.method(), op.url()).then().statusCode(401)
                        .contentType(startsWith("application/problem+json"));
            }
        }
    }

    @Test
    void underPrivilegedKeysAre403AndAllowedOnesGetThrough() {
        for (Operation op : OPERATIONS) {
            for (String role : List.of("operator", "auditor")) {
                var answer = Api.as(role).contentType(op.type()).body(op.body()).request(op.method(), op.url()).then();
                if (op.roles().contains(role)) {
                    answer.statusCode(not(403)).statusCode(not(401));
                } else {
                    answer.statusCode(403).contentType(startsWith("application/problem+json"));
                }
            }
            admin().contentType(op.type()).body(op.body()).request(op.method(), op.url()).then().statusCode(not(403))
                    .statusCode(not(401));
        }
    }

    @Test
    void aKeyIsShownOnceStoredHashedAndStopsWorkingWhenRevoked() {
        var created = admin().body(Map.of("name", "short-lived", "role", "auditor")).post("/v1/keys");
        created.then().statusCode(201).body("role", equalTo("auditor"));
        String key = created.path("key");
        String id = created.path("id");
        assertThat(key).startsWith("nxf_").hasSizeGreaterThan(30);

        RestAssured.given().header("Authorization", "Bearer " + key).get("/v1/flows").then().statusCode(200);
        List<Map<String, Object>> listed = admin().get("/v1/keys").then().statusCode(200)
                .extract().jsonPath().getList("$");
        assertThat(listed).filteredOn(k -> id.equals(k.get("id"))).singleElement()
                .satisfies(k -> {
                    assertThat(k.get("key")).isNull();
                    assertThat(key).startsWith((String) k.get("prefix"));
                });

        admin().delete("/v1/keys/" + id).then().statusCode(204);
        RestAssured.given().header("Authorization", "Bearer " + key).get("/v1/flows").then().statusCode(401);
    }

    @Test
    void aKeyRequestIsValidated() {
        admin().body(Map.of("name", "", "role", "root")).post("/v1/keys").then().statusCode(422)
                .body("errors.pointer", org.hamcrest.Matchers.contains("/name", "/role"));
    }
}
