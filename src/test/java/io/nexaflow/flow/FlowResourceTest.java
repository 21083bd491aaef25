package io.nexaflow.flow;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.nexaflow.support.Flows;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.Response;
import org.junit.jupiter.api.Test;

import static io.nexaflow.support.Api.admin;
import static io.nexaflow.support.Api.as;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.endsWith;

@QuarkusTest
class FlowResourceTest {

    @Test
    void createsTheSeedIvrAndReadsItBack() {
        ObjectNode body = Flows.request(Flows.seedDefinition());
        body.put("publish", true);
        Response created = admin().body(body.toString()).post("/v1/flows");
        created.then().statusCode(201).header("Location", endsWith("/v1/flows/" + created.path("id")));
        JsonNode flow = Flows.parse(created.asString());
        assertThat(flow.get("activeVersion").asInt()).isEqualTo(1);
        assertThat(flow.get("latestVersion").asInt()).isEqualTo(1);

        JsonNode read = Flows.parse(as("auditor").get("/v1/flows/" + flow.get("id").asText()).then().statusCode(200)
                .extract().asString());
        assertThat(read.get("definition")).isEqualTo(flow.get("definition"));
        assertThat(read.get("definition").get("nodes").get("menu").get("routes"))
                .isEqualTo(Flows.parse("{\"1\":\"thanks\",\"2\":\"agent\"}"));
    }
}
