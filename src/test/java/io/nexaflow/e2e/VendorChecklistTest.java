package io.nexaflow.e2e;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.nexaflow.support.Flows;
import io.nexaflow.support.Golden;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.RestAssured;
import io.restassured.http.ContentType;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;

import static io.nexaflow.support.Api.admin;
import static io.nexaflow.support.Api.as;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The vendor page's testing checklist, end to end through real HTTP: nexaflow originates through the
 * sandbox, the sandbox plays the call and posts each gather's digits to nexaflow's webhook, nexaflow answers
 * from the flow, and both sides' records agree.
 */
@QuarkusTest
class VendorChecklistTest {

    @Test
    void originateIsAcceptedAndPressing1PlaysThenHangsUp() {
        Run run = callSeedIvr("1");

        assertThat(run.originate.path("status").asText()).isEqualTo("IN_PROGRESS");
        assertThat(run.kinds()).containsSubsequence("gather", "dtmf", "gathered", "webhook", "play", "hangup", "ended");
        assertThat(run.kinds()).doesNotContain("dial");
        assertThat(run.plays()).containsExactly(
                "https://nexafone.com/audio-prompts/thanks_for_call_plz_wait.wav",
                "https://nexafone.com/audio-prompts/input_submitted_have_a_nice_day.wav");
        assertThat(run.webhooks()).singleElement().satisfies(w -> {
            assertThat(w.get("status").asInt()).isEqualTo(200);
            assertThat(w.get("response")).isEqualTo(Golden.read("handle-dtmf-1.json"));
        });
        assertThat(run.transcript.get("reason").asText()).isEqualTo("hangup");
        run.assertNexaflowAgrees("1");
    }

    @Test
    void pressing2DialsThenPlaysThenHangsUp() {
        Run run = callSeedIvr("2");

        assertThat(run.kinds()).containsSubsequence("webhook", "dial", "dialed", "play", "hangup", "ended");
        assertThat(run.plays()).endsWith("https://nexafone.com/audio-prompts/nice_talking_give_your_feedback.wav");
        JsonNode webhook = run.webhooks().get(0);
        // The vendor's webhook contract went out, for the callee's leg; exactly the vendor's answer came back.
        String calleeChannel = run.answeredChannel("to");
        assertThat(calleeChannel).isNotBlank().isNotEqualTo(run.answeredChannel("from"));
        assertThat(webhook.get("request")).isEqualTo(Flows.parse("{\"callId\":\"" + run.callId + "\",\"dtmf\":\"2\","
                + "\"to\":{\"channelId\":\"" + calleeChannel + "\"}}"));
        assertThat(webhook.get("response")).isEqualTo(Golden.read("handle-dtmf-2.json"));
        JsonNode call = run.assertNexaflowAgrees("2");
        assertThat(call.get("bridgedTo").asText()).isEqualTo("072178xxxxx");
    }

    @Test
    void whenTheGatherTimesOutTheFallbackPlayRuns() {
        Run run = callSeedIvr("");

        assertThat(run.webhooks().get(0).at("/request/dtmf").asText()).isEmpty();
        assertThat(run.webhooks().get(0).get("response")).isEqualTo(Golden.read("handle-dtmf-fallback.json"));
        assertThat(run.plays()).endsWith("https://nexafone.com/audio-prompts/invalid_option.wav");
        run.assertNexaflowAgrees("");
    }

    @Test
    void anInvalidKeyPlaysTheInvalidOptionPrompt() {
        Run run = callSeedIvr("7");

        assertThat(run.webhooks().get(0).get("response")).isEqualTo(Golden.read("handle-dtmf-fallback.json"));
        assertThat(run.plays()).endsWith("https://nexafone.com/audio-prompts/invalid_option.wav");
        run.assertNexaflowAgrees("7");
    }

    @Test
    void aMultiLevelMenuWithRetries() {
        String flow = publish(Flows.parse("""
                {"start": "main", "nodes": {
                  "main":    {"type": "gather", "audioUrl": "https://cdn.example.com/main.wav",
                              "routes": {"1": "billing", "2": "agent"}, "onInvalid": "sorry", "onTimeout": "sorry",
                              "maxAttempts": 3, "onMaxAttempts": "bye"},
                  "sorry":   {"type": "play", "audioUrl": "https://cdn.example.com/sorry.wav", "next": "main"},
                  "billing": {"type": "gather", "audioUrl": "https://cdn.example.com/billing.wav", "maxDigits": 2,
                              "routes": {"11": "balance", "9": "main"}, "onTimeout": "billing"},
                  "balance": {"type": "play", "audioUrl": "https://cdn.example.com/balance.wav", "next": "bye"},
                  "agent":   {"type": "dial", "number": "+919817812345", "next": "bye"},
                  "bye":     {"type": "hangup"}}}"""));

        // wrong key, then billing, a timeout at billing (it repeats), then 11 for the balance
        Run run = call(flow, List.of("5", "1", "", "11"));

        assertThat(run.webhooks()).extracting(w -> w.at("/request/dtmf").asText()).containsExactly("5", "1", "", "11");
        assertThat(run.plays()).containsExactly("https://cdn.example.com/sorry.wav", "https://cdn.example.com/balance.wav");
        assertThat(run.transcript.get("reason").asText()).isEqualTo("hangup");
        JsonNode call = run.nexaflowCall();
        assertThat(call.get("status").asText()).isEqualTo("COMPLETED");
        assertThat(call.get("attempts")).isEqualTo(Flows.parse("{\"main\":2,\"billing\":2}"));
        List<String> dtmf = new ArrayList<>();
        List<String> routes = new ArrayList<>();
        call.get("events").forEach(e -> {
            if (e.get("type").asText().equals("DTMF")) {
                dtmf.add(e.get("node").asText() + "#" + e.get("attempt").asInt() + "=" + e.get("dtmf").asText());
                routes.add(e.get("route").asText());
            }
        });
        assertThat(dtmf).containsExactly("main#1=5", "main#2=1", "billing#1=", "billing#2=11");
        assertThat(routes).containsExactly("sorry", "billing", "billing", "balance");
    }

    /** One call through nexaflow and the sandbox, with the keys the sandbox presses at each gather. */
    private Run callSeedIvr(String digits) {
        return call(publish(Flows.seedDefinition()), List.of(digits));
    }

    private Run call(String flow, List<String> digits) {
        String to = "+91965" + String.format("%07d", ThreadLocalRandom.current().nextInt(10_000_000));
        RestAssured.given().contentType(ContentType.JSON).body(Map.of("to", to, "digits", digits))
                .post("/sandbox/scripts").then().statusCode(201);
        JsonNode originate = Flows.parse(as("operator").body(Map.of("from", "+911203135800", "to", to, "flowId", flow,
                "recordCall", true)).post("/v1/calls").then().statusCode(202).extract().asString());
        String callId = originate.get("callId").asText();
        JsonNode transcript = await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(50))
                .until(() -> Flows.parse(RestAssured.get("/sandbox/calls/{id}", callId).then().statusCode(200)
                        .extract().asString()), t -> t.get("state").asText().equals("ended"));
        return new Run(originate, callId, transcript);
    }

    private static String publish(JsonNode definition) {
        return Flows.create(definition, true);
    }

    private record Run(JsonNode originate, String callId, JsonNode transcript) {

        List<String> kinds() {
            List<String> kinds = new ArrayList<>();
            transcript.get("steps").forEach(s -> kinds.add(s.get("kind").asText()));
            return kinds;
        }

        List<String> plays() {
            return io.nexaflow.support.Transcript.plays(transcript);
        }

        /** The channel id the platform gave a leg ("from" or "to") when it answered. */
        String answeredChannel(String leg) {
            for (JsonNode step : transcript.get("steps")) {
                if (step.get("kind").asText().equals("leg") && step.path("leg").asText().equals(leg)
                        && step.path("outcome").asText().equals("answered")) {
                    return step.get("channelId").asText();
                }
            }
            throw new AssertionError("the " + leg + " leg never answered: " + transcript);
        }

        List<JsonNode> webhooks() {
            return io.nexaflow.support.Transcript.webhooks(transcript);
        }

        JsonNode nexaflowCall() {
            return Flows.parse(as("auditor").get("/v1/calls/" + originate.get("id").asText()).then().statusCode(200)
                    .extract().asString());
        }

        /** nexaflow's audit trail tells the same story as the platform's transcript. */
        JsonNode assertNexaflowAgrees(String digits) {
            JsonNode call = nexaflowCall();
            assertThat(call.get("status").asText()).isEqualTo("COMPLETED");
            assertThat(call.get("callId").asText()).isEqualTo(callId);
            List<JsonNode> verbs = new ArrayList<>();
            List<String> dtmf = new ArrayList<>();
            call.get("events").forEach(e -> {
                if (e.get("type").asText().equals("VERB_SENT")) {
                    verbs.add(e.get("payload"));
                }
                if (e.get("type").asText().equals("DTMF")) {
                    dtmf.add(e.get("dtmf").asText());
                }
            });
            assertThat(dtmf).containsExactly(digits);
            assertThat(verbs).containsExactlyElementsOf(webhooks().stream().map(w -> w.get("response")).toList());
            JsonNode sent = null;
            for (JsonNode event : call.get("events")) {
                if (event.get("type").asText().equals("ORIGINATE_REQUEST")) {
                    sent = event.get("payload");
                }
            }
            assertThat(sent).isEqualTo(transcript.get("request"));
            return call;
        }
    }
}
