package io.nexaflow.sandbox;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.nexaflow.nexafone.VendorPage;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.nexaflow.config.NexaflowConfig;
import jakarta.inject.Inject;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

import static io.nexaflow.nexafone.VendorPage.parse;
import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.equalTo;

/** Whole simulated calls through the sandbox's HTTP endpoints, with a customer webhook like the vendor's Express example. */
@QuarkusTest
class SandboxCallTest {

    static final String FEEDBACK = "https://nexafone.com/audio-prompts/nice_talking_give_your_feedback.wav";
    static final String THANKS = "https://nexafone.com/audio-prompts/input_submitted_have_a_nice_day.wav";
    static final String INVALID = "https://nexafone.com/audio-prompts/invalid_option.wav";
    private static final CustomerWebhook WEBHOOK = new CustomerWebhook();
    private static final AtomicInteger NUMBERS = new AtomicInteger(1000);

    @Inject
    NexaflowConfig config;

    @AfterAll
    static void stopWebhook() {
        WEBHOOK.close();
    }

    @Test
    void theAdvancedBlueprintRunsToHangupWhenTheCallerPresses2() {
        ObjectNode payload = advanced("096506xxxx", WEBHOOK.url("/api/handle-dtmf"));
        String callId = Sandbox.originate(payload);
        Sandbox.awaitState(callId, "gathering");
        given().contentType(ContentType.JSON).body(Map.of("digits", "2"))
                .post("/sandbox/calls/{id}/dtmf", callId).then().statusCode(200);
        JsonNode call = Sandbox.awaitEnded(callId);

        assertThat(kinds(call)).containsExactly("queued", "leg", "leg", "leg", "leg", "play", "gather", "dtmf", "gathered",
                "webhook", "dial", "dialed", "play", "hangup", "ended");
        assertThat(call.get("state").asText()).isEqualTo("ended");
        assertThat(call.get("reason").asText()).isEqualTo("hangup");
        assertThat(call.has("error")).isFalse();
        assertThat(call.get("recordCall").asBoolean()).isTrue();
        assertThat(call.get("request")).isEqualTo(payload);

        String toChannel = step(call, "leg", 3).get("channelId").asText();
        assertThat(withoutTime(step(call, "leg", 3))).isEqualTo(parse("{\"kind\":\"leg\",\"leg\":\"to\",\"outcome\":"
                + "\"answered\",\"number\":\"096506xxxx\",\"channelId\":\"" + toChannel + "\"}"));
        JsonNode play = step(call, "play", 0);
        assertThat(play.get("pointer").asText()).isEqualTo("/action");
        assertThat(play.get("verb")).isEqualTo(payload.get("action"));
        assertThat(play.get("audioUrl").asText()).isEqualTo("https://nexafone.com/audio-prompts/thanks_for_call_plz_wait.wav");
        JsonNode gather = step(call, "gather", 0);
        assertThat(gather.get("pointer").asText()).isEqualTo("/action/data/action");
        assertThat(gather.get("audioUrl").asText()).isEqualTo("https://nexafone.com/audio-prompts/hey_welcome_press1_or_2.wav");
        assertThat(step(call, "dtmf", 0).get("digits").asText()).isEqualTo("2");
        assertThat(step(call, "dtmf", 0).get("source").asText()).isEqualTo("api");
        assertThat(step(call, "gathered", 0).get("digits").asText()).isEqualTo("2");
        assertThat(step(call, "gathered", 0).get("reason").asText()).isEqualTo("digit-timeout");

        JsonNode expectedCallback = parse("{\"callId\":\"" + callId + "\",\"dtmf\":\"2\",\"to\":{\"channelId\":\"" + toChannel + "\"}}");
        JsonNode webhook = step(call, "webhook", 0).get("webhook");
        ObjectNode expectedWebhook = parse("{\"url\":\"" + WEBHOOK.url("/api/handle-dtmf") + "\",\"status\":200}");
        expectedWebhook.set("request", expectedCallback);
        expectedWebhook.set("response", parse(VendorPage.EXPRESS_DTMF_2));
        assertThat(webhook).isEqualTo(expectedWebhook);
        assertThat(WEBHOOK.receivedFor(callId)).containsExactly(
                new CustomerWebhook.Received("/api/handle-dtmf", "application/json", expectedCallback));

        JsonNode dial = step(call, "dial", 0);
        assertThat(dial.get("verb")).isEqualTo(parse(VendorPage.EXPRESS_DTMF_2));
        assertThat(dial.get("pointer").asText()).isEmpty();
        assertThat(dial.get("number").asText()).isEqualTo("072178xxxxx");
        assertThat(step(call, "dialed", 0).get("outcome").asText()).isEqualTo("answered");
        assertThat(step(call, "play", 1).get("audioUrl").asText()).isEqualTo(FEEDBACK);
        assertThat(step(call, "play", 1).get("pointer").asText()).isEqualTo("/data/action");
        assertThat(step(call, "hangup", 0).get("pointer").asText()).isEqualTo("/data/action/data/action");
        assertThat(step(call, "ended", 0).get("reason").asText()).isEqualTo("hangup");
    }

    @Test
    void pressing1WithTheTerminatorEndsTheGatherAtOnce() {
        String callId = Sandbox.originate(advanced(number(), WEBHOOK.url("/api/handle-dtmf")));
        Sandbox.awaitState(callId, "gathering");
        given().contentType(ContentType.JSON).body(Map.of("digits", "1#"))
                .post("/sandbox/calls/{id}/dtmf", callId).then().statusCode(200);
        JsonNode call = Sandbox.awaitEnded(callId);

        assertThat(step(call, "gathered", 0).get("digits").asText()).isEqualTo("1");
        assertThat(step(call, "gathered", 0).get("reason").asText()).isEqualTo("terminator");
        assertThat(playedAudio(call)).endsWith(THANKS);
        assertThat(call.get("reason").asText()).isEqualTo("hangup");
    }

    @Test
    void aGatherThatTimesOutSendsEmptyDtmfAndTheFallbackPlays() {
        String callId = Sandbox.originate(advanced(number(), WEBHOOK.url("/api/handle-dtmf")));
        JsonNode call = Sandbox.awaitEnded(callId);

        assertThat(step(call, "gathered", 0).get("reason").asText()).isEqualTo("timeout");
        assertThat(WEBHOOK.receivedFor(callId)).hasSize(1);
        assertThat(WEBHOOK.receivedFor(callId).get(0).body().get("dtmf").asText()).isEmpty();
        assertThat(kinds(call)).containsSubsequence("gathered", "webhook", "play", "hangup", "ended");
        assertThat(playedAudio(call)).endsWith(INVALID);
    }

    @Test
    void aScriptForTheNumberPressesKeysAtTheNextCallAndMaxDigitsCutsThemOff() {
        String to = number();
        given().contentType(ContentType.JSON).body(Map.of("to", to, "digits", List.of("123456")))
                .post("/sandbox/scripts").then().statusCode(201);
        String callId = Sandbox.originate(advanced(to, WEBHOOK.url("/api/handle-dtmf")));
        JsonNode call = Sandbox.awaitEnded(callId);

        JsonNode dtmf = step(call, "dtmf", 0);
        assertThat(dtmf.get("source").asText()).isEqualTo("script");
        assertThat(dtmf.get("message").asText()).isEqualTo("'6' came after the gather completed and was ignored");
        assertThat(step(call, "gathered", 0).get("reason").asText()).isEqualTo("max-digits");
        assertThat(WEBHOOK.receivedFor(callId).get(0).body().get("dtmf").asText()).isEqualTo("12345");
        assertThat(playedAudio(call)).endsWith(INVALID);

        // The script served one call; a script cleared before the next call does not serve it either.
        given().contentType(ContentType.JSON).body(Map.of("to", to, "digits", List.of("1")))
                .post("/sandbox/scripts").then().statusCode(201).body("pending", equalTo(1));
        given().delete("/sandbox/scripts").then().statusCode(204);
        String next = Sandbox.originate(advanced(to, WEBHOOK.url("/api/handle-dtmf")));
        assertThat(step(Sandbox.awaitEnded(next), "gathered", 0).get("reason").asText()).isEqualTo("timeout");
    }

    @Test
    void aCallScriptLetsTheFirstGatherTimeOutThenPresses2AtTheNextOne() {
        String callId = Sandbox.originate(advanced(number(), WEBHOOK.url("/api/retry")));
        given().contentType(ContentType.JSON).body(Map.of("digits", List.of("", "2")))
                .post("/sandbox/calls/{id}/script", callId).then().statusCode(200);
        JsonNode call = Sandbox.awaitEnded(callId);

        List<CustomerWebhook.Received> callbacks = WEBHOOK.receivedFor(callId);
        assertThat(callbacks).extracting(CustomerWebhook.Received::path).containsExactly("/api/retry", "/api/handle-dtmf");
        assertThat(callbacks).extracting(r -> r.body().get("dtmf").asText()).containsExactly("", "2");
        String toChannel = step(call, "leg", 3).get("channelId").asText();
        assertThat(step(call, "gather", 1).get("channelId").asText()).isEqualTo(toChannel);
        assertThat(callbacks.get(1).body().at("/to/channelId").asText()).isEqualTo(toChannel);
        assertThat(kinds(call)).containsSubsequence("gather", "gathered", "webhook", "gather", "dtmf", "gathered", "webhook",
                "dial", "dialed", "play", "hangup", "ended");
        assertThat(call.get("script")).isEmpty();
    }

    @Test
    void aBusyToNumberEndsTheCallBeforeAnyVerb() {
        String to = number();
        given().contentType(ContentType.JSON).body(Map.of("number", to, "outcome", "busy"))
                .post("/sandbox/numbers").then().statusCode(200)
                .body("number", equalTo(to)).body("outcome", equalTo("busy"));
        JsonNode call = Sandbox.awaitEnded(Sandbox.originate(advanced(to, WEBHOOK.url("/api/handle-dtmf"))));

        assertThat(call.get("reason").asText()).isEqualTo("to-busy");
        assertThat(legs(call)).containsExactly("from:ringing", "from:answered", "to:ringing", "to:busy");
        assertThat(kinds(call)).doesNotContain("play", "gather");
    }

    @Test
    void theClickToCallBlueprintDialsAndEndsWhenTheChainRunsOut() {
        String target = number();
        given().contentType(ContentType.JSON).body(Map.of("number", target, "outcome", "no-answer"))
                .post("/sandbox/numbers").then().statusCode(200);
        ObjectNode payload = parse(VendorPage.CLICK_TO_CALL).put("accountId", Sandbox.accountId());
        ((ObjectNode) payload.at("/action/data")).put("number", target);
        JsonNode call = Sandbox.awaitEnded(Sandbox.originate(payload));

        assertThat(kinds(call)).containsExactly("queued", "leg", "leg", "leg", "leg", "dial", "dialed", "ended");
        JsonNode dialed = step(call, "dialed", 0);
        assertThat(dialed.get("outcome").asText()).isEqualTo("no-answer");
        assertThat(dialed.get("durationMs").asLong()).isEqualTo(15_000);
        assertThat(call.get("reason").asText()).isEqualTo("completed");
    }

    @Test
    void aWebhookAnswering500EndsTheCallWithTheErrorRecorded() {
        JsonNode call = Sandbox.awaitEnded(Sandbox.originate(advanced(number(), WEBHOOK.url("/api/fail"))));

        assertThat(call.get("reason").asText()).isEqualTo("webhook-failed");
        assertThat(call.get("error").asText()).isEqualTo("The webhook answered HTTP 500");
        JsonNode webhook = step(call, "webhook", 0).get("webhook");
        assertThat(webhook.get("status").asInt()).isEqualTo(500);
        assertThat(webhook.get("response")).isEqualTo(parse("{\"error\":\"boom\"}"));
        assertThat(kinds(call)).endsWith("webhook", "ended");
    }

    @Test
    void aWebhookThatDoesNotAnswerInTimeEndsTheCall() {
        Duration timeout = config.sandbox().webhookTimeout();
        assertThat(timeout).isLessThan(CustomerWebhook.SLOW);
        JsonNode call = Sandbox.awaitEnded(Sandbox.originate(advanced(number(), WEBHOOK.url("/api/slow"))));

        assertThat(call.get("reason").asText()).isEqualTo("webhook-failed");
        assertThat(call.get("error").asText()).isEqualTo("The webhook failed: no answer within " + timeout.toMillis()
                + " ms (nexaflow.sandbox.webhook-timeout)");
        assertThat(step(call, "webhook", 0).get("webhook").has("status")).isFalse();
    }

    @Test
    void aWebhookAnsweringAnInvalidVerbEndsTheCallWithTheValidatorsFindings() {
        JsonNode call = Sandbox.awaitEnded(Sandbox.originate(advanced(number(), WEBHOOK.url("/api/insecure-audio"))));

        assertThat(call.get("reason").asText()).isEqualTo("invalid-verb");
        assertThat(step(call, "ended", 0).get("errors")).isEqualTo(parse("{\"e\":[{\"pointer\":\"/data/audioUrl\","
                + "\"message\":\"must be an https:// URL, was 'http://cdn.example/a.wav'\"}]}").get("e"));
        assertThat(kinds(call)).endsWith("webhook", "ended");
    }

    @Test
    void theVendorsOwnNgrokWebhookIsAcceptedButNeverCalled() {
        ObjectNode payload = parse(VendorPage.ADVANCED).put("accountId", Sandbox.accountId()).put("to", number());
        JsonNode call = Sandbox.awaitEnded(Sandbox.originate(payload));

        assertThat(call.get("reason").asText()).isEqualTo("webhook-failed");
        assertThat(call.get("error").asText()).isEqualTo("The sandbox calls back loopback hosts only "
                + "(127.0.0.1, localhost, [::1]), not synecdochical-shanae-unworshiping.ngrok-free.dev");
    }

    @Test
    void keysCanOnlyBePressedAtAGather() {
        String callId = Sandbox.originate(advanced(number(), WEBHOOK.url("/api/fail")));
        Sandbox.awaitEnded(callId);
        given().contentType(ContentType.JSON).body(Map.of("digits", "2"))
                .post("/sandbox/calls/{id}/dtmf", callId).then().statusCode(409)
                .body("type", equalTo("urn:nexaflow:problem:not-gathering"));
        given().contentType(ContentType.JSON).body(Map.of("digits", "2a"))
                .post("/sandbox/calls/{id}/dtmf", callId).then().statusCode(422)
                .body("errors[0].pointer", equalTo("/digits"));
        given().contentType(ContentType.JSON).body(Map.of("digits", "2"))
                .post("/sandbox/calls/{id}/dtmf", "no-such-call").then().statusCode(404);
        given().get("/sandbox/calls/{id}", "no-such-call").then().statusCode(404);
        given().contentType(ContentType.JSON).body(Map.of("digits", List.of("1", "x")))
                .post("/sandbox/calls/{id}/script", callId).then().statusCode(422)
                .body("errors[0].pointer", equalTo("/digits/1"));
    }

    @Test
    void recentCallsAreListedNewestFirstByNumber() {
        String to = number();
        String first = Sandbox.originate(advanced(to, WEBHOOK.url("/api/fail")));
        String second = Sandbox.originate(advanced(to, WEBHOOK.url("/api/fail")));
        List<String> ids = given().queryParam("to", to).get("/sandbox/calls").then().statusCode(200)
                .extract().jsonPath().getList("items.callId");
        assertThat(ids).containsExactly(second, first);
    }

    /** The vendor's Advanced blueprint, with its gather posting to {@code action}, calling {@code to}. */
    static ObjectNode advanced(String to, String action) {
        ObjectNode payload = parse(VendorPage.ADVANCED).put("accountId", Sandbox.accountId()).put("to", to);
        ((ObjectNode) payload.at("/action/data/action/data")).put("action", action);
        return payload;
    }

    /** A placeholder number of its own for each test, so outcomes and scripts do not leak between tests. */
    private static String number() {
        return "0965" + NUMBERS.incrementAndGet() + "xxxx";
    }

    private static List<String> kinds(JsonNode call) {
        return call.get("steps").findValuesAsText("kind");
    }

    private static List<String> legs(JsonNode call) {
        return ((ArrayNode) call.get("steps")).valueStream().filter(s -> s.get("kind").asText().equals("leg"))
                .map(s -> s.get("leg").asText() + ":" + s.get("outcome").asText()).toList();
    }

    private static List<String> playedAudio(JsonNode call) {
        return ((ArrayNode) call.get("steps")).valueStream().filter(s -> s.get("kind").asText().equals("play"))
                .map(s -> s.get("audioUrl").asText()).toList();
    }

    /** The n-th (from 0) step of a kind. */
    private static JsonNode step(JsonNode call, String kind, int n) {
        return ((ArrayNode) call.get("steps")).valueStream().filter(s -> s.get("kind").asText().equals(kind))
                .skip(n).findFirst().orElseThrow(() -> new AssertionError("no " + kind + " step #" + n + " in " + call));
    }

    private static JsonNode withoutTime(JsonNode step) {
        ObjectNode copy = step.deepCopy();
        copy.remove(List.of("seq", "at"));
        return copy;
    }
}
