package io.nexaflow.call;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.nexaflow.call.CallRows.SeededFlow;
import io.nexaflow.support.Flows;
import io.nexaflow.support.LiveCalls;
import io.nexaflow.support.LiveCalls.LiveCall;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.specification.RequestSpecification;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static io.nexaflow.support.Api.admin;
import static io.nexaflow.support.Api.as;
import static io.nexaflow.support.LiveCalls.gatherAction;
import static io.nexaflow.support.LiveCalls.press;
import static org.assertj.core.api.Assertions.assertThat;

/** GET /v1/dtmf after real gather callbacks through the webhook. */
@QuarkusTest
class DtmfHistoryTest {

    /** Two gathers in a row: "1" at the menu leads to the sub-menu, where "9" hangs up. */
    static final String MENU = """
            {"start":"menu","nodes":{
              "menu":{"type":"gather","audioUrl":"https://x.test/menu.wav","routes":{"1":"sub"},"onInvalid":"menu"},
              "sub":{"type":"gather","routes":{"9":"bye"}},
              "bye":{"type":"hangup"}}}""";

    @Inject
    LiveCalls live;

    @Inject
    CallRows rows;

    @Test
    void everyKeyPressedIsListedWithItsCallFlowRouteAndReason() {
        SeededFlow ivr = rows.flow(2); // the vendor's demo IVR: 1 thanks, 2 agent, terminator #
        LiveCall one = live.start(ivr.id().toString(), 1);
        LiveCall seven = live.start(ivr.id().toString(), 2);
        LiveCall silent = live.start(ivr.id().toString(), 1);

        press(gatherAction(one.verb()), one.callId(), "1#", "ch-1").then().statusCode(200);
        press(gatherAction(seven.verb()), seven.callId(), "7", "ch-2").then().statusCode(200);
        press(gatherAction(silent.verb()), silent.callId(), null, null).then().statusCode(200);

        JsonNode page = dtmf(Map.of("flowId", ivr.id()));

        ArrayNode expected = Flows.JSON.createArrayNode();
        expected.add(input(silent, ivr, 1, "menu", 1, "", "invalid", "TIMEOUT"));
        expected.add(input(seven, ivr, 2, "menu", 1, "7", "invalid", "INVALID"));
        expected.add(input(one, ivr, 1, "menu", 1, "1#", "thanks", "MATCH"));
        assertThat(page.get("items")).isEqualTo(Flows.parse(expected.toString()));
        assertThat(page.get("next").isNull()).isTrue();

        assertThat(calls(dtmf(Map.of("flowId", ivr.id(), "flowVersion", 2)))).containsExactly(seven.id());
        Instant second = Instant.parse(expected.get(1).get("at").asText());
        assertThat(calls(dtmf(Map.of("flowId", ivr.id(), "since", second.toString()))))
                .containsExactly(silent.id(), seven.id());
        assertThat(calls(dtmf(Map.of("flowId", ivr.id(), "until", second.toString())))).containsExactly(one.id());

        JsonNode first = dtmf(Map.of("flowId", ivr.id(), "limit", 2));
        JsonNode rest = dtmf(Map.of("flowId", ivr.id(), "limit", 2, "cursor", first.get("next").asText()));
        assertThat(calls(first)).containsExactly(silent.id(), seven.id());
        assertThat(calls(rest)).containsExactly(one.id());
        assertThat(rest.get("next").isNull()).isTrue();
    }

    @Test
    void theStatusFilterIsTheCallsAndEachGatherAndAttemptIsItsOwnInput() {
        ObjectNode body = Flows.request(Flows.parse(MENU));
        body.put("publish", true);
        String flow = admin().body(body.toString()).post("/v1/flows").then().statusCode(201).extract().path("id");
        LiveCall waiting = live.start(flow, 1);
        LiveCall done = live.start(flow, 1);

        press(gatherAction(waiting.verb()), waiting.callId(), "1", null).then().statusCode(200);
        JsonNode again = Flows.parse(press(gatherAction(done.verb()), done.callId(), "5", null).then().statusCode(200)
                .extract().asString());
        JsonNode sub = Flows.parse(press(gatherAction(again), done.callId(), "1", null).then().statusCode(200)
                .extract().asString());
        press(gatherAction(sub), done.callId(), "9", null).then().statusCode(200);

        JsonNode running = dtmf(Map.of("flowId", flow, "status", "IN_PROGRESS"));
        JsonNode completed = dtmf(Map.of("flowId", flow, "status", "COMPLETED"));

        assertThat(running.get("items")).extracting(i -> i.get("call").asText() + " " + i.get("node").asText() + "#"
                + i.get("attempt").asInt() + " " + i.get("digits").asText() + "→" + i.get("route").asText())
                .containsExactly(waiting.id() + " menu#1 1→sub");
        assertThat(completed.get("items")).extracting(i -> i.get("node").asText() + "#" + i.get("attempt").asInt()
                + " " + i.get("digits").asText() + "→" + i.get("route").asText() + " " + i.get("reason").asText())
                .containsExactly("sub#1 9→bye MATCH", "menu#2 1→sub MATCH", "menu#1 5→menu INVALID");
    }

    @Test
    void aNumberFindsTheInputsOfItsCalls() {
        SeededFlow flow = rows.flow(1);
        String to = rows.number();
        Instant at = Instant.now().minusSeconds(7200);
        UUID mine = rows.call(flow, 1, rows.number(), to, Call.Status.COMPLETED, at);
        UUID other = rows.call(flow, 1, rows.number(), rows.number(), Call.Status.COMPLETED, at);
        rows.event(mine, "DTMF", "menu", 1, "2", "agent", "{\"reason\": \"MATCH\"}", at.plusSeconds(3));
        rows.event(other, "DTMF", "menu", 1, "1", "thanks", "{\"reason\": \"MATCH\"}", at.plusSeconds(4));
        rows.event(mine, "VERB_SENT", "menu", 1, null, null, "{}", at.plusSeconds(3));

        assertThat(calls(dtmf(Map.of("to", to)))).containsExactly(mine);
        assertThat(calls(dtmf(Map.of("flowId", flow.id())))).containsExactly(other, mine);
        as("operator").get("/v1/dtmf").then().statusCode(403);
        as("auditor").queryParam("cursor", new io.nexaflow.api.Cursor(at, UUID.randomUUID().toString()).encode())
                .get("/v1/dtmf").then().statusCode(400);
    }

    /** The expected item, with seq and time as the webhook stored them. */
    private ObjectNode input(LiveCall call, SeededFlow flow, int version, String node, int attempt, String digits,
                             String route, String reason) {
        Map<String, Object> row = rows.query("SELECT id, at FROM call_event WHERE call_id = ? AND type = 'DTMF'"
                + " AND node = ? AND attempt = ?", call.id(), node, attempt).get(0);
        ObjectNode item = Flows.JSON.createObjectNode();
        item.put("seq", (Long) row.get("id"));
        item.put("call", call.id().toString());
        item.put("callId", call.callId());
        item.put("flowId", flow.id().toString());
        item.put("flowVersion", version);
        item.put("from", "+911203135800");
        item.put("to", "+919650612345");
        item.put("node", node);
        item.put("attempt", attempt);
        item.put("digits", digits);
        item.put("route", route);
        item.put("reason", reason);
        item.put("at", row.get("at").toString());
        return item;
    }

    private static JsonNode dtmf(Map<String, ?> params) {
        RequestSpecification request = as("auditor");
        params.forEach(request::queryParam);
        return request.get("/v1/dtmf").then().statusCode(200).extract().as(JsonNode.class);
    }

    private static List<UUID> calls(JsonNode page) {
        return java.util.stream.StreamSupport.stream(page.get("items").spliterator(), false)
                .map(i -> UUID.fromString(i.get("call").asText())).toList();
    }
}
