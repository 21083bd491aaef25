package io.nexaflow.flow;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.nexaflow.support.Flows;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.Response;
import jakarta.inject.Inject;
import jakarta.persistence.EntityManager;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;
import java.util.UUID;

import static io.nexaflow.support.Api.admin;
import static io.nexaflow.support.Api.as;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.endsWith;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasKey;
import static org.hamcrest.Matchers.not;
import static org.hamcrest.Matchers.startsWith;

@QuarkusTest
class FlowResourceTest {

    @Inject
    EntityManager em;

    @Test
    void createsTheSeedIvrAndReadsItBack() {
        ObjectNode body = Flows.request(Flows.seedDefinition());
        body.put("publish", true);
        Response created = admin().body(body.toString()).post("/v1/flows");
        created.then().statusCode(201).header("Location", endsWith("/v1/flows/" + created.path("id")));
        JsonNode flow = Flows.parse(created.asString());
        assertThat(flow.get("activeVersion").asInt()).isEqualTo(1);
        assertThat(flow.get("latestVersion").asInt()).isEqualTo(1);
        assertThat(flow.get("name").asText()).isEqualTo(body.get("name").asText());

        JsonNode read = Flows.parse(as("auditor").get("/v1/flows/" + flow.get("id").asText()).then().statusCode(200)
                .extract().asString());
        assertThat(read.get("definition")).isEqualTo(flow.get("definition"));
        assertThat(read.get("definition").at("/nodes/menu/routes"))
                .isEqualTo(Flows.parse("{\"1\":\"thanks\",\"2\":\"agent\"}"));
        assertThat(read.has("warnings")).isFalse();
    }

    @Test
    void everyUpdateIsANewRevisionAndOlderOnesCanBePublishedBack() {
        String id = Flows.create(Flows.seedDefinition(), true);
        ObjectNode v2 = Flows.seedDefinition();
        ((ObjectNode) v2.at("/nodes/menu/routes")).put("3", "bye");
        ObjectNode update = Flows.request(v2);
        update.put("name", "renamed-" + UUID.randomUUID());
        update.put("comment", "add option 3");

        admin().body(update.toString()).put("/v1/flows/" + id).then().statusCode(200)
                .body("latestVersion", equalTo(2)).body("activeVersion", equalTo(1)).body("newRevision", equalTo(true))
                .body("definition.nodes.menu.routes.3", equalTo("bye"));

        List<Map<String, Object>> revisions = as("auditor").get("/v1/flows/" + id + "/versions")
                .then().statusCode(200).extract().jsonPath().getList("$");
        assertThat(revisions).extracting(r -> r.get("version")).containsExactly(2, 1);
        assertThat(revisions).extracting(r -> r.get("comment")).containsExactly("add option 3", "test");
        assertThat(revisions).extracting(r -> r.get("createdBy")).containsOnly("bootstrap-admin");
        assertThat(revisions).extracting(r -> r.get("published")).containsExactly(false, true);

        admin().body("{\"version\":2}").post("/v1/flows/" + id + "/publish").then().statusCode(200)
                .body("activeVersion", equalTo(2));
        // Rollback is publishing the older revision.
        admin().body("{\"version\":1}").post("/v1/flows/" + id + "/publish").then().statusCode(200)
                .body("activeVersion", equalTo(1)).body("latestVersion", equalTo(2));

        JsonNode v1 = Flows.parse(as("auditor").get("/v1/flows/" + id + "/versions/1").then().statusCode(200)
                .body("published", equalTo(true)).extract().asString());
        assertThat(v1.at("/definition/nodes/menu/routes").has("3")).isFalse();
        assertThat(v1.get("definitionSha256").asText()).hasSize(64);
    }

    @Test
    void anUnchangedDefinitionIsNotANewRevision() {
        String id = Flows.create(Flows.seedDefinition(), false);
        ObjectNode same = Flows.request(Flows.seedDefinition());
        same.put("publish", true);

        admin().body(same.toString()).put("/v1/flows/" + id).then().statusCode(200)
                .body("latestVersion", equalTo(1)).body("activeVersion", equalTo(1))
                .body("newRevision", equalTo(false));
        // The response says so; reads of the flow do not carry it.
        as("auditor").get("/v1/flows/" + id).then().statusCode(200).body("$", not(hasKey("newRevision")));
    }

    @Test
    void anInvalidDefinitionIs422WithEveryProblemAndStoresNothing() {
        ObjectNode definition = Flows.seedDefinition();
        ((ObjectNode) definition.at("/nodes/menu")).put("maxDigits", 0);
        ((ObjectNode) definition.at("/nodes/thanks")).put("next", "gone");
        ObjectNode body = Flows.request(definition);
        body.put("name", "");
        long before = count("flow_revision");

        JsonNode problem = Flows.parse(admin().body(body.toString()).post("/v1/flows").then().statusCode(422)
                .contentType(startsWith("application/problem+json")).extract().asString());

        assertThat(problem.get("type").asText()).isEqualTo("urn:nexaflow:problem:invalid-flow");
        assertThat(problem.get("instance").asText()).isEqualTo("/v1/flows");
        assertThat(problem.get("errors")).isEqualTo(Flows.parse("""
                [{"pointer":"/name","message":"is required"},
                 {"pointer":"/definition/nodes/menu/maxDigits","message":"must be between 1 and 32, was 0"},
                 {"pointer":"/definition/nodes/thanks/next","message":"refers to node 'gone', which does not exist"}]"""));
        assertThat(count("flow_revision")).isEqualTo(before);
    }

    @Test
    void malformedAndEmptyBodiesAre400() {
        long before = count("flow");
        admin().body("{\"name\": \"x\", \"definition\": {").post("/v1/flows").then().statusCode(400)
                .contentType(startsWith("application/problem+json"))
                .body("title", equalTo("Malformed request body"));
        admin().body("{\"name\": 5, \"definition\": []}").post("/v1/flows").then().statusCode(422);
        admin().body("{\"name\": \"x\", \"publish\": \"maybe\"}").post("/v1/flows").then().statusCode(400)
                .body("errors[0].pointer", equalTo("/publish"));
        admin().post("/v1/flows").then().statusCode(400).contentType(startsWith("application/problem+json"));
        assertThat(count("flow")).isEqualTo(before);
    }

    @Test
    void anOversizedBodyIs413AndStoresNothing() {
        long before = count("flow");
        String huge = "{\"name\":\"" + "x".repeat(1_100_000) + "\"}";

        admin().body(huge).post("/v1/flows").then().statusCode(413)
                .contentType(startsWith("application/problem+json"));
        assertThat(count("flow")).isEqualTo(before);
    }

    @Test
    void unknownFlowsAndRevisionsAre404() {
        String id = Flows.create(Flows.seedDefinition(), false);
        as("auditor").get("/v1/flows/" + UUID.randomUUID()).then().statusCode(404)
                .contentType(startsWith("application/problem+json"));
        as("auditor").get("/v1/flows/" + id + "/versions/7").then().statusCode(404)
                .body("detail", equalTo("Flow " + id + " has no revision 7 (latest is 1)"));
        admin().body("{\"version\":3}").post("/v1/flows/" + id + "/publish").then().statusCode(404);
        admin().body("{}").post("/v1/flows/" + id + "/publish").then().statusCode(422)
                .body("errors[0].pointer", equalTo("/version"));
        as("auditor").get("/v1/flows/not-a-uuid").then().statusCode(404);
    }

    @Test
    void namesAreUniqueAmongLiveFlows() {
        ObjectNode body = Flows.request(Flows.seedDefinition());
        admin().body(body.toString()).post("/v1/flows").then().statusCode(201);
        admin().body(body.toString()).post("/v1/flows").then().statusCode(409)
                .body("type", equalTo("urn:nexaflow:problem:flow-name-taken"));
    }

    @Test
    void deleteHidesTheFlowButKeepsItsRevisions() {
        String id = Flows.create(Flows.seedDefinition(), true);

        admin().delete("/v1/flows/" + id).then().statusCode(204);

        as("auditor").get("/v1/flows/" + id).then().statusCode(404);
        admin().delete("/v1/flows/" + id).then().statusCode(404);
        assertThat(((Number) em.createNativeQuery("SELECT count(*) FROM flow_revision WHERE flow_id = ?1")
                .setParameter(1, UUID.fromString(id)).getSingleResult()).longValue()).isEqualTo(1);
    }

    @Test
    void listsPageByCursorNewestFirst() {
        String a = Flows.create(Flows.seedDefinition(), false);
        String b = Flows.create(Flows.seedDefinition(), false);
        String c = Flows.create(Flows.seedDefinition(), false);

        Response first = as("operator").queryParam("limit", 2).get("/v1/flows");
        first.then().statusCode(200);
        assertThat(first.jsonPath().getList("items.id")).containsExactly(c, b);
        String next = first.path("next");
        assertThat(next).isNotNull();
        Response second = as("operator").queryParam("limit", 2).queryParam("cursor", next).get("/v1/flows");
        assertThat(second.jsonPath().getList("items.id", String.class).get(0)).isEqualTo(a);
        assertThat(second.jsonPath().getList("items.definition")).containsOnlyNulls();

        as("operator").queryParam("cursor", "garbage!").get("/v1/flows").then().statusCode(400);
        as("operator").queryParam("limit", 0).get("/v1/flows").then().statusCode(400);
    }

    @Test
    void validateChecksWithoutStoring() {
        long before = count("flow");
        as("operator").body(Map.of("definition", Flows.seedDefinition())).post("/v1/flows/validate").then()
                .statusCode(200).body("valid", equalTo(true));
        ObjectNode broken = Flows.seedDefinition();
        broken.remove("start");
        as("operator").body(Map.of("definition", broken)).post("/v1/flows/validate").then()
                .statusCode(200).body("valid", equalTo(false))
                .body("errors[0].pointer", equalTo("/definition/start"));
        assertThat(count("flow")).isEqualTo(before);
    }

    private long count(String table) {
        return ((Number) em.createNativeQuery("SELECT count(*) FROM " + table).getSingleResult()).longValue();
    }
}
