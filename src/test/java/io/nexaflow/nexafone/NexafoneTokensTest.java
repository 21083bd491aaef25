package io.nexaflow.nexafone;

import com.github.tomakehurst.wiremock.WireMockServer;
import io.nexaflow.support.LogCapture;
import io.nexaflow.support.NexafoneStub;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import io.restassured.RestAssured;
import jakarta.inject.Inject;
import jakarta.persistence.EntityManager;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static io.nexaflow.support.Api.as;
import static org.assertj.core.api.Assertions.assertThat;

/** The service-wide token cache, through the API, and secrets kept out of logs, events and answers. */
@QuarkusTest
@TestProfile(NexafoneStub.Profile.class)
class NexafoneTokensTest {

    static final String AUTH = "/auth/get-access-token/" + NexafoneStub.ACCOUNT_ID;
    static final String ORIGINATE = "/voice/v1/calls";
    private static final int CONCURRENT = 20;

    static final Map<String, Object> CALL = Map.of("from", "+911203135800", "to", "+919650612345",
            "bridgeTo", "+919817812345");

    @Inject
    EntityManager em;

    WireMockServer nexafone;

    @BeforeEach
    void stubs() {
        nexafone = NexafoneStub.server();
        nexafone.resetAll();
        nexafone.stubFor(post(ORIGINATE).willReturn(okJson("{\"callId\":\"nf-{{randomValue type='UUID'}}\"}")));
        TokenCache.forget();
    }

    @Test
    void twentyConcurrentOriginatesOnAColdCacheMakeOneAuthRequest() throws Exception {
        // Twenty at once: more than the pool's connections for requests, so they also queue for the pool.
        nexafone.stubFor(post(AUTH).willReturn(okJson("{\"accessToken\":\"tok-shared\",\"expiresIn\":3600}")
                .withFixedDelay(300)));
        String operator = io.nexaflow.support.Api.key("operator");
        ExecutorService pool = Executors.newFixedThreadPool(CONCURRENT);
        try {
            List<Future<io.restassured.response.Response>> answers = new ArrayList<>();
            for (int i = 0; i < CONCURRENT; i++) {
                answers.add(pool.submit(() -> RestAssured.given().contentType("application/json")
                        .header("Authorization", "Bearer " + operator).body(CALL).post("/v1/calls")));
            }
            for (Future<io.restassured.response.Response> answer : answers) {
                io.restassured.response.Response response = answer.get();
                // The body says which problem it was, should one of them fail.
                assertThat(response.statusCode()).as(response.asString()).isEqualTo(202);
            }
        } finally {
            pool.shutdownNow();
        }
        assertThat(nexafone.findAll(postRequestedFor(urlEqualTo(AUTH)))).hasSize(1);
        assertThat(nexafone.findAll(postRequestedFor(urlEqualTo(ORIGINATE)))).hasSize(CONCURRENT)
                .allSatisfy(r -> assertThat(r.getHeader("Authorization")).isEqualTo("Bearer tok-shared"));
    }

    @Test
    void anExpiredTokenIsRefreshed() throws Exception {
        nexafone.stubFor(post(AUTH).willReturn(okJson("{\"accessToken\":\"tok-short\",\"expiresIn\":1}")));

        as("operator").body(CALL).post("/v1/calls").then().statusCode(202);
        as("operator").body(CALL).post("/v1/calls").then().statusCode(202);
        assertThat(nexafone.findAll(postRequestedFor(urlEqualTo(AUTH)))).hasSize(1);
        Thread.sleep(1_100);
        as("operator").body(CALL).post("/v1/calls").then().statusCode(202);

        assertThat(nexafone.findAll(postRequestedFor(urlEqualTo(AUTH)))).hasSize(2);
    }

    @Test
    void secretsNeverReachLogsEventsMetricsOrAnswers() {
        List<String> logged = new ArrayList<>();
        List<String> answers = new ArrayList<>();
        try (LogCapture logs = LogCapture.of(record -> logged.add(String.valueOf(record.getMessage()) + " "
                + java.util.Arrays.toString(record.getParameters()) + " "
                + (record.getThrown() == null ? "" : record.getThrown())))) {
            nexafone.stubFor(post(AUTH).willReturn(okJson("{\"accessToken\":\"tok-very-secret-1\",\"expiresIn\":3600}")));
            answers.add(as("operator").body(CALL).post("/v1/calls").asString());
            nexafone.stubFor(post(ORIGINATE).willReturn(aResponse().withStatus(401)));
            answers.add(as("operator").body(CALL).post("/v1/calls").asString());
            nexafone.stubFor(post(AUTH).willReturn(aResponse().withStatus(403).withBody("{\"message\":\"nope\"}")));
            TokenCache.forget();
            answers.add(as("operator").body(CALL).post("/v1/calls").asString());
        }
        String events = String.valueOf(em.createNativeQuery("SELECT string_agg(payload::text, ' ') FROM call_event")
                .getSingleResult());
        String metrics = RestAssured.get("/q/metrics").asString();

        assertThat(logged).isNotEmpty();
        for (String secret : List.of(NexafoneStub.API_SECRET, "tok-very-secret-1")) {
            assertThat(String.join("\n", logged)).doesNotContain(secret);
            assertThat(events).doesNotContain(secret);
            assertThat(metrics).doesNotContain(secret);
            assertThat(String.join("\n", answers)).doesNotContain(secret);
        }
        // Numbers in logs are masked.
        assertThat(String.join("\n", logged)).doesNotContain("+919650612345").contains("+9196******45");
    }
}
