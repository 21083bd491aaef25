package io.nexaflow.analytics;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpServer;
import io.agroal.api.AgroalDataSource;
import io.nexaflow.support.Flows;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.RestAssured;
import io.restassured.http.ContentType;
import jakarta.inject.Inject;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;

import static io.nexaflow.support.Api.as;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.startsWith;

/**
 * Per-node analytics of real calls: the sandbox plays six calls through a menu (taking each route, pressing an
 * invalid key, timing out until the attempts run out, hanging up at the survey, one call the platform refuses, one
 * whose http node fails), and the whole analytics document is compared with one worked out by hand from the flow.
 */
@QuarkusTest
class FlowAnalyticsTest {

    private static HttpServer api;

    @Inject
    FlowAnalytics flowAnalytics;

    @Inject
    ObjectMapper json;

    @Inject
    AgroalDataSource dataSource;

    /** The business's API of the http node: down (503), so the node goes to its onError. */
    @BeforeAll
    static void businessApi() throws IOException {
        api = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        api.createContext("/status", exchange -> {
            byte[] body = "{\"error\": \"down\"}".getBytes(java.nio.charset.StandardCharsets.UTF_8);
            exchange.sendResponseHeaders(503, body.length);
            exchange.getResponseBody().write(body);
            exchange.close();
        });
        api.start();
    }

    @AfterAll
    static void stop() {
        api.stop(0);
    }

    private static JsonNode menu() {
        return Flows.parse("""
                {"start": "welcome", "nodes": {
                  "welcome": {"type": "play", "audioUrl": "https://cdn.example.com/welcome.wav", "next": "menu"},
                  "menu":    {"type": "gather", "audioUrl": "https://cdn.example.com/menu.wav", "maxDigits": 1,
                              "maxAttempts": 2, "routes": {"1": "sales", "2": "lookup"},
                              "onInvalid": "sorry", "onTimeout": "sorry", "onMaxAttempts": "bye"},
                  "sorry":   {"type": "play", "audioUrl": "https://cdn.example.com/sorry.wav", "next": "menu"},
                  "sales":   {"type": "play", "audioUrl": "https://cdn.example.com/sales.wav", "next": "survey"},
                  "survey":  {"type": "gather", "audioUrl": "https://cdn.example.com/survey.wav", "maxDigits": 1,
                              "maxAttempts": 1, "routes": {"1": "bye"}, "default": "bye"},
                  "lookup":  {"type": "http", "method": "GET", "url": "http://127.0.0.1:%d/status", "timeoutMs": 500,
                              "next": "bye", "onError": "later"},
                  "later":   {"type": "play", "audioUrl": "https://cdn.example.com/later.wav", "next": "bye"},
                  "bye":     {"type": "hangup"}}}""".formatted(api.getAddress().getPort()));
    }

    /** The analytics of the six calls, worked out from the flow and the scripts (see the test). */
    private static final String EXPECTED = """
            {"flowId": "%s", "version": 1, "from": "%s", "to": "%s",
             "totals": {"calls": 6, "placed": 5, "completed": 5, "running": 0, "failed": 1, "unknown": 0,
                        "keyPresses": 10, "invalid": 1, "timeouts": 3, "maxAttempts": 2, "httpErrors": 1},
             "nodes": [
               {"node": "bye", "type": "hangup", "entered": 4, "visits": 4, "keys": [], "invalid": 0, "timeout": 0,
                "maxAttempts": 0, "httpErrors": 0, "ended": 4, "waiting": 0, "medianMs": null},
               {"node": "later", "type": "play", "entered": 1, "visits": 1, "keys": [], "invalid": 0, "timeout": 0,
                "maxAttempts": 0, "httpErrors": 0, "ended": 0, "waiting": 0, "medianMs": null},
               {"node": "lookup", "type": "http", "entered": 1, "visits": 1, "keys": [], "invalid": 0, "timeout": 0,
                "maxAttempts": 0, "httpErrors": 1, "ended": 0, "waiting": 0, "medianMs": null},
               {"node": "menu", "type": "gather", "entered": 5, "visits": 7,
                "keys": [{"keys": "1", "to": "sales", "presses": 3}, {"keys": "2", "to": "lookup", "presses": 1}],
                "invalid": 1, "timeout": 2, "maxAttempts": 1, "httpErrors": 0, "ended": 0, "waiting": 0,
                "medianMs": "(ms)"},
               {"node": "sales", "type": "play", "entered": 3, "visits": 3, "keys": [], "invalid": 0, "timeout": 0,
                "maxAttempts": 0, "httpErrors": 0, "ended": 0, "waiting": 0, "medianMs": null},
               {"node": "sorry", "type": "play", "entered": 2, "visits": 3, "keys": [], "invalid": 0, "timeout": 0,
                "maxAttempts": 0, "httpErrors": 0, "ended": 0, "waiting": 0, "medianMs": null},
               {"node": "survey", "type": "gather", "entered": 3, "visits": 3,
                "keys": [{"keys": "1", "to": "bye", "presses": 1}, {"keys": "default", "to": "bye", "presses": 1}],
                "invalid": 0, "timeout": 1, "maxAttempts": 1, "httpErrors": 0, "ended": 1, "waiting": 0,
                "medianMs": "(ms)"},
               {"node": "welcome", "type": "play", "entered": 5, "visits": 5, "keys": [], "invalid": 0, "timeout": 0,
                "maxAttempts": 0, "httpErrors": 0, "ended": 0, "waiting": 0, "medianMs": null}],
             "edges": [
               {"from": "later", "to": "bye", "label": null, "calls": 1},
               {"from": "lookup", "to": "bye", "label": null, "calls": 0},
               {"from": "lookup", "to": "later", "label": "onError", "calls": 1},
               {"from": "menu", "to": "sales", "label": "1", "calls": 3},
               {"from": "menu", "to": "lookup", "label": "2", "calls": 1},
               {"from": "menu", "to": "sorry", "label": "onTimeout, onInvalid", "calls": 2},
               {"from": "menu", "to": "bye", "label": "onMaxAttempts", "calls": 1},
               {"from": "sales", "to": "survey", "label": null, "calls": 3},
               {"from": "sorry", "to": "menu", "label": null, "calls": 2},
               {"from": "survey", "to": "bye", "label": "1, default", "calls": 2},
               {"from": "welcome", "to": "menu", "label": null, "calls": 5}]}""";

    @Test
    void countsWhatCallersDidAtEachNode() throws Exception {
        Instant from = Instant.now().truncatedTo(ChronoUnit.SECONDS).minusSeconds(60);
        String flow = Flows.create(menu(), true);
        // a: 1 then 1          welcome, menu → sales, survey → bye
        // b: 2                 menu → lookup (the API answers 503) → later → bye
        // c: 9, 1, 5           menu → sorry (invalid) → menu → sales, survey → bye (default)
        // d: timeout twice     menu → sorry → menu → sorry, and menu is out of attempts: onMaxAttempts → bye
        // e: 1 then timeout    survey has no onTimeout, onInvalid or onMaxAttempts: the call ends at survey
        // f: the platform refuses the number: FAILED, never placed, its first turn not counted
        for (List<String> keys : List.of(List.of("1", "1"), List.of("2"), List.of("9", "1", "5"), List.of("", ""),
                List.of("1", ""))) {
            call(flow, keys);
        }
        String refused = number();
        RestAssured.given().contentType(ContentType.JSON).body(Map.of("number", refused, "outcome", "fail"))
                .post("/sandbox/numbers").then().statusCode(200);
        as("operator").body(Map.of("from", "+911203135800", "to", refused, "flowId", flow)).post("/v1/calls")
                .then().statusCode(422);
        Instant to = Instant.now().truncatedTo(ChronoUnit.SECONDS).plusSeconds(60);

        JsonNode analytics = Flows.parse(as("auditor").queryParam("from", from.toString())
                .queryParam("to", to.toString()).get("/v1/flows/{id}/analytics", flow)
                .then().statusCode(200).extract().asString());

        assertThat(withMediansChecked(analytics)).isEqualTo(Flows.parse(EXPECTED.formatted(flow, from, to)));
        // The published revision by default, or the one named; the admin may read it too.
        JsonNode named = Flows.parse(as("admin").queryParam("version", "1").queryParam("from", from.toString())
                .queryParam("to", to.toString()).get("/v1/flows/{id}/analytics", flow)
                .then().statusCode(200).extract().asString());
        assertThat(withMediansChecked(named)).isEqualTo(Flows.parse(EXPECTED.formatted(flow, from, to)));
        // The Java API (what the console reads) gives the same document; no number appears in it.
        // (through its JSON text: a tree straight from the records would hold longs where parsed JSON holds ints)
        JsonNode java = Flows.parse(json.writeValueAsString(flowAnalytics.compute(UUID.fromString(flow), null, from,
                to)));
        assertThat(withMediansChecked(java)).isEqualTo(Flows.parse(EXPECTED.formatted(flow, from, to)));
        assertThat(analytics.toString()).doesNotContain("+91");
    }

    /**
     * The median waits depend on how fast the sandbox played the calls: each gather's must be a whole number of
     * milliseconds (0 or more), every other node's null; they are then replaced by "(ms)" for the comparison.
     */
    private static JsonNode withMediansChecked(JsonNode analytics) {
        JsonNode copy = analytics.deepCopy();
        for (JsonNode node : copy.get("nodes")) {
            JsonNode median = node.get("medianMs");
            if (node.get("type").asText().equals("gather")) {
                assertThat(median.isIntegralNumber() && median.asLong() >= 0).as("median of " + node).isTrue();
                ((ObjectNode) node).put("medianMs", "(ms)");
            }
        }
        return copy;
    }

    @Test
    void theWindowDefaultsToTheLastWeekAndAnUnusedFlowCountsNothing() {
        String flow = Flows.create(menu(), true);
        Instant before = Instant.now();
        JsonNode analytics = Flows.parse(as("auditor").get("/v1/flows/{id}/analytics", flow)
                .then().statusCode(200).extract().asString());
        Instant to = Instant.parse(analytics.get("to").asText());
        assertThat(to).isBetween(before.minusSeconds(1), Instant.now());
        assertThat(Instant.parse(analytics.get("from").asText())).isEqualTo(to.minus(Duration.ofDays(7)));
        assertThat(analytics.get("totals")).isEqualTo(Flows.parse("""
                {"calls": 0, "placed": 0, "completed": 0, "running": 0, "failed": 0, "unknown": 0,
                 "keyPresses": 0, "invalid": 0, "timeouts": 0, "maxAttempts": 0, "httpErrors": 0}"""));
    }

    @Test
    void badParametersAre400ProblemsThatNameThem() {
        String flow = Flows.create(menu(), true);
        JsonNode problem = Flows.parse(as("auditor").queryParam("version", "x").queryParam("from", "yesterday")
                .get("/v1/flows/{id}/analytics", flow).then().statusCode(400)
                .contentType(startsWith("application/problem+json")).extract().asString());
        String notAnInstant = "'yesterday' is not an ISO-8601 instant such as 2026-11-01T00:00:00Z";
        assertThat(problem).isEqualTo(Flows.parse("""
                {"type": "urn:nexaflow:problem:bad-request", "title": "Bad request", "status": 400,
                 "detail": "?version: 'x' is not a number; ?from: %s",
                 "instance": "/v1/flows/%s/analytics",
                 "errors": [{"pointer": "?version", "message": "'x' is not a number"},
                            {"pointer": "?from", "message": "%s"}]}""".formatted(notAnInstant, flow, notAnInstant)));

        JsonNode backwards = Flows.parse(as("auditor").queryParam("from", "2026-11-02T00:00:00Z")
                .queryParam("to", "2026-11-01T00:00:00Z").get("/v1/flows/{id}/analytics", flow)
                .then().statusCode(400).extract().asString());
        assertThat(backwards).isEqualTo(Flows.parse("""
                {"type": "urn:nexaflow:problem:bad-request", "title": "Bad request", "status": 400,
                 "detail": "?to: must be after from", "instance": "/v1/flows/%s/analytics",
                 "errors": [{"pointer": "?to", "message": "must be after from"}]}""".formatted(flow)));

        JsonNode tooLong = Flows.parse(as("auditor").queryParam("from", "2026-01-01T00:00:00Z")
                .queryParam("to", "2026-06-01T00:00:00Z").get("/v1/flows/{id}/analytics", flow)
                .then().statusCode(400).extract().asString());
        assertThat(tooLong).isEqualTo(Flows.parse("""
                {"type": "urn:nexaflow:problem:bad-request", "title": "Bad request", "status": 400,
                 "detail": "?from: the range may span at most 92 days, was 151", "instance": "/v1/flows/%s/analytics",
                 "errors": [{"pointer": "?from", "message": "the range may span at most 92 days, was 151"}]}"""
                .formatted(flow)));

        as("auditor").queryParam("version", "0").get("/v1/flows/{id}/analytics", flow).then().statusCode(400)
                .body("errors[0].pointer", org.hamcrest.Matchers.equalTo("?version"));
    }

    @Test
    void anUnknownFlowOrRevisionIs404AndOperatorsAre403() {
        String flow = Flows.create(menu(), true);
        UUID unknown = UUID.randomUUID();
        JsonNode noFlow = Flows.parse(as("auditor").get("/v1/flows/{id}/analytics", unknown)
                .then().statusCode(404).contentType(startsWith("application/problem+json")).extract().asString());
        assertThat(noFlow).isEqualTo(Flows.parse("""
                {"type": "urn:nexaflow:problem:not-found", "title": "Not found", "status": 404,
                 "detail": "No flow %s", "instance": "/v1/flows/%s/analytics"}""".formatted(unknown, unknown)));

        JsonNode noVersion = Flows.parse(as("auditor").queryParam("version", "7").get("/v1/flows/{id}/analytics", flow)
                .then().statusCode(404).extract().asString());
        assertThat(noVersion).isEqualTo(Flows.parse("""
                {"type": "urn:nexaflow:problem:not-found", "title": "Not found", "status": 404,
                 "detail": "Flow %s has no revision 7 (latest is 1)", "instance": "/v1/flows/%s/analytics"}"""
                .formatted(flow, flow)));

        JsonNode forbidden = Flows.parse(as("operator").get("/v1/flows/{id}/analytics", flow)
                .then().statusCode(403).contentType(startsWith("application/problem+json")).extract().asString());
        assertThat(forbidden).isEqualTo(Flows.parse("""
                {"type": "urn:nexaflow:problem:forbidden", "title": "Forbidden", "status": 403,
                 "detail": "The API key's role does not allow this operation",
                 "instance": "/v1/flows/%s/analytics"}""".formatted(flow)));
    }

    /** One call through nexaflow and the sandbox, pressing {@code keys} at its gathers ("" lets one time out). */
    private static void call(String flow, List<String> keys) {
        String to = number();
        RestAssured.given().contentType(ContentType.JSON).body(Map.of("to", to, "digits", keys))
                .post("/sandbox/scripts").then().statusCode(201);
        JsonNode originate = Flows.parse(as("operator").body(Map.of("from", "+911203135800", "to", to,
                "flowId", flow)).post("/v1/calls").then().statusCode(202).extract().asString());
        String callId = originate.get("callId").asText();
        await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(50))
                .until(() -> Flows.parse(RestAssured.get("/sandbox/calls/{id}", callId).then().statusCode(200)
                        .extract().asString()).get("state").asText().equals("ended"));
        String id = originate.get("id").asText();
        await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(50))
                .until(() -> as("auditor").get("/v1/calls/" + id).then().extract().path("status"),
                        status -> "COMPLETED".equals(status));
    }

    /**
     * The median wait is PostgreSQL's (percentile_disc): the lower median of whole milliseconds, over calls written
     * straight into the trail with known instants (a sandbox call's waits are not).
     */
    @Test
    void theMedianWaitIsTheLowerMedianInWholeMilliseconds() throws Exception {
        String flow = Flows.create(menu(), true);
        Instant placed = Instant.now().minus(Duration.ofHours(1)).truncatedTo(ChronoUnit.SECONDS);
        // Four callers answer the menu after 2 s, 4.0007 s, 6 s and 10 s: the lower median is 4.0007 s → 4000 ms.
        try (var connection = dataSource.getConnection()) {
            for (long micros : new long[] {2_000_000, 4_000_700, 6_000_000, 10_000_000}) {
                UUID call = UUID.randomUUID();
                try (var insert = connection.prepareStatement("""
                        INSERT INTO call (id, kind, flow_id, flow_version, revision_id, from_number, to_number, status,
                                          created_at, updated_at)
                        SELECT ?, 'FLOW', r.flow_id, r.version, r.id, '+911203135800', ?, 'COMPLETED', ?, ?
                          FROM flow_revision r WHERE r.flow_id = ? AND r.version = 1""")) {
                    insert.setObject(1, call);
                    insert.setString(2, number());
                    insert.setObject(3, placed.atOffset(java.time.ZoneOffset.UTC));
                    insert.setObject(4, placed.atOffset(java.time.ZoneOffset.UTC));
                    insert.setObject(5, UUID.fromString(flow));
                    assertThat(insert.executeUpdate()).isEqualTo(1);
                }
                try (var insert = connection.prepareStatement("""
                        INSERT INTO call_event (call_id, type, node, attempt, dtmf, route, payload, at) VALUES
                          (?, 'STATUS', NULL, NULL, NULL, NULL,
                           '{"from": "QUEUED", "to": "ORIGINATING", "entered": ["welcome", "menu"]}', ?),
                          (?, 'DTMF', 'menu', 1, '1', 'sales', '{"digits": "1", "reason": "MATCH", "target": "sales",
                           "entered": ["sales", "survey"]}', ?::timestamptz + ? * interval '1 microsecond')""")) {
                    insert.setObject(1, call);
                    insert.setObject(2, placed.atOffset(java.time.ZoneOffset.UTC));
                    insert.setObject(3, call);
                    insert.setObject(4, placed.atOffset(java.time.ZoneOffset.UTC));
                    insert.setLong(5, micros);
                    assertThat(insert.executeUpdate()).isEqualTo(2);
                }
            }
        }
        var menu = flowAnalytics.compute(UUID.fromString(flow), null, placed, placed.plusSeconds(1)).nodes().stream()
                .filter(n -> n.node().equals("menu")).findFirst().orElseThrow();
        assertThat(menu).isEqualTo(new FlowAnalyticsView.NodeStats("menu", "gather", 4, 4,
                List.of(new FlowAnalyticsView.KeyStats("1", "sales", 4)), 0, 0, 0, 0, 0, 0, 4_000L));
    }

    private static String number() {
        return "+91965" + String.format("%07d", ThreadLocalRandom.current().nextInt(10_000_000));
    }
}
