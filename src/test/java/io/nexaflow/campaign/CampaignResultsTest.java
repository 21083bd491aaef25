package io.nexaflow.campaign;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.nexaflow.support.Api;
import io.nexaflow.support.Flows;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.RestAssured;
import io.restassured.http.ContentType;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.DayOfWeek;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.format.TextStyle;
import java.time.temporal.TemporalAdjusters;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import static io.nexaflow.support.Api.as;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * What a campaign tells its operator: the export (each contact's outcome, the path its call took through the flow
 * and what the flow collected), the progress stream, and why it is not dialling (held) with when it should end.
 */
@QuarkusTest
class CampaignResultsTest {

    private static final String ALWAYS = """
            [{"days": ["MON", "TUE", "WED", "THU", "FRI", "SAT", "SUN"], "start": "00:00", "end": "24:00"}]""";
    private static final String MENU = """
            {"start": "greet", "nodes": {
              "greet":  {"type": "play", "audioUrl": "https://cdn.example.com/hello.wav", "next": "menu"},
              "menu":   {"type": "gather", "audioUrl": "https://cdn.example.com/menu.wav", "saveAs": "choice",
                         "routes": {"1": "thanks"}, "default": "bye"},
              "thanks": {"type": "play", "audioUrl": "https://cdn.example.com/thanks.wav", "next": "bye"},
              "bye":    {"type": "hangup"}}}""";

    private static String campaign(String flow, String windows, double rate, int maxConcurrent) {
        JsonNode created = Flows.parse(as("operator").contentType(ContentType.JSON).body("""
                {"name": "results test", "flowId": "%s", "from": "+911203135800", "timezone": "UTC",
                 "windows": %s, "callsPerSecond": %s, "maxConcurrent": %d, "noAnswerAfterSeconds": 10}"""
                .formatted(flow, windows, rate, maxConcurrent))
                .post("/v1/campaigns").then().statusCode(201).extract().asString());
        return created.get("id").asText();
    }

    /** Numbers nobody else's test uses: a random block of this run. */
    private static List<String> numbers(int n) {
        return Campaigns.numbers("+9197", n);
    }

    private static JsonNode get(String campaign) {
        return Flows.parse(as("auditor").get("/v1/campaigns/{id}", campaign).then().statusCode(200).extract()
                .asString());
    }

    private static void start(String campaign) {
        as("operator").post("/v1/campaigns/{id}/start", campaign).then().statusCode(200);
    }

    /** Each contact by number, as the contacts API lists them: the ids the export must show. */
    private static Map<String, JsonNode> contacts(String campaign) {
        Map<String, JsonNode> byNumber = new HashMap<>();
        Flows.parse(as("auditor").get("/v1/campaigns/{id}/contacts?limit=500", campaign).then().statusCode(200)
                .extract().asString()).get("items").forEach(c -> byNumber.put(c.get("number").asText(), c));
        return byNumber;
    }

    @Test
    void theExportShowsEachContactsPathThroughTheFlowAndWhatItCollected() {
        String campaign = campaign(Flows.create(Flows.parse(MENU), true), ALWAYS, 10, 10);
        List<String> numbers = numbers(3);
        String asha = numbers.get(0);
        String ravi = numbers.get(1);
        String carl = numbers.get(2);
        RestAssured.given().contentType(ContentType.JSON).body(Map.of("to", asha, "digits", List.of("1")))
                .post("/sandbox/scripts").then().statusCode(201);
        RestAssured.given().contentType(ContentType.JSON).body(Map.of("to", ravi, "digits", List.of("2")))
                .post("/sandbox/scripts").then().statusCode(201);
        RestAssured.given().contentType(ContentType.JSON).body(Map.of("number", carl, "outcome", "no-answer"))
                .post("/sandbox/numbers").then().statusCode(200);
        as("operator").contentType("text/csv").body("number,name\n" + asha + ",Asha\n" + ravi + ",Ravi\n" + carl
                + ",Carl\n").post("/v1/campaigns/{id}/contacts", campaign).then().statusCode(200);
        start(campaign);
        // Carl's call rings out: NO_ANSWER once noAnswerAfterSeconds (10) pass with no gather callback.
        await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(250))
                .until(() -> get(campaign).get("state").asText().equals("COMPLETED"));

        String metrics = RestAssured.given().get("/q/metrics").then().statusCode(200).extract().asString();
        assertThat(metrics).containsPattern("(?m)^nexaflow_campaign_outcomes_total\\{campaign=\"" + campaign
                + "\",outcome=\"ANSWERED\"} 2\\.0$");
        assertThat(metrics).containsPattern("(?m)^nexaflow_campaign_outcomes_total\\{campaign=\"" + campaign
                + "\",outcome=\"NO_ANSWER\"} 1\\.0$");

        Map<String, JsonNode> listed = contacts(campaign);
        String ashaLine = """
                {"id": %s, "number": "%s", "variables": {"name": "Asha"}, "state": "COMPLETED", "attempts": 1,
                 "lastOutcome": "ANSWERED", "lastCallId": "%s", "path": ["greet", "menu", "thanks", "bye"],
                 "collected": {"name": "Asha", "choice": "1"}}""".formatted(listed.get(asha).get("id"), asha,
                listed.get(asha).get("lastCallId").asText());
        String raviLine = """
                {"id": %s, "number": "%s", "variables": {"name": "Ravi"}, "state": "COMPLETED", "attempts": 1,
                 "lastOutcome": "ANSWERED", "lastCallId": "%s", "path": ["greet", "menu", "bye"],
                 "collected": {"name": "Ravi", "choice": "2"}}""".formatted(listed.get(ravi).get("id"), ravi,
                listed.get(ravi).get("lastCallId").asText());
        String carlLine = """
                {"id": %s, "number": "%s", "variables": {"name": "Carl"}, "state": "NO_ANSWER", "attempts": 1,
                 "lastOutcome": "NO_ANSWER", "lastCallId": "%s", "collected": {"name": "Carl"}}"""
                .formatted(listed.get(carl).get("id"), carl, listed.get(carl).get("lastCallId").asText());

        String ndjson = as("auditor").accept("application/x-ndjson").get("/v1/campaigns/{id}/export", campaign)
                .then().statusCode(200).contentType("application/x-ndjson").extract().asString();
        List<JsonNode> lines = ndjson.lines().map(Flows::parse).toList();
        assertThat(lines).containsExactly(Flows.parse(ashaLine), Flows.parse(raviLine), Flows.parse(carlLine));

        String csv = as("auditor").accept("text/csv").get("/v1/campaigns/{id}/export", campaign)
                .then().statusCode(200).extract().asString();
        assertThat(csv).isEqualTo("id,number,state,attempts,lastOutcome,lastError,lastCallId,path,variables,"
                + "collected\r\n"
                + listed.get(asha).get("id") + "," + asha + ",COMPLETED,1,ANSWERED,," + listed.get(asha).get("lastCallId")
                .asText() + ",greet > menu > thanks > bye,\"{\"\"name\"\":\"\"Asha\"\"}\","
                + "\"{\"\"name\"\":\"\"Asha\"\",\"\"choice\"\":\"\"1\"\"}\"\r\n"
                + listed.get(ravi).get("id") + "," + ravi + ",COMPLETED,1,ANSWERED,," + listed.get(ravi).get("lastCallId")
                .asText() + ",greet > menu > bye,\"{\"\"name\"\":\"\"Ravi\"\"}\","
                + "\"{\"\"name\"\":\"\"Ravi\"\",\"\"choice\"\":\"\"2\"\"}\"\r\n"
                + listed.get(carl).get("id") + "," + carl + ",NO_ANSWER,1,NO_ANSWER,," + listed.get(carl).get("lastCallId")
                .asText() + ",,\"{\"\"name\"\":\"\"Carl\"\"}\",\"{\"\"name\"\":\"\"Carl\"\"}\"\r\n");

        // The flow analytics over the campaign's calls: Carl's call rang out, and as Nexafone reports no answer,
        // it counts as waiting at the first gather (it is IN_PROGRESS until the idle sweep).
        JsonNode analytics = Flows.parse(as("operator").get("/v1/campaigns/{id}/analytics", campaign)
                .then().statusCode(200).extract().asString());
        JsonNode menu = analytics.get("nodes").get(2);
        assertThat(menu.get("medianMs").isIntegralNumber()).as(menu.toString()).isTrue();
        ((com.fasterxml.jackson.databind.node.ObjectNode) menu).put("medianMs", "(ms)");
        ((com.fasterxml.jackson.databind.node.ObjectNode) analytics).remove(List.of("flowId", "from", "to"));
        assertThat(analytics).isEqualTo(Flows.parse("""
                {"version": 1,
                 "totals": {"calls": 3, "placed": 3, "completed": 2, "running": 1, "failed": 0, "unknown": 0,
                            "keyPresses": 2, "invalid": 0, "timeouts": 0, "maxAttempts": 0, "httpErrors": 0},
                 "nodes": [
                   {"node": "bye", "type": "hangup", "entered": 2, "visits": 2, "keys": [], "invalid": 0,
                    "timeout": 0, "maxAttempts": 0, "httpErrors": 0, "ended": 2, "waiting": 0, "medianMs": null},
                   {"node": "greet", "type": "play", "entered": 3, "visits": 3, "keys": [], "invalid": 0,
                    "timeout": 0, "maxAttempts": 0, "httpErrors": 0, "ended": 0, "waiting": 0, "medianMs": null},
                   {"node": "menu", "type": "gather", "entered": 3, "visits": 3,
                    "keys": [{"keys": "1", "to": "thanks", "presses": 1},
                             {"keys": "default", "to": "bye", "presses": 1}],
                    "invalid": 0, "timeout": 0, "maxAttempts": 0, "httpErrors": 0, "ended": 0, "waiting": 1,
                    "medianMs": "(ms)"},
                   {"node": "thanks", "type": "play", "entered": 1, "visits": 1, "keys": [], "invalid": 0,
                    "timeout": 0, "maxAttempts": 0, "httpErrors": 0, "ended": 0, "waiting": 0, "medianMs": null}],
                 "edges": [
                   {"from": "greet", "to": "menu", "label": null, "calls": 3},
                   {"from": "menu", "to": "thanks", "label": "1", "calls": 1},
                   {"from": "menu", "to": "bye", "label": "default", "calls": 1},
                   {"from": "thanks", "to": "bye", "label": null, "calls": 1}]}"""));
        as("operator").get("/v1/campaigns/{id}/analytics", java.util.UUID.randomUUID()).then().statusCode(404);
    }

    @Test
    void theProgressStreamSendsTheCampaignEverySecondUntilItEnds() throws Exception {
        String flow = Flows.create(Flows.parse("""
                {"start": "hi", "nodes": {
                  "hi":  {"type": "play", "audioUrl": "https://cdn.example.com/reminder.wav", "next": "bye"},
                  "bye": {"type": "hangup"}}}"""), true);
        String campaign = campaign(flow, ALWAYS, 4, 10);
        List<String> numbers = numbers(12);
        as("operator").contentType("text/csv").body("number\n" + String.join("\n", numbers) + "\n")
                .post("/v1/campaigns/{id}/contacts", campaign).then().statusCode(200);
        start(campaign);

        HttpClient http = HttpClient.newHttpClient();
        HttpResponse<java.util.stream.Stream<String>> response = http.send(HttpRequest.newBuilder(
                        URI.create(RestAssured.baseURI + ":" + RestAssured.port + "/v1/campaigns/" + campaign
                                + "/progress"))
                .header("Authorization", "Bearer " + Api.key("auditor")).header("Accept", "text/event-stream")
                .timeout(Duration.ofSeconds(30)).build(), HttpResponse.BodyHandlers.ofLines());
        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.headers().firstValue("Content-Type").orElse("")).startsWith("text/event-stream");
        long began = System.nanoTime();
        // The stream ends by itself after the event that shows the campaign COMPLETED (12 calls at 4/s: ~3 s).
        List<JsonNode> events = response.body().filter(line -> line.startsWith("data:"))
                .map(line -> Flows.parse(line.substring("data:".length()))).toList();
        long seconds = Duration.ofNanos(System.nanoTime() - began).toSeconds();

        assertThat(events).isNotEmpty().allSatisfy(e -> assertThat(e.get("id").asText()).isEqualTo(campaign));
        JsonNode last = events.get(events.size() - 1);
        assertThat(last.get("state").asText()).isEqualTo("COMPLETED");
        assertThat(last.at("/progress/states/COMPLETED").asLong()).isEqualTo(12);
        assertThat(events.subList(0, events.size() - 1))
                .allSatisfy(e -> assertThat(e.get("state").asText()).isEqualTo("RUNNING"));
        // One event a second: as many as the seconds the stream lasted, give or take the first and the last.
        assertThat((long) events.size()).isBetween(Math.max(1, seconds - 1), seconds + 2);
        // Counts only grow: an event never shows fewer completed contacts than the one before.
        for (int i = 1; i < events.size(); i++) {
            assertThat(events.get(i).at("/progress/states/COMPLETED").asLong())
                    .isGreaterThanOrEqualTo(events.get(i - 1).at("/progress/states/COMPLETED").asLong());
        }
    }

    @Test
    void outsideItsHoursACampaignIsHeldByTheWindowAndEstimatesItsEndInTheNextOne() {
        // A window two days from now (UTC): never open while the test runs, its opening known exactly.
        LocalDate today = LocalDate.now(ZoneOffset.UTC);
        DayOfWeek day = today.plusDays(2).getDayOfWeek();
        String windows = "[{\"days\": [\"" + day.getDisplayName(TextStyle.SHORT, Locale.ROOT).toUpperCase(Locale.ROOT)
                + "\"], \"start\": \"10:00\", \"end\": \"11:00\"}]";
        String campaign = campaign(Flows.create(Flows.parse(MENU), true), windows, 2, 10);
        as("operator").contentType("text/csv").body("number\n" + String.join("\n", numbers(6)) + "\n")
                .post("/v1/campaigns/{id}/contacts", campaign).then().statusCode(200);
        Instant asked = Instant.now();
        start(campaign);

        await().atMost(Duration.ofSeconds(5)).until(() -> get(campaign).at("/progress/held").isObject());
        ObjectNode progress = (ObjectNode) get(campaign).get("progress");
        Instant since = Instant.parse(progress.at("/held/since").asText());
        assertThat(since).isBetween(asked.minusSeconds(1), Instant.now());
        ((ObjectNode) progress.get("held")).remove("since");
        // 6 contacts at 2/s: 3 seconds of calling time, from the moment the window opens.
        Instant opens = today.with(TemporalAdjusters.next(day)).atTime(10, 0).toInstant(ZoneOffset.UTC);
        assertThat(progress).isEqualTo(Flows.parse("""
                {"states": {"PENDING": 6, "DIALING": 0, "IN_PROGRESS": 0, "COMPLETED": 0, "NO_ANSWER": 0,
                            "FAILED": 0, "RETRY_WAIT": 0, "CANCELLED": 0, "SUPPRESSED": 0},
                 "total": 6, "ratePerSecond": 0.0, "estimatedEnd": "%s", "held": {"reason": "WINDOW"}}"""
                .formatted(opens.plusSeconds(3))));
        as("operator").post("/v1/campaigns/{id}/cancel", campaign).then().statusCode(200);
    }

    @Test
    void aCampaignWithItsCallsOnTheLineIsHeldByConcurrency() {
        String campaign = campaign(Flows.create(Flows.parse(MENU), true), ALWAYS, 5, 1);
        List<String> numbers = numbers(2);
        // Nobody answers: the first call stays on the line until noAnswerAfterSeconds, the second waits for room.
        for (String number : numbers) {
            RestAssured.given().contentType(ContentType.JSON).body(Map.of("number", number, "outcome", "no-answer"))
                    .post("/sandbox/numbers").then().statusCode(200);
        }
        as("operator").contentType("text/csv").body("number\n" + String.join("\n", numbers) + "\n")
                .post("/v1/campaigns/{id}/contacts", campaign).then().statusCode(200);
        start(campaign);

        await().atMost(Duration.ofSeconds(5)).until(() -> "CONCURRENCY".equals(get(campaign).at("/progress/held/reason")
                .asText()));
        JsonNode progress = get(campaign).get("progress");
        assertThat(progress.at("/states/PENDING").asLong()).isEqualTo(1);
        // On the line: being dialled, or dialled and waiting for its gather callback.
        assertThat(progress.at("/states/DIALING").asLong() + progress.at("/states/IN_PROGRESS").asLong()).isEqualTo(1);
        // What the alerts (k8s/components/alerts, AlertsTest) read: the meters by campaign, outcome and reason.
        String metrics = RestAssured.given().get("/q/metrics").then().statusCode(200).extract().asString();
        assertThat(metrics).containsPattern("(?m)^nexaflow_campaign_held_total\\{campaign=\"" + campaign
                + "\",reason=\"concurrency\"} [1-9]");
        assertThat(metrics).containsPattern("(?m)^nexaflow_campaign_originates_total\\{campaign=\"" + campaign
                + "\",outcome=\"placed\"} 1\\.0$");
        as("operator").post("/v1/campaigns/{id}/cancel", campaign).then().statusCode(200);
    }

    @Test
    void anUnknownCampaignIsA404ProblemForTheExportAndTheStream() {
        String missing = "6f1c1a52-3d47-4c5e-9a76-2f0d3c8b1e11";
        for (String path : List.of("/v1/campaigns/" + missing + "/export", "/v1/campaigns/" + missing + "/progress")) {
            String body = as("auditor").accept("*/*").get(path).then().statusCode(404)
                    .contentType("application/problem+json").extract().asString();
            assertThat(Flows.parse(body)).as(path).isEqualTo(Flows.parse("""
                    {"type": "urn:nexaflow:problem:not-found", "title": "Not found", "status": 404,
                     "detail": "no campaign %s", "instance": "%s"}""".formatted(missing, path)));
        }
    }
}
