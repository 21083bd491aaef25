package io.nexaflow.campaign;

import com.fasterxml.jackson.databind.JsonNode;
import io.nexaflow.support.Flows;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;

import java.sql.Timestamp;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import static io.nexaflow.support.Api.as;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The dialer against the sandbox: every contact dialled once, at the campaign's pace (two replicas together too),
 * suppressed numbers never, a call nobody answers settled as NO_ANSWER, and a pause that stops new calls at once.
 */
@QuarkusTest
class DialerTest {

    private static final String ALWAYS = """
            [{"days": ["MON", "TUE", "WED", "THU", "FRI", "SAT", "SUN"], "start": "00:00", "end": "24:00"}]""";

    @Inject
    io.agroal.api.AgroalDataSource dataSource;
    @Inject
    io.nexaflow.call.OriginateService originate;
    @Inject
    com.fasterxml.jackson.databind.ObjectMapper json;
    @Inject
    io.micrometer.core.instrument.MeterRegistry meters;
    @Inject
    io.nexaflow.config.NexaflowConfig config;

    private static String playAndHangUp() {
        return Flows.create(Flows.parse("""
                {"start": "hi", "nodes": {
                  "hi":  {"type": "play", "audioUrl": "https://cdn.example.com/reminder.wav", "next": "bye"},
                  "bye": {"type": "hangup"}}}"""), true);
    }

    private static String campaign(String flow, double rate, int maxConcurrent, int noAnswerSeconds) {
        JsonNode created = Flows.parse(as("operator").contentType(ContentType.JSON).body("""
                {"name": "dialer test", "flowId": "%s", "from": "+911203135800", "timezone": "Asia/Kolkata",
                 "windows": %s, "callsPerSecond": %s, "maxConcurrent": %d, "noAnswerAfterSeconds": %d}"""
                .formatted(flow, ALWAYS, rate, maxConcurrent, noAnswerSeconds))
                .post("/v1/campaigns").then().statusCode(201).extract().asString());
        return created.get("id").asText();
    }

    /** Numbers nobody else's test uses: a random block of this run. */
    private static List<String> numbers(int n) {
        return Campaigns.numbers("+9198", n);
    }

    private static void upload(String campaign, List<String> numbers) {
        as("operator").contentType("text/csv").body("number\n" + String.join("\n", numbers) + "\n")
                .post("/v1/campaigns/{id}/contacts", campaign).then().statusCode(200);
    }

    private static JsonNode get(String campaign) {
        return Flows.parse(as("auditor").get("/v1/campaigns/{id}", campaign).then().statusCode(200).extract()
                .asString());
    }

    private static Map<String, Long> states(String campaign) {
        Map<String, Long> states = new TreeMap<>();
        get(campaign).at("/progress/states").fields().forEachRemaining(e -> {
            if (e.getValue().asLong() > 0) {
                states.put(e.getKey(), e.getValue().asLong());
            }
        });
        return states;
    }

    /** Per number called for the campaign: the number, its calls, the first and last call's creation. */
    private List<Object[]> calls(String campaign) throws java.sql.SQLException {
        try (var connection = dataSource.getConnection(); var statement = connection.prepareStatement(
                "SELECT to_number, count(*), min(created_at), max(created_at) FROM call WHERE created_by = ? "
                        + "GROUP BY to_number")) {
            statement.setString(1, "campaign " + campaign);
            List<Object[]> rows = new ArrayList<>();
            try (var result = statement.executeQuery()) {
                while (result.next()) {
                    rows.add(new Object[] {result.getString(1), result.getLong(2), result.getTimestamp(3),
                            result.getTimestamp(4)});
                }
            }
            return rows;
        }
    }

    @Test
    void everyContactIsDialledOnceAtTheCampaignsPaceAndSuppressedNumbersNever() throws Exception {
        String campaign = campaign(playAndHangUp(), 20, 50, 10);
        List<String> numbers = numbers(41);
        String suppressed = numbers.get(40);
        as("operator").contentType(ContentType.JSON).body(Map.of("number", suppressed, "reason", "opted out"))
                .post("/v1/suppressions").then().statusCode(200);
        upload(campaign, numbers);
        as("operator").post("/v1/campaigns/{id}/start", campaign).then().statusCode(200);

        await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(200))
                .until(() -> get(campaign).get("state").asText().equals("COMPLETED"));

        assertThat(states(campaign)).isEqualTo(Map.of("COMPLETED", 40L, "SUPPRESSED", 1L));
        List<Object[]> calls = calls(campaign);
        assertThat(calls).hasSize(40).allSatisfy(row -> assertThat(((Number) row[1]).longValue()).isEqualTo(1));
        assertThat(calls).noneMatch(row -> row[0].equals(suppressed));
        long first = calls.stream().mapToLong(row -> ((Timestamp) row[2]).getTime()).min().orElseThrow();
        long last = calls.stream().mapToLong(row -> ((Timestamp) row[3]).getTime()).max().orElseThrow();
        // 40 calls at 20/s: 39 gaps of 50 ms, so not less than 1.95 s apart (a little slack for rounding).
        assertThat(last - first).isGreaterThanOrEqualTo(1_850);
        JsonNode completed = Flows.parse(as("auditor").get("/v1/campaigns/{id}/contacts?state=COMPLETED&limit=100",
                campaign).then().statusCode(200).extract().asString());
        assertThat(completed.get("items")).hasSize(40).allSatisfy(c -> {
            assertThat(c.get("attempts").asInt()).isEqualTo(1);
            assertThat(c.hasNonNull("lastCallId")).isTrue();
        });
    }

    @Test
    void aCallNobodyAnswersIsNoAnswerOnceItsTimeRunsOut() {
        String flow = Flows.create(Flows.parse("""
                {"start": "ask", "nodes": {
                  "ask": {"type": "gather", "audioUrl": "https://cdn.example.com/press-1.wav",
                          "routes": {"1": "bye"}, "default": "bye"},
                  "bye": {"type": "hangup"}}}"""), true);
        String campaign = campaign(flow, 5, 5, 10);
        String number = numbers(1).get(0);
        io.restassured.RestAssured.given().contentType(ContentType.JSON)
                .body(Map.of("number", number, "outcome", "no-answer")).post("/sandbox/numbers").then().statusCode(200);
        upload(campaign, List.of(number));
        as("operator").post("/v1/campaigns/{id}/start", campaign).then().statusCode(200);

        await().atMost(Duration.ofSeconds(3)).until(() -> states(campaign).equals(Map.of("IN_PROGRESS", 1L)));
        // No gather callback within noAnswerAfterSeconds (10): NO_ANSWER, and with no retry policy that is final.
        await().atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(250))
                .until(() -> get(campaign).get("state").asText().equals("COMPLETED"));
        assertThat(states(campaign)).isEqualTo(Map.of("NO_ANSWER", 1L));
    }

    @Test
    void aPauseStopsNewCallsAtOnceAndResumeGoesOn() throws Exception {
        String campaign = campaign(playAndHangUp(), 5, 10, 10);
        upload(campaign, numbers(30));
        as("operator").post("/v1/campaigns/{id}/start", campaign).then().statusCode(200);
        await().atMost(Duration.ofSeconds(10)).until(() -> calls(campaign).size() >= 3);
        as("operator").post("/v1/campaigns/{id}/pause", campaign).then().statusCode(200);
        Thread.sleep(1_000); // slots already taken (at most a quarter second ahead) go out
        int paused = calls(campaign).size();
        Thread.sleep(1_500);
        assertThat(calls(campaign)).hasSize(paused);
        assertThat(paused).isLessThan(30);

        as("operator").post("/v1/campaigns/{id}/resume", campaign).then().statusCode(200);
        await().atMost(Duration.ofSeconds(20)).until(() -> calls(campaign).size() > paused);
        as("operator").post("/v1/campaigns/{id}/cancel", campaign).then().statusCode(200);
        Map<String, Long> states = states(campaign);
        assertThat(states.keySet()).isSubsetOf("COMPLETED", "CANCELLED", "DIALING", "IN_PROGRESS");
        assertThat(states.getOrDefault("CANCELLED", 0L)).isPositive();
    }

    /**
     * A number the platform refuses is FAILED, waits its retry delay as RETRY_WAIT, is dialled again once the
     * delay has passed (the test moves the contact's clock rather than wait 60 s), and ends FAILED after
     * maxAttempts, one call per attempt; a number that answers is dialled once.
     */
    @Test
    void aRefusedNumberIsRetriedAfterItsDelayUntilMaxAttemptsThenFailed() throws Exception {
        String flow = playAndHangUp();
        JsonNode created = Flows.parse(as("operator").contentType(ContentType.JSON).body("""
                {"name": "retry test", "flowId": "%s", "from": "+911203135800", "timezone": "Asia/Kolkata",
                 "windows": %s, "callsPerSecond": 10, "maxConcurrent": 10,
                 "retry": {"maxAttempts": 2, "delaySeconds": 600, "on": ["FAILED"]}}""".formatted(flow, ALWAYS))
                .post("/v1/campaigns").then().statusCode(201).extract().asString());
        String campaign = created.get("id").asText();
        List<String> numbers = numbers(2);
        String refused = numbers.get(0);
        io.restassured.RestAssured.given().contentType(ContentType.JSON)
                .body(Map.of("number", refused, "outcome", "fail")).post("/sandbox/numbers").then().statusCode(200);
        upload(campaign, numbers);
        as("operator").post("/v1/campaigns/{id}/start", campaign).then().statusCode(200);

        await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(200))
                .until(() -> states(campaign).equals(Map.of("COMPLETED", 1L, "RETRY_WAIT", 1L)));
        Timestamp dueAt;
        try (var connection = dataSource.getConnection(); var statement = connection.prepareStatement(
                "SELECT next_attempt_at, now() FROM campaign_contact WHERE campaign_id = ?::uuid AND number = ?")) {
            statement.setString(1, campaign);
            statement.setString(2, refused);
            try (var rows = statement.executeQuery()) {
                rows.next();
                dueAt = rows.getTimestamp(1);
                // The policy's delay: 600 s from the failed attempt (a few seconds ago at most).
                assertThat(dueAt.getTime() - rows.getTimestamp(2).getTime()).isBetween(590_000L, 600_000L);
            }
        }
        Thread.sleep(1_000);
        assertThat(calls(campaign)).filteredOn(row -> row[0].equals(refused)).singleElement()
                .satisfies(row -> assertThat(((Number) row[1]).longValue()).isEqualTo(1));

        // The clock the test controls: the delay has passed.
        try (var connection = dataSource.getConnection(); var statement = connection.prepareStatement(
                "UPDATE campaign_contact SET next_attempt_at = now() WHERE campaign_id = ?::uuid AND number = ?")) {
            statement.setString(1, campaign);
            statement.setString(2, refused);
            assertThat(statement.executeUpdate()).isEqualTo(1);
        }
        await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(200))
                .until(() -> get(campaign).get("state").asText().equals("COMPLETED"));
        assertThat(states(campaign)).isEqualTo(Map.of("COMPLETED", 1L, "FAILED", 1L));
        assertThat(calls(campaign)).extracting(row -> row[0] + "=" + row[1])
                .containsExactlyInAnyOrder(refused + "=2", numbers.get(1) + "=1");
        JsonNode failed = Flows.parse(as("auditor").get("/v1/campaigns/{id}/contacts?state=FAILED", campaign)
                .then().statusCode(200).extract().asString()).get("items").get(0);
        assertThat(failed.get("number").asText()).isEqualTo(refused);
        assertThat(failed.get("attempts").asInt()).isEqualTo(2);
    }

    /**
     * Two replicas on one database: this application's dialer and a second one started beside it (its own replica
     * id, timer and threads; PostgreSQL is all they share). Both dial, and the campaign's pace holds for the pair
     * within 10% over every 10 s of the run.
     */
    @Test
    void twoReplicasKeepTheCampaignsPaceWithinTenPercentOverAnyTenSeconds() throws Exception {
        double rate = 30;
        int contacts = 450; // 15 s at 30/s
        String campaign = campaign(playAndHangUp(), rate, 200, 10);
        upload(campaign, numbers(contacts));
        Dialer second = new Dialer(dataSource, originate, json, meters, config);
        second.start(null);
        java.util.Set<String> replicas = new java.util.HashSet<>();
        try {
            as("operator").post("/v1/campaigns/{id}/start", campaign).then().statusCode(200);
            await().atMost(Duration.ofSeconds(45)).pollInterval(Duration.ofMillis(100)).until(() -> {
                try (var connection = dataSource.getConnection(); var statement = connection.prepareStatement(
                        "SELECT DISTINCT leased_by FROM campaign_contact WHERE campaign_id = ?::uuid "
                                + "AND leased_by IS NOT NULL")) {
                    statement.setString(1, campaign);
                    try (var rows = statement.executeQuery()) {
                        while (rows.next()) {
                            replicas.add(rows.getString(1));
                        }
                    }
                }
                return get(campaign).get("state").asText().equals("COMPLETED");
            });
        } finally {
            second.stop(null);
        }

        assertThat(replicas).as("replicas that leased contacts").hasSize(2);
        assertThat(states(campaign)).isEqualTo(Map.of("COMPLETED", (long) contacts));
        List<Long> started = new ArrayList<>();
        try (var connection = dataSource.getConnection(); var statement = connection.prepareStatement(
                "SELECT created_at FROM call WHERE created_by = ? ORDER BY created_at")) {
            statement.setString(1, "campaign " + campaign);
            try (var rows = statement.executeQuery()) {
                while (rows.next()) {
                    started.add(rows.getTimestamp(1).getTime());
                }
            }
        }
        assertThat(started).hasSize(contacts);
        long first = started.get(0);
        long last = started.get(started.size() - 1);
        List<String> off = new ArrayList<>();
        int windows = 0;
        for (long from = first; from + 10_000 <= last; from += 250) {
            long start = from;
            long n = started.stream().filter(t -> t >= start && t < start + 10_000).count();
            windows++;
            if (Math.abs(n - rate * 10) > rate * 10 * 0.10) {
                off.add(n + " calls in the 10 s from +" + (from - first) + " ms");
            }
        }
        assertThat(windows).isGreaterThanOrEqualTo(10);
        assertThat(off).as("10 s windows off the pace of %s/s by more than 10%%", rate).isEmpty();
    }
}
