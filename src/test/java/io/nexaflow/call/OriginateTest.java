package io.nexaflow.call;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.stubbing.Scenario;
import com.github.tomakehurst.wiremock.verification.LoggedRequest;
import io.nexaflow.engine.Attempts;
import io.nexaflow.state.StateToken;
import io.nexaflow.state.StateTokens;
import io.nexaflow.support.Flows;
import io.nexaflow.support.Golden;
import io.nexaflow.nexafone.TokenCache;
import io.nexaflow.support.NexafoneStub;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import io.restassured.response.Response;
import jakarta.inject.Inject;
import jakarta.persistence.EntityManager;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;
import java.util.UUID;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.equalToJson;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static io.nexaflow.support.Api.admin;
import static io.nexaflow.support.Api.as;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.endsWith;
import static org.hamcrest.Matchers.startsWith;

/** What nexaflow sends Nexafone for each kind of call, and how each platform failure ends. */
@QuarkusTest
@TestProfile(NexafoneStub.Profile.class)
class OriginateTest {

    static final String AUTH = "/auth/get-access-token/" + NexafoneStub.ACCOUNT_ID;
    static final String ORIGINATE = "/voice/v1/calls";

    @Inject
    EntityManager em;

    @Inject
    StateTokens tokens;

    WireMockServer nexafone;

    @BeforeEach
    void stubs() {
        nexafone = NexafoneStub.server();
        nexafone.resetAll();
        TokenCache.forget();
        nexafone.stubFor(post(AUTH).withRequestBody(equalToJson(
                        "{\"apiKey\":\"" + NexafoneStub.API_KEY + "\",\"apiSecret\":\"" + NexafoneStub.API_SECRET + "\"}"))
                .willReturn(okJson("{\"accessToken\":\"tok-1\",\"expiresIn\":3600}")));
        nexafone.stubFor(post(ORIGINATE).withHeader("Authorization", equalTo("Bearer tok-1"))
                .willReturn(okJson("{\"callId\":\"nf-{{randomValue type='UUID'}}\",\"status\":\"queued\"}")));
    }

    @Test
    void aFlowCallSendsTheVendorsAdvancedPayload() {
        String flow = Flows.publishedSeed();

        Response answer = as("operator").body(Map.of("from", "+911203135800", "to", "096506xxxx", "flowId", flow,
                "recordCall", true, "timeout", 30)).post("/v1/calls");

        answer.then().statusCode(202).header("Location", endsWith("/v1/calls/" + answer.path("id")));
        assertThat((String) answer.path("status")).isEqualTo("IN_PROGRESS");
        assertThat((String) answer.path("callId")).startsWith("nf-");
        JsonNode sent = onlyOriginate();
        ObjectNode expected = (ObjectNode) Golden.read("advanced-call-request.json").deepCopy();
        String callback = sent.at("/action/data/action/data/action").asText();
        assertThat(callback).startsWith(io.nexaflow.support.Api.callbackBase());
        UUID id = UUID.fromString(answer.path("id"));
        UUID revision = (UUID) em.createNativeQuery("SELECT revision_id FROM call WHERE id = ?1").setParameter(1, id)
                .getSingleResult();
        // The URL's token names this call at its first gather attempt; with it checked, the rest is the vendor's.
        assertThat(tokens.verify(callback.substring(io.nexaflow.support.Api.callbackBase().length())))
                .contains(new StateToken(id, revision, "menu", Attempts.of(Map.of("menu", 1))));
        ((ObjectNode) expected.at("/action/data/action/data")).put("action", callback);
        assertThat(sent).isEqualTo(expected);
        nexafone.verify(postRequestedFor(urlEqualTo(ORIGINATE)).withHeader("Authorization", equalTo("Bearer tok-1")));
        assertThat(eventTypes(answer.path("id"))).containsExactly(
                "STATUS", "STATUS", "ORIGINATE_REQUEST", "ORIGINATE_RESPONSE", "STATUS");
    }

    @Test
    void clickToCallSendsTheVendorsSimplePayload() {
        Response answer = as("operator").body(Map.of("from", "+911203135800", "to", "096506xxxxx",
                "bridgeTo", "098178xxxxx", "dialTimeout", 15, "recordCall", true, "timeout", 30)).post("/v1/calls");

        answer.then().statusCode(202);
        assertThat(onlyOriginate()).isEqualTo(Golden.read("click-to-call-request.json"));
        // No callback comes back for a bridge: nexaflow's part of the call is done.
        assertThat((String) answer.path("status")).isEqualTo("COMPLETED");
    }

    @Test
    void aRawVerbIsValidatedThenSentAsGiven() {
        JsonNode verb = Flows.parse("""
                {"type":"play","data":{"audioUrl":"https://nexafone.com/audio-prompts/thanks_for_call_plz_wait.wav",
                 "action":{"type":"hangup","data":{}}}}""");
        as("operator").body(Map.of("from", "+911203135800", "to", "+919650612345", "action", verb))
                .post("/v1/calls").then().statusCode(202);
        JsonNode sent = onlyOriginate();
        assertThat(sent.get("action")).isEqualTo(verb);
        assertThat(sent).isEqualTo(Flows.parse("{\"from\":\"+911203135800\",\"to\":\"+919650612345\",\"accountId\":\""
                + NexafoneStub.ACCOUNT_ID + "\",\"recordCall\":{\"enable\":false},\"action\":" + verb + ",\"timeout\":30}"));

        nexafone.resetRequests();
        as("operator").body(Map.of("from", "+911203135800", "to", "+919650612345",
                        "action", Map.of("type", "play", "data", Map.of("audioUrl", "http://insecure.example/a.wav"))))
                .post("/v1/calls").then().statusCode(422)
                .body("errors[0].pointer", org.hamcrest.Matchers.equalTo("/action/data/audioUrl"));
        assertThat(nexafone.findAll(postRequestedFor(urlEqualTo(ORIGINATE)))).isEmpty();
    }

    @Test
    void badRequestsAre422WithEveryProblemAndPlaceNothing() {
        long calls = count("call");
        as("operator").body(Map.of("from", "12", "to", "+1", "flowId", UUID.randomUUID(), "bridgeTo", "+919817812345",
                        "timeout", 0)).post("/v1/calls").then().statusCode(422)
                .contentType(startsWith("application/problem+json"))
                .body("errors.pointer", org.hamcrest.Matchers.containsInAnyOrder("/from", "/to", "", "/timeout"));
        as("operator").body(Map.of("from", "+911203135800", "to", "+919650612345", "flowId", UUID.randomUUID()))
                .post("/v1/calls").then().statusCode(404);
        as("operator").body("{\"from\":\"+911203135800\",\"to\":\"+919650612345\",\"flowId\":\"nope\"}")
                .post("/v1/calls").then().statusCode(400).body("errors[0].pointer", org.hamcrest.Matchers.equalTo("/flowId"));
        as("auditor").body(Map.of()).post("/v1/calls").then().statusCode(403);
        assertThat(count("call")).isEqualTo(calls);
        assertThat(nexafone.getAllServeEvents()).isEmpty();
    }

    @Test
    void anIdempotentRetryReturnsTheSameCallAndPlacesNothing() {
        String key = "retry-" + UUID.randomUUID();
        Map<String, Object> body = Map.of("from", "+911203135800", "to", "+919650612345", "bridgeTo", "+919817812345");

        String first = as("operator").header("Idempotency-Key", key).body(body).post("/v1/calls").then()
                .statusCode(202).extract().path("id");
        String again = as("operator").header("Idempotency-Key", key).body(body).post("/v1/calls").then()
                .statusCode(200).extract().path("id");

        assertThat(again).isEqualTo(first);
        assertThat(nexafone.findAll(postRequestedFor(urlEqualTo(ORIGINATE)))).hasSize(1);
        as("operator").header("Idempotency-Key", key)
                .body(Map.of("from", "+911203135800", "to", "+919650612346", "bridgeTo", "+919817812345"))
                .post("/v1/calls").then().statusCode(422).body("detail", org.hamcrest.Matchers.containsString(first));
        assertThat(nexafone.findAll(postRequestedFor(urlEqualTo(ORIGINATE)))).hasSize(1);
    }

    @Test
    void concurrentRetriesWithOneIdempotencyKeyPlaceOneCall() throws Exception {
        String key = "race-" + UUID.randomUUID();
        String operator = io.nexaflow.support.Api.key("operator");
        java.util.concurrent.ExecutorService pool = java.util.concurrent.Executors.newFixedThreadPool(8);
        try {
            List<java.util.concurrent.Future<Response>> answers = new java.util.ArrayList<>();
            for (int i = 0; i < 8; i++) {
                answers.add(pool.submit(() -> io.restassured.RestAssured.given().contentType("application/json")
                        .header("Authorization", "Bearer " + operator).header("Idempotency-Key", key)
                        .body(clickToCall()).post("/v1/calls")));
            }
            java.util.Set<String> ids = new java.util.HashSet<>();
            int created = 0;
            for (var answer : answers) {
                Response response = answer.get();
                assertThat(response.statusCode()).isIn(200, 202);
                created += response.statusCode() == 202 ? 1 : 0;
                ids.add(response.path("id"));
            }
            assertThat(ids).hasSize(1);
            assertThat(created).isEqualTo(1);
        } finally {
            pool.shutdownNow();
        }
        assertThat(nexafone.findAll(postRequestedFor(urlEqualTo(ORIGINATE)))).hasSize(1);
    }

    @Test
    void aStaleTokenIsRefreshedAndTheRequestRetriedOnce() {
        nexafone.resetAll();
        nexafone.stubFor(post(AUTH).inScenario("tokens").whenScenarioStateIs(Scenario.STARTED)
                .willReturn(okJson("{\"accessToken\":\"tok-old\"}")).willSetStateTo("renewed"));
        nexafone.stubFor(post(AUTH).inScenario("tokens").whenScenarioStateIs("renewed")
                .willReturn(okJson("{\"accessToken\":\"tok-new\"}")));
        nexafone.stubFor(post(ORIGINATE).withHeader("Authorization", equalTo("Bearer tok-old"))
                .willReturn(aResponse().withStatus(401).withBody("{\"message\":\"token expired\"}")));
        nexafone.stubFor(post(ORIGINATE).withHeader("Authorization", equalTo("Bearer tok-new"))
                .willReturn(okJson("{\"id\":\"nf-by-id\"}")));
        TokenCache.forget();

        Response answer = as("operator").body(clickToCall()).post("/v1/calls");

        answer.then().statusCode(202);
        assertThat((String) answer.path("callId")).isEqualTo("nf-by-id");
        assertThat(nexafone.findAll(postRequestedFor(urlEqualTo(AUTH)))).hasSize(2);
        assertThat(nexafone.findAll(postRequestedFor(urlEqualTo(ORIGINATE)))).hasSize(2);
    }

    @Test
    void platform5xxIsRetriedWithBackoffThenFailed() {
        nexafone.stubFor(post(ORIGINATE).willReturn(aResponse().withStatus(503).withBody("{\"message\":\"busy\"}")));

        Response answer = as("operator").body(clickToCall()).post("/v1/calls");

        answer.then().statusCode(502).contentType(startsWith("application/problem+json"));
        String instance = answer.path("instance");
        assertThat(nexafone.findAll(postRequestedFor(urlEqualTo(ORIGINATE)))).hasSize(3);
        JsonNode call = Flows.parse(as("operator").get(instance).then().statusCode(200).extract().asString());
        assertThat(call.get("status").asText()).isEqualTo("FAILED");
        assertThat(call.get("error").asText()).contains("503").contains("busy");
        assertThat(call.get("events").findValuesAsText("type")).containsSubsequence(
                "ORIGINATE_RESPONSE", "ORIGINATE_RESPONSE", "ORIGINATE_RESPONSE", "STATUS");
    }

    @Test
    void aReadTimeoutIsUnknownAndNeverRetried() {
        nexafone.stubFor(post(ORIGINATE).willReturn(okJson("{\"callId\":\"late\"}").withFixedDelay(4000)));

        Response answer = as("operator").body(clickToCall()).post("/v1/calls");

        answer.then().statusCode(504).contentType(startsWith("application/problem+json"));
        assertThat(nexafone.findAll(postRequestedFor(urlEqualTo(ORIGINATE)))).hasSize(1);
        as("operator").get((String) answer.path("instance")).then().statusCode(200)
                .body("status", org.hamcrest.Matchers.equalTo("UNKNOWN"));
    }

    @Test
    void aPlatform4xxFailsTheCallWithThePlatformsMessage() {
        nexafone.stubFor(post(ORIGINATE).willReturn(aResponse().withStatus(400)
                .withBody("{\"message\":\"to: number not reachable\"}")));

        Response answer = as("operator").body(clickToCall()).post("/v1/calls");

        answer.then().statusCode(422).body("detail", org.hamcrest.Matchers.containsString("to: number not reachable"));
        assertThat(nexafone.findAll(postRequestedFor(urlEqualTo(ORIGINATE)))).hasSize(1);
        as("auditor").get((String) answer.path("instance")).then().body("status", org.hamcrest.Matchers.equalTo("FAILED"));
    }

    @Test
    void rejectedCredentialsAreAClear502() {
        nexafone.resetAll();
        nexafone.stubFor(post(AUTH).willReturn(aResponse().withStatus(401).withBody("{\"message\":\"bad key\"}")));
        TokenCache.forget();

        Response answer = as("operator").body(clickToCall()).post("/v1/calls");

        answer.then().statusCode(502).body("detail", org.hamcrest.Matchers.equalTo("Nexafone rejected the API credentials"));
        assertThat(nexafone.findAll(postRequestedFor(urlEqualTo(ORIGINATE)))).isEmpty();
        as("auditor").get((String) answer.path("instance")).then().body("status", org.hamcrest.Matchers.equalTo("FAILED"));
    }

    static Map<String, Object> clickToCall() {
        return Map.of("from", "+911203135800", "to", "+919650612345", "bridgeTo", "+919817812345");
    }

    private JsonNode onlyOriginate() {
        List<LoggedRequest> requests = nexafone.findAll(postRequestedFor(urlEqualTo(ORIGINATE)));
        assertThat(requests).hasSize(1);
        return Flows.parse(requests.get(0).getBodyAsString());
    }


    @SuppressWarnings("unchecked")
    private List<String> eventTypes(String call) {
        return em.createNativeQuery("SELECT type FROM call_event WHERE call_id = ?1 ORDER BY id")
                .setParameter(1, UUID.fromString(call)).getResultList();
    }

    private long count(String table) {
        return ((Number) em.createNativeQuery("SELECT count(*) FROM " + table).getSingleResult()).longValue();
    }
}
