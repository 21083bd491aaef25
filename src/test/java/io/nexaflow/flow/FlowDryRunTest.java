package io.nexaflow.flow;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.nexaflow.support.Flows;
import io.nexaflow.support.Golden;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import jakarta.persistence.EntityManager;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static io.nexaflow.support.Api.as;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.startsWith;

@QuarkusTest
class FlowDryRunTest {

    @Inject
    EntityManager em;

    @Test
    void simulateTracesEveryStepWithTheExactVerbsAndTouchesNoCall() {
        String flow = Flows.create(Flows.seedDefinition(), true);
        long calls = count();

        JsonNode trace = Flows.parse(as("operator").body(Map.of("inputs", List.of("2", "9")))
                .post("/v1/flows/" + flow + "/simulate").then().statusCode(200).extract().asString());

        ObjectNode start = (ObjectNode) Golden.read("advanced-call-request.json").get("action").deepCopy();
        ((ObjectNode) start.at("/data/action/data")).put("action",
                io.nexaflow.support.Api.callbackBase() + "(state token)");
        ObjectNode expected = (ObjectNode) Flows.parse("""
                {"version": 1, "ended": true, "unusedInputs": ["9"], "steps": [
                  {"entered": ["welcome", "menu"], "waitingAt": "menu", "attempts": {"menu": 1}},
                  {"node": "menu", "input": "2", "route": {"digits": "2", "reason": "MATCH", "target": "agent"},
                   "entered": ["agent", "feedback", "bye"], "attempts": {"menu": 1}}]}""");
        ((ObjectNode) expected.at("/steps/0")).set("verb", start);
        ((ObjectNode) expected.at("/steps/1")).set("verb", Golden.read("handle-dtmf-2.json"));
        assertThat(trace).isEqualTo(expected);
        assertThat(count()).isEqualTo(calls);
    }

    @Test
    void simulateFollowsTimeoutsRepromptsAndMaxAttempts() {
        String flow = Flows.create(Flows.parse("""
                {"start":"menu","nodes":{
                  "menu":{"type":"gather","routes":{"1":"bye"},"onInvalid":"sorry","maxAttempts":2},
                  "sorry":{"type":"play","audioUrl":"https://x.test/sorry.wav","next":"menu"},
                  "bye":{"type":"hangup"}}}"""), true);

        JsonNode trace = Flows.parse(as("operator").body(Map.of("inputs", List.of("", "7")))
                .post("/v1/flows/" + flow + "/simulate").then().statusCode(200).extract().asString());

        assertThat(trace.findValuesAsText("reason")).containsExactly("INVALID", "INVALID");
        assertThat(trace.at("/steps/1/entered")).isEqualTo(Flows.parse("[\"sorry\",\"menu\"]"));
        assertThat(trace.at("/steps/1/attempts")).isEqualTo(Flows.parse("{\"menu\":2}"));
        // The second invalid input: sorry plays, the menu is used up, and with no onMaxAttempts the call hangs up.
        assertThat(trace.at("/steps/2/verb")).isEqualTo(Flows.parse("""
                {"type":"play","data":{"audioUrl":"https://x.test/sorry.wav","action":{"type":"hangup","data":{}}}}"""));
        assertThat(trace.at("/steps/2/exhausted")).isEqualTo(Flows.parse("[\"menu\"]"));
        assertThat(trace.get("ended").asBoolean()).isTrue();
    }

    @Test
    void theDiagramIsMermaidWithRouteLabels() {
        String flow = Flows.create(Flows.seedDefinition(), true);

        String diagram = as("auditor").accept("text/vnd.mermaid").get("/v1/flows/" + flow + "/diagram").then()
                .statusCode(200).contentType(startsWith("text/vnd.mermaid")).extract().asString();

        assertThat(diagram).startsWith("graph TD\n").contains("|\"1\"|").contains("|\"2\"|")
                .contains("onTimeout, onInvalid").contains("072178xxxxx");
        for (String node : List.of("welcome", "menu", "thanks", "agent", "feedback", "invalid", "bye")) {
            assertThat(diagram).contains("\"" + node + "<br/>");
        }
        as("auditor").get("/v1/flows/" + flow + "/diagram?version=9").then().statusCode(404);
    }

    @Test
    void preflightReportsEachAudioUrlAndThePublicUrl() {
        String flow = Flows.create(Flows.parse("""
                {"start":"a","nodes":{"a":{"type":"play","audioUrl":"https://127.0.0.1:1/nothing-listens.wav"}}}"""),
                true);

        as("operator").post("/v1/flows/" + flow + "/preflight").then().statusCode(200)
                .body("ok", org.hamcrest.Matchers.equalTo(false))
                .body("publicUrlHttps", org.hamcrest.Matchers.equalTo(false))
                .body("audio[0].ok", org.hamcrest.Matchers.equalTo(false))
                .body("audio[0].problem", containsString("unreachable"));
    }

    private long count() {
        return ((Number) em.createNativeQuery("SELECT count(*) FROM call").getSingleResult()).longValue();
    }
}
