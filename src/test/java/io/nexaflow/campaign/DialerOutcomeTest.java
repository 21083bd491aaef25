package io.nexaflow.campaign;

import com.fasterxml.jackson.databind.JsonNode;
import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.verification.LoggedRequest;
import io.agroal.api.AgroalDataSource;
import io.nexaflow.nexafone.TokenCache;
import io.nexaflow.support.Flows;
import io.nexaflow.support.LiveCalls;
import io.nexaflow.support.NexafoneStub;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import io.restassured.http.ContentType;
import jakarta.inject.Inject;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static io.nexaflow.support.Api.as;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * What an attempt's outcome is when the originate's answer and the caller's callback cross: Nexafone stands in as
 * a WireMock server that answers the originate late, and the test posts the gather callback Nexafone would.
 */
@QuarkusTest
@TestProfile(NexafoneStub.Profile.class)
class DialerOutcomeTest {

    private static final String AUTH = "/auth/get-access-token/" + NexafoneStub.ACCOUNT_ID;
    private static final String ORIGINATE = "/voice/v1/calls";

    @Inject
    AgroalDataSource dataSource;

    private WireMockServer nexafone;

    @BeforeEach
    void stubs() {
        nexafone = NexafoneStub.server();
        nexafone.resetAll();
        TokenCache.forget();
        nexafone.stubFor(post(AUTH).willReturn(okJson("{\"accessToken\":\"tok-1\",\"expiresIn\":3600}")));
    }

    /** The originate answers after {@code delayMs} (the read timeout in this profile is 2 s). */
    private void originateAnswersAfter(int delayMs, String callId) {
        nexafone.stubFor(post(ORIGINATE).withHeader("Authorization", equalTo("Bearer tok-1"))
                .willReturn(okJson("{\"callId\":\"" + callId + "\",\"status\":\"queued\"}").withFixedDelay(delayMs)));
    }

    /** Press 1 at the menu, hang up: the call completes with the callback. */
    private static String menu() {
        return Flows.create(Flows.parse("""
                {"start": "ask", "nodes": {
                  "ask": {"type": "gather", "audioUrl": "https://cdn.example.com/press-1.wav",
                          "routes": {"1": "bye"}, "default": "bye"},
                  "bye": {"type": "hangup"}}}"""), true);
    }

    /** A campaign that dials its one contact again only when an attempt's fate is UNKNOWN. */
    private static String campaign(String number) {
        String campaign = Flows.parse(as("operator").contentType(ContentType.JSON).body("""
                {"name": "outcome test", "flowId": "%s", "from": "+911203135800", "timezone": "Asia/Kolkata",
                 "windows": [{"days": ["MON", "TUE", "WED", "THU", "FRI", "SAT", "SUN"], "start": "00:00",
                              "end": "24:00"}],
                 "callsPerSecond": 5, "maxConcurrent": 5, "noAnswerAfterSeconds": 30,
                 "retry": {"maxAttempts": 2, "delaySeconds": 600, "on": ["UNKNOWN"]}}""".formatted(menu()))
                .post("/v1/campaigns").then().statusCode(201).extract().asString()).get("id").asText();
        as("operator").contentType("text/csv").body("number\n" + number + "\n")
                .post("/v1/campaigns/{id}/contacts", campaign).then().statusCode(200);
        as("operator").post("/v1/campaigns/{id}/start", campaign).then().statusCode(200);
        return campaign;
    }

    private static JsonNode contact(String campaign) {
        JsonNode items = Flows.parse(as("auditor").get("/v1/campaigns/{id}/contacts", campaign).then().statusCode(200)
                .extract().asString()).get("items");
        assertThat(items).hasSize(1);
        return items.get(0);
    }

    private static Map<String, Long> states(String campaign) {
        Map<String, Long> states = new TreeMap<>();
        Flows.parse(as("auditor").get("/v1/campaigns/{id}", campaign).then().statusCode(200).extract().asString())
                .at("/progress/states").fields().forEachRemaining(e -> {
                    if (e.getValue().asLong() > 0) {
                        states.put(e.getKey(), e.getValue().asLong());
                    }
                });
        return states;
    }

    /** The originate Nexafone received, once it has: its gather's action is where the caller's keys go. */
    private String callbackUrl() {
        await().atMost(Duration.ofSeconds(5)).pollInterval(Duration.ofMillis(50))
                .until(() -> !nexafone.findAll(postRequestedFor(urlEqualTo(ORIGINATE))).isEmpty());
        List<LoggedRequest> sent = nexafone.findAll(postRequestedFor(urlEqualTo(ORIGINATE)));
        assertThat(sent).hasSize(1);
        return LiveCalls.gatherAction(Flows.parse(sent.get(0).getBodyAsString()).get("action"));
    }

    /**
     * Nexafone timed out (504: the call is UNKNOWN), but it had placed the call, and the caller pressed 1 before
     * noAnswerAfterSeconds: the attempt was answered, the contact COMPLETED, and it is not dialled again although
     * the policy retries UNKNOWN.
     */
    @Test
    void anOriginateThatTimedOutButWasAnsweredIsNotDialledAgain() {
        String number = Campaigns.numbers("+9197", 1).get(0);
        originateAnswersAfter(3_000, "nf-late-1");
        String campaign = campaign(number);
        String action = callbackUrl();

        await().atMost(Duration.ofSeconds(6)).pollInterval(Duration.ofMillis(100))
                .until(() -> states(campaign).equals(Map.of("IN_PROGRESS", 1L))
                        && contact(campaign).hasNonNull("lastCallId"));
        JsonNode onTheLine = contact(campaign);
        String call = onTheLine.get("lastCallId").asText();
        as("auditor").get("/v1/calls/{id}", call).then().statusCode(200)
                .body("status", org.hamcrest.Matchers.equalTo("UNKNOWN"));

        LiveCalls.press(action, "nf-late-1", "1", null).then().statusCode(200);

        await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(200))
                .until(() -> states(campaign).equals(Map.of("COMPLETED", 1L)));
        JsonNode settled = contact(campaign);
        assertThat(settled.get("attempts").asInt()).isEqualTo(1);
        assertThat(settled.get("lastOutcome").asText()).isEqualTo("ANSWERED");
        assertThat(settled.get("lastCallId").asText()).isEqualTo(call);
        assertThat(nexafone.findAll(postRequestedFor(urlEqualTo(ORIGINATE)))).hasSize(1);
    }

    /**
     * The caller pressed 1 and hung up while the originate's answer was still on its way: the call is COMPLETED
     * when the dialer hears back, and the attempt is ANSWERED (a gather callback came), not PLACED.
     */
    @Test
    void aCallCompletedBeforeItsOriginateAnsweredIsAnswered() {
        String number = Campaigns.numbers("+9197", 1).get(0);
        originateAnswersAfter(1_200, "nf-quick-1");
        String campaign = campaign(number);
        String action = callbackUrl();

        LiveCalls.press(action, "nf-quick-1", "1", null).then().statusCode(200);

        await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(200))
                .until(() -> states(campaign).equals(Map.of("COMPLETED", 1L)));
        JsonNode settled = contact(campaign);
        assertThat(settled.get("attempts").asInt()).isEqualTo(1);
        assertThat(settled.get("lastOutcome").asText()).isEqualTo("ANSWERED");
        as("auditor").get("/v1/calls/{id}", settled.get("lastCallId").asText()).then().statusCode(200)
                .body("status", org.hamcrest.Matchers.equalTo("COMPLETED"));
    }

    /** Nobody answered a call whose originate timed out: UNKNOWN once noAnswerAfterSeconds ran out, and retried. */
    @Test
    void anOriginateThatTimedOutAndNeverCalledBackIsUnknownAndRetried() throws Exception {
        String number = Campaigns.numbers("+9197", 1).get(0);
        originateAnswersAfter(3_000, "nf-late-2");
        String campaign = campaign(number);
        callbackUrl();
        await().atMost(Duration.ofSeconds(6)).pollInterval(Duration.ofMillis(100))
                .until(() -> states(campaign).equals(Map.of("IN_PROGRESS", 1L))
                        && contact(campaign).hasNonNull("lastCallId"));
        // The clock the test controls: noAnswerAfterSeconds has passed.
        try (var connection = dataSource.getConnection(); var statement = connection.prepareStatement(
                "UPDATE campaign_contact SET leased_until = now() WHERE campaign_id = ?::uuid")) {
            statement.setString(1, campaign);
            assertThat(statement.executeUpdate()).isEqualTo(1);
        }

        await().atMost(Duration.ofSeconds(5)).pollInterval(Duration.ofMillis(200))
                .until(() -> states(campaign).equals(Map.of("RETRY_WAIT", 1L)));
        JsonNode waiting = contact(campaign);
        assertThat(waiting.get("lastOutcome").asText()).isEqualTo("UNKNOWN");
        assertThat(waiting.get("lastError").asText()).contains("may or may not have been placed");
    }
}
