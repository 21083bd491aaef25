package io.nexaflow.webhook;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.nexaflow.engine.Attempts;
import io.nexaflow.state.CallbackVerbs;
import io.nexaflow.state.StateToken;
import io.nexaflow.state.StateTokens;
import io.nexaflow.support.Flows;
import io.nexaflow.support.Golden;
import io.nexaflow.support.LiveCalls;
import io.nexaflow.support.LiveCalls.LiveCall;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.RestAssured;
import io.restassured.http.ContentType;
import jakarta.inject.Inject;
import jakarta.persistence.EntityManager;
import org.junit.jupiter.api.Test;

import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static io.nexaflow.support.Api.admin;
import static io.nexaflow.support.LiveCalls.gatherAction;
import static io.nexaflow.support.LiveCalls.press;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.startsWith;

@QuarkusTest
class CallbackResourceTest {

    private static final JsonNode HANGUP = Flows.parse("{\"type\":\"hangup\",\"data\":{}}");

    @Inject
    LiveCalls calls;

    @Inject
    CallbackVerbs urls;

    @Inject
    StateTokens tokens;

    @Inject
    EntityManager em;

    /** The state token a callback URL carries, verified; the URL must be the configured callback endpoint. */
    private StateToken tokenIn(String url) {
        String base = io.nexaflow.support.Api.callbackBase();
        assertThat(url).startsWith(base);
        return tokens.verify(url.substring(base.length())).orElseThrow(() -> new AssertionError("token refused: " + url));
    }

    @Test
    void theSeedIvrStartsWithTheVendorsAdvancedAction() {
        LiveCall call = calls.start(Flows.publishedSeed(), 1);

        // The URL carries a token naming this call at its first gather attempt; the rest is the vendor's verb.
        String url = gatherAction(call.verb());
        assertThat(tokenIn(url)).isEqualTo(new StateToken(call.id(), call.revision(), "menu",
                Attempts.of(Map.of("menu", 1))));
        ObjectNode expected = (ObjectNode) Golden.read("advanced-call-request.json").get("action").deepCopy();
        ((ObjectNode) expected.at("/data/action/data")).put("action", url);
        assertThat(call.verb()).isEqualTo(expected);
    }

    @Test
    void pressing2AnswersTheVendorsDialResponseAndCompletesTheCall() {
        LiveCall call = calls.start(Flows.publishedSeed(), 1);

        JsonNode verb = Flows.parse(press(gatherAction(call.verb()), call.callId(), "2", "ch-9").then()
                .statusCode(200).contentType(startsWith("application/json")).extract().asString());

        assertThat(verb).isEqualTo(Golden.read("handle-dtmf-2.json"));
        Map<String, Object> row = row(call.id());
        assertThat(row).containsEntry("status", "COMPLETED").containsEntry("bridged_to", "072178xxxxx")
                .containsEntry("current_node", "bye");
        assertThat(row.get("ended_at")).isNotNull();
        List<Object[]> events = events(call.id());
        assertThat(events).extracting(e -> e[0]).containsExactly("DTMF", "VERB_SENT", "DIAL", "STATUS");
        assertThat(events.get(0)).startsWith("DTMF", "menu", 1, "2", "agent");
        assertThat(Flows.parse((String) events.get(0)[5])).isEqualTo(Flows.parse("{\"callId\":\"" + call.callId()
                + "\",\"channelId\":\"ch-9\",\"digits\":\"2\",\"reason\":\"MATCH\",\"target\":\"agent\","
                + "\"entered\":[\"agent\",\"feedback\",\"bye\"],\"attempts\":{\"menu\":1}}"));
        assertThat(Flows.parse((String) events.get(1)[5])).isEqualTo(Golden.read("handle-dtmf-2.json"));
        assertThat(Flows.parse((String) events.get(2)[5])).isEqualTo(Flows.parse("{\"number\":\"072178xxxxx\"}"));
        List<Object[]> records = records(call.id());
        assertThat(records).extracting(r -> r[0]).containsExactly("DTMF", "DIAL", "STATUS");
        assertThat(Flows.parse((String) records.get(0)[1])).isEqualTo(Golden.read("handle-dtmf-2.json"));
    }

    @Test
    void pressing1AndAnythingElseAnswerTheVendorsOtherResponses() {
        LiveCall one = calls.start(Flows.publishedSeed(), 1);
        LiveCall seven = calls.start(Flows.publishedSeed(), 1);
        LiveCall silent = calls.start(Flows.publishedSeed(), 1);

        assertThat(answer(one, "1#", null)).isEqualTo(Golden.read("handle-dtmf-1.json"));
        assertThat(answer(seven, "7", null)).isEqualTo(Golden.read("handle-dtmf-fallback.json"));
        assertThat(answer(silent, null, null)).isEqualTo(Golden.read("handle-dtmf-fallback.json"));
        Object[] timedOut = events(silent.id()).get(0);
        assertThat(Arrays.copyOf(timedOut, 5)).containsExactly("DTMF", "menu", 1, "", "invalid");
        assertThat(Flows.parse((String) timedOut[5])).isEqualTo(Flows.parse("{\"callId\":\"" + silent.callId()
                + "\",\"digits\":\"\",\"reason\":\"TIMEOUT\",\"target\":\"invalid\","
                + "\"entered\":[\"invalid\",\"bye\"],\"attempts\":{\"menu\":1}}"));
    }

    @Test
    void aSecondDeliveryGetsTheSameVerbAndAdvancesNothing() {
        LiveCall call = calls.start(menuFlow(), 1);
        String url = gatherAction(call.verb());

        String first = press(url, call.callId(), "1", "ch-1").then().statusCode(200).extract().asString();
        String second = press(url, call.callId(), "1", "ch-1").then().statusCode(200).extract().asString();

        assertThat(Flows.parse(second)).isEqualTo(Flows.parse(first));
        assertThat(events(call.id())).extracting(e -> e[0]).containsExactly("DTMF", "VERB_SENT");
        assertThat(row(call.id())).containsEntry("current_node", "sub");
        // One row written for the press: the call row still says where the originate left it.
        assertThat(records(call.id())).extracting(r -> r[0]).containsExactly("DTMF");
        assertThat(em.createNativeQuery("SELECT current_node FROM call WHERE id = ?1").setParameter(1, call.id())
                .getSingleResult()).isEqualTo("menu");
    }

    @Test
    void invalidInputRepromptsWithTheChannelIdUntilAttemptsRunOut() {
        LiveCall call = calls.start(menuFlow(), 1);

        JsonNode again = answer(call, "5", "ch-7");
        assertThat(again.at("/type").asText()).isEqualTo("play");
        JsonNode gather = again.at("/data/action");
        assertThat(gather.at("/type").asText()).isEqualTo("gather");
        assertThat(gather.at("/data/channelId").asText()).isEqualTo("ch-7");
        assertThat(tokenIn(gather.at("/data/action").asText()))
                .isEqualTo(new StateToken(call.id(), call.revision(), "menu", Attempts.of(Map.of("menu", 2))));
        assertThat(Flows.parse(row(call.id()).get("attempts").toString())).isEqualTo(Flows.parse("{\"menu\":2}"));

        JsonNode exhausted = Flows.parse(press(gatherAction(again), call.callId(), "5", "ch-7").then().statusCode(200)
                .extract().asString());

        // The invalid prompt plays, then the menu's attempts are used up: on to onMaxAttempts.
        assertThat(exhausted).isEqualTo(Flows.parse("""
                {"type":"play","data":{"audioUrl":"https://x.test/invalid.wav","action":
                  {"type":"play","data":{"audioUrl":"https://x.test/too-many.wav","action":{"type":"hangup","data":{}}}}}}"""));
        assertThat(row(call.id())).containsEntry("status", "COMPLETED");
    }

    @Test
    void aLiveCallKeepsItsRevisionWhenANewOneIsPublished() {
        String flow = menuFlow();
        LiveCall call = calls.start(flow, 1);
        ObjectNode changed = (ObjectNode) Flows.parse(MENU);
        ((ObjectNode) changed.at("/nodes/menu/routes")).put("1", "bye");
        ObjectNode update = Flows.request(changed);
        update.put("publish", true);
        update.put("name", "menu-" + UUID.randomUUID());
        admin().body(update.toString()).put("/v1/flows/" + flow).then().statusCode(200).body("activeVersion", equalTo(2));

        JsonNode verb = answer(call, "1", null);

        assertThat(verb.at("/type").asText()).isEqualTo("gather"); // revision 1: "1" leads to the sub-menu
        assertThat(row(call.id())).containsEntry("current_node", "sub");
    }

    @Test
    void aForgedOrAlteredTokenIs403AndAudited() {
        LiveCall call = calls.start(Flows.publishedSeed(), 1);
        String url = gatherAction(call.verb());
        String token = url.substring(url.indexOf("s=") + 2);
        char last = token.charAt(token.length() - 5);
        String altered = url.substring(0, url.length() - 5) + (last == 'A' ? 'B' : 'A') + url.substring(url.length() - 4);

        press(altered, call.callId(), "2", null).then().statusCode(403)
                .contentType(startsWith("application/problem+json"));
        RestAssured.given().contentType(ContentType.JSON).body(Map.of("callId", call.callId(), "dtmf", "2"))
                .post("/api/handle-dtmf").then().statusCode(403);

        assertThat(row(call.id())).containsEntry("status", "IN_PROGRESS");
        org.awaitility.Awaitility.await().pollInSameThread().untilAsserted(() -> assertThat(((Number) em.createNativeQuery(
                "SELECT count(*) FROM call_event WHERE type = 'CALLBACK_FORGED' AND payload->>'callId' = ?1")
                .setParameter(1, call.callId()).getSingleResult()).intValue()).isEqualTo(2));
    }

    @Test
    void unknownOrEndedCallsGetTheFallbackVerbWith200() {
        LiveCall call = calls.start(Flows.publishedSeed(), 1);
        String unknown = urls.signedUrl(new StateToken(UUID.randomUUID(), call.revision(), "menu",
                Attempts.of(Map.of("menu", 1))));
        String nobody = "c-nobody-" + UUID.randomUUID(); // unique: the database outlives a run
        assertThat(Flows.parse(press(unknown, nobody, "1", null).then().statusCode(200).extract().asString()))
                .isEqualTo(HANGUP);

        // the right token with another callId
        assertThat(Flows.parse(press(gatherAction(call.verb()), "c-other", "1", null).then().statusCode(200)
                .extract().asString())).isEqualTo(HANGUP);

        answer(call, "1", null); // completes the call
        String later = urls.signedUrl(new StateToken(call.id(), call.revision(), "menu", Attempts.of(Map.of("menu", 2))));
        assertThat(Flows.parse(press(later, call.callId(), "1", null).then().statusCode(200).extract().asString()))
                .isEqualTo(HANGUP);

        assertThat(events(call.id())).extracting(e -> e[0]).containsExactly(
                "CALLBACK_REJECTED", "DTMF", "VERB_SENT", "STATUS", "CALLBACK_REJECTED");
        assertThat(((Number) em.createNativeQuery("SELECT count(*) FROM call_event WHERE type = 'CALLBACK_REJECTED'"
                + " AND call_id IS NULL AND payload->>'callId' = ?1").setParameter(1, nobody).getSingleResult())
                .intValue()).isEqualTo(1);
    }

    @Test
    void aMalformedBodyIs400() {
        LiveCall call = calls.start(Flows.publishedSeed(), 1);
        String url = gatherAction(call.verb());
        String path = url.substring(url.indexOf("/api/"));
        for (String body : List.of("not json", "{}", "[1]", "{\"callId\":\"c\",\"dtmf\":{}}", "{\"callId\":\"c\",\"to\":5}")) {
            RestAssured.given().contentType(ContentType.JSON).body(body).post(path).then().statusCode(400)
                    .contentType(startsWith("application/problem+json"));
        }
        assertThat(row(call.id())).containsEntry("status", "IN_PROGRESS");
    }

    static final String MENU = """
            {"start":"menu","nodes":{
              "menu":{"type":"gather","audioUrl":"https://x.test/menu.wav","routes":{"1":"sub"},"onInvalid":"invalid",
                      "maxAttempts":2,"onMaxAttempts":"toomany"},
              "invalid":{"type":"play","audioUrl":"https://x.test/invalid.wav","next":"menu"},
              "sub":{"type":"gather","routes":{"9":"bye"}},
              "toomany":{"type":"play","audioUrl":"https://x.test/too-many.wav","next":"bye"},
              "bye":{"type":"hangup"}}}""";

    static String menuFlow() {
        return Flows.create(Flows.parse(MENU), true);
    }

    private JsonNode answer(LiveCall call, String dtmf, String channelId) {
        return Flows.parse(press(gatherAction(call.verb()), call.callId(), dtmf, channelId).then().statusCode(200)
                .extract().asString());
    }

    private Map<String, Object> row(UUID call) {
        Object[] row = (Object[]) em.createNativeQuery("SELECT status, current_node, bridged_to, ended_at,"
                + " attempts::text FROM call WHERE id = ?1").setParameter(1, call).getSingleResult();
        Map<String, Object> map = new java.util.HashMap<>();
        map.put("status", row[0]);
        map.put("bridged_to", row[2]);
        map.put("ended_at", row[3]);
        // Where it waits and its attempts as readers see them: a press that only moves the caller on does not
        // write the call row (call.LatestPress).
        JsonNode seen = Flows.parse(admin().get("/v1/calls/{id}", call).then().statusCode(200).extract().asString());
        map.put("current_node", seen.hasNonNull("currentNode") ? seen.get("currentNode").asText() : null);
        map.put("attempts", seen.get("attempts").toString());
        return map;
    }

    /** The call's audit trail as the events API shows it: type, node, attempt, dtmf, route, payload (JSON text). */
    private List<Object[]> events(UUID call) {
        JsonNode items = Flows.parse(admin().get("/v1/calls/{id}/events?limit=500", call).then().statusCode(200)
                .extract().asString()).get("items");
        List<Object[]> events = new java.util.ArrayList<>();
        for (JsonNode e : items) {
            events.add(new Object[] {e.get("type").asText(), text(e.get("node")),
                    e.hasNonNull("attempt") ? e.get("attempt").asInt() : null, text(e.get("dtmf")),
                    text(e.get("route")), e.hasNonNull("payload") ? e.get("payload").toString() : null});
        }
        return events;
    }

    private static String text(JsonNode node) {
        return node == null || node.isNull() ? null : node.asText();
    }

    /** What is stored: one record per callback, the verb in the DTMF row (issue 17). */
    @SuppressWarnings("unchecked")
    private List<Object[]> records(UUID call) {
        return em.createNativeQuery("SELECT type, verb::text FROM call_event WHERE call_id = ?1 ORDER BY id")
                .setParameter(1, call).getResultList();
    }
}
