package io.nexaflow.call;

import com.fasterxml.jackson.databind.JsonNode;
import io.nexaflow.call.CallRows.SeededFlow;
import io.nexaflow.support.Flows;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.RestAssured;
import io.restassured.specification.RequestSpecification;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static io.nexaflow.support.Api.as;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.startsWith;

/** GET /v1/calls: every filter, keyset pages newest first, and cursors that new calls do not move. */
@QuarkusTest
class CallListTest {

    @Inject
    CallRows rows;

    /**
     * An hour of history of its own for each test: the hour before the oldest call of the last 300 days (younger
     * than any retention sweep reaches), so neither other tests nor earlier runs on this database have calls in it.
     */
    private Instant window() {
        Instant oldest = (Instant) rows.query("SELECT min(created_at) AS oldest FROM call "
                + "WHERE created_at > now() - interval '300 days'").get(0).get("oldest");
        Instant threeDaysAgo = Instant.now().minus(Duration.ofDays(3));
        Instant before = oldest == null || oldest.isAfter(threeDaysAgo) ? threeDaysAgo : oldest;
        return before.truncatedTo(ChronoUnit.HOURS).minus(Duration.ofHours(1));
    }

    @Test
    void aCallIsListedWithEveryField() {
        SeededFlow flow = rows.flow(1);
        String from = rows.number();
        String to = rows.number();
        Instant at = window().plusSeconds(12).plusNanos(345_678_000);
        UUID id = rows.call(flow, 1, from, to, Call.Status.COMPLETED, at);

        JsonNode page = list(Map.of("to", to));

        assertThat(page).isEqualTo(Flows.parse("""
                {"items": [{"id": "%s", "callId": "nf-%s", "kind": "FLOW", "status": "COMPLETED", "flowId": "%s",
                            "flowVersion": 1, "from": "%s", "to": "%s", "currentNode": "menu", "attempts": {"menu": 1},
                            "createdAt": "%s", "updatedAt": "%s", "endedAt": "%s"}],
                 "next": null}""".formatted(id, id.toString().substring(0, 8), flow.id(), from, to, at,
                at.plusSeconds(60), at.plusSeconds(60))));
    }

    @Test
    void eachFilterNarrowsTheList() {
        SeededFlow a = rows.flow(2);
        SeededFlow b = rows.flow(1);
        String f1 = rows.number(), f2 = rows.number(), t1 = rows.number(), t2 = rows.number();
        Instant w = window();
        UUID c1 = rows.call(a, 1, f1, t1, Call.Status.COMPLETED, w.plusSeconds(60));
        UUID c2 = rows.call(a, 2, f1, t2, Call.Status.FAILED, w.plusSeconds(120));
        UUID c3 = rows.call(a, 2, f2, t1, Call.Status.COMPLETED, w.plusSeconds(180));
        UUID c4 = rows.call(b, 1, f2, t2, Call.Status.IN_PROGRESS, w.plusSeconds(240));
        UUID c5 = rows.call(b, 1, f1, t1, Call.Status.UNKNOWN, w.plusSeconds(300));
        UUID c6 = rows.call(a, 1, f2, t2, Call.Status.COMPLETED, w.plusSeconds(360));
        String since = w.toString();
        String until = w.plus(Duration.ofHours(1)).toString();

        assertThat(ids(Map.of("since", since, "until", until))).containsExactly(c6, c5, c4, c3, c2, c1);
        assertThat(ids(Map.of("from", f1))).containsExactly(c5, c2, c1);
        assertThat(ids(Map.of("to", t2))).containsExactly(c6, c4, c2);
        assertThat(ids(Map.of("flowId", a.id()))).containsExactly(c6, c3, c2, c1);
        assertThat(ids(Map.of("flowId", a.id(), "flowVersion", 2))).containsExactly(c3, c2);
        assertThat(ids(Map.of("status", "COMPLETED", "since", since, "until", until))).containsExactly(c6, c3, c1);
        assertThat(ids(Map.of("status", "failed,UNKNOWN", "since", since, "until", until))).containsExactly(c5, c2);
        assertThat(ids(Map.of("since", w.plusSeconds(180).toString(), "until", w.plusSeconds(300).toString())))
                .as("since is inclusive, until exclusive").containsExactly(c4, c3);
        assertThat(ids(Map.of("from", f2, "flowId", a.id(), "status", "COMPLETED"))).containsExactly(c6, c3);
        assertThat(ids(Map.of("from", f1, "to", t2, "flowId", b.id()))).isEmpty();

        List<UUID> repeated = new ArrayList<>();
        as("auditor").queryParam("status", "FAILED").queryParam("status", "UNKNOWN").queryParam("since", since)
                .queryParam("until", until).get("/v1/calls").then().statusCode(200).extract().jsonPath()
                .getList("items.id", String.class).forEach(i -> repeated.add(UUID.fromString(i)));
        assertThat(repeated).containsExactly(c5, c2);
    }

    @Test
    void pagesNeitherOverlapNorSkip() {
        SeededFlow flow = rows.flow(1);
        String from = rows.number();
        Instant w = window();
        List<UUID> placed = new ArrayList<>();
        for (int i = 0; i < 7; i++) {
            // two calls share a timestamp: the id breaks the tie, so neither is lost between pages
            Instant at = w.plusSeconds(i == 4 ? 3 : i);
            placed.add(rows.call(flow, 1, from, rows.number(), Call.Status.COMPLETED, at));
        }
        List<UUID> all = ids(Map.of("from", from, "limit", 500));
        assertThat(all).hasSize(7).containsExactlyInAnyOrderElementsOf(placed);

        List<UUID> paged = new ArrayList<>();
        String cursor = null;
        List<Integer> sizes = new ArrayList<>();
        do {
            JsonNode page = list(cursor == null ? Map.of("from", from, "limit", 3)
                    : Map.of("from", from, "limit", 3, "cursor", cursor));
            page.get("items").forEach(item -> paged.add(UUID.fromString(item.get("id").asText())));
            sizes.add(page.get("items").size());
            cursor = page.get("next").isNull() ? null : page.get("next").asText();
        } while (cursor != null);

        assertThat(sizes).containsExactly(3, 3, 1);
        assertThat(paged).isEqualTo(all);
    }

    @Test
    void aCursorStaysPutWhenNewCallsArrive() {
        SeededFlow flow = rows.flow(1);
        String from = rows.number();
        Instant w = window();
        List<UUID> calls = new ArrayList<>();
        for (int i = 1; i <= 6; i++) {
            calls.add(rows.call(flow, 1, from, rows.number(), Call.Status.COMPLETED, w.plusSeconds(60L * i)));
        }
        JsonNode first = list(Map.of("from", from, "limit", 2));
        assertThat(ids(first)).containsExactly(calls.get(5), calls.get(4));

        // Between pages: a new call, and one whose row committed late with a time the first page already passed.
        UUID newest = rows.call(flow, 1, from, rows.number(), Call.Status.IN_PROGRESS, w.plusSeconds(600));
        UUID late = rows.call(flow, 1, from, rows.number(), Call.Status.COMPLETED, w.plusSeconds(330));

        JsonNode second = list(Map.of("from", from, "limit", 2, "cursor", first.get("next").asText()));
        JsonNode third = list(Map.of("from", from, "limit", 2, "cursor", second.get("next").asText()));

        assertThat(ids(second)).containsExactly(calls.get(3), calls.get(2));
        assertThat(ids(third)).containsExactly(calls.get(1), calls.get(0));
        assertThat(third.get("next").isNull()).isTrue();
        assertThat(ids(Map.of("from", from))).startsWith(newest, calls.get(5), late);
    }

    @Test
    void numbersAreNormalisedBeforeMatching() {
        SeededFlow flow = rows.flow(1);
        String to = rows.number(); // +9198XXXXXXXX
        UUID id = rows.call(flow, 1, rows.number(), to, Call.Status.COMPLETED, window());
        String spaced = to.substring(0, 3) + " " + to.substring(3, 8) + " " + to.substring(8);
        String national = "0" + to.substring(3);

        assertThat(ids(Map.of("to", spaced))).containsExactly(id);
        assertThat(ids(Map.of("to", national))).containsExactly(id);
        // curl users write the '+' unencoded; it arrives as a space
        assertThat(ids(RestAssured.given().urlEncodingEnabled(false)
                .header("Authorization", "Bearer " + io.nexaflow.support.Api.key("auditor"))
                .get("/v1/calls?to=" + to).then().statusCode(200).extract().as(JsonNode.class))).containsExactly(id);
    }

    @Test
    void badFiltersAre400AndNameEveryParameter() {
        JsonNode problem = Flows.parse(as("auditor").queryParam("from", "abc").queryParam("flowVersion", "0")
                .queryParam("flowId", "nope").queryParam("status", "DONE").queryParam("since", "yesterday")
                .get("/v1/calls").then().statusCode(400).contentType(startsWith("application/problem+json"))
                .extract().asString());

        assertThat(problem).isEqualTo(Flows.parse("""
                {"type": "urn:nexaflow:problem:bad-request", "title": "Bad request", "status": 400,
                 "detail": "?from: 'abc' is not a phone number (not a number); ?flowId: 'nope' is not a UUID; ?flowVersion: must be 1 or more, was 0; ?status: 'DONE' is not one of [QUEUED, ORIGINATING, IN_PROGRESS, COMPLETED, FAILED, UNKNOWN]; ?since: 'yesterday' is not an ISO-8601 instant such as 2026-11-01T00:00:00Z",
                 "instance": "/v1/calls",
                 "errors": [
                   {"pointer": "?from", "message": "'abc' is not a phone number (not a number)"},
                   {"pointer": "?flowId", "message": "'nope' is not a UUID"},
                   {"pointer": "?flowVersion", "message": "must be 1 or more, was 0"},
                   {"pointer": "?status", "message": "'DONE' is not one of [QUEUED, ORIGINATING, IN_PROGRESS, COMPLETED, FAILED, UNKNOWN]"},
                   {"pointer": "?since", "message": "'yesterday' is not an ISO-8601 instant such as 2026-11-01T00:00:00Z"}]}"""));

        as("auditor").queryParam("flowVersion", "2").get("/v1/calls").then().statusCode(400)
                .body("errors[0].message", startsWith("only goes with flowId"));
        as("auditor").queryParam("since", "2026-11-02T00:00:00Z").queryParam("until", "2026-11-01T00:00:00+05:30")
                .get("/v1/calls").then().statusCode(400).body("errors[0].pointer", org.hamcrest.Matchers.equalTo("?until"));
        for (String limit : List.of("0", "501")) {
            as("auditor").queryParam("limit", limit).get("/v1/calls").then().statusCode(400);
        }
        as("auditor").queryParam("cursor", "not-a-cursor").get("/v1/calls").then().statusCode(400)
                .body("detail", org.hamcrest.Matchers.equalTo("'cursor' is not a cursor returned by this API"));
    }

    @Test
    void operatorsKeepTheTimelineOfACallButNotTheList() {
        SeededFlow flow = rows.flow(1);
        Instant at = window();
        UUID id = rows.call(flow, 1, rows.number(), rows.number(), Call.Status.COMPLETED, at);
        long seq = rows.event(id, "DTMF", "menu", 1, "1#", "thanks", "{\"reason\": \"MATCH\"}", at.plusSeconds(5));

        JsonNode call = as("operator").get("/v1/calls/" + id).then().statusCode(200).extract().as(JsonNode.class);

        assertThat(call.get("events")).isEqualTo(Flows.parse("""
                [{"seq": %d, "type": "DTMF", "node": "menu", "attempt": 1, "dtmf": "1#", "route": "thanks",
                  "payload": {"reason": "MATCH"}, "at": "%s"}]""".formatted(seq, at.plusSeconds(5))));
        as("operator").get("/v1/calls").then().statusCode(403);
    }

    @Test
    void aCallsEventsComeOldestFirstInPagesAfterTheLastSeqSeen() {
        SeededFlow flow = rows.flow(1);
        Instant at = window();
        UUID id = rows.call(flow, 1, rows.number(), rows.number(), Call.Status.COMPLETED, at);
        long first = rows.event(id, "DTMF", "menu", 1, "1", "menu", "{\"reason\": \"INVALID\"}", at.plusSeconds(5));
        long second = rows.event(id, "DTMF", "menu", 2, "2", "menu", "{\"reason\": \"INVALID\"}", at.plusSeconds(9));
        long third = rows.event(id, "DTMF", "menu", 3, "3", "bye", "{\"reason\": \"MATCH\"}", at.plusSeconds(14));

        JsonNode page1 = events(id, Map.of("limit", 2));
        JsonNode page2 = events(id, Map.of("limit", 2, "after", page1.get("next").asText()));

        assertThat(page1).isEqualTo(Flows.parse("""
                {"items": [{"seq": %d, "type": "DTMF", "node": "menu", "attempt": 1, "dtmf": "1", "route": "menu",
                            "payload": {"reason": "INVALID"}, "at": "%s"},
                           {"seq": %d, "type": "DTMF", "node": "menu", "attempt": 2, "dtmf": "2", "route": "menu",
                            "payload": {"reason": "INVALID"}, "at": "%s"}],
                 "next": "%d"}""".formatted(first, at.plusSeconds(5), second, at.plusSeconds(9), second)));
        assertThat(page2).isEqualTo(Flows.parse("""
                {"items": [{"seq": %d, "type": "DTMF", "node": "menu", "attempt": 3, "dtmf": "3", "route": "bye",
                            "payload": {"reason": "MATCH"}, "at": "%s"}],
                 "next": null}""".formatted(third, at.plusSeconds(14))));
        assertThat(events(id, Map.of()).get("items")).hasSize(3);
        as("auditor").queryParam("limit", 501).get("/v1/calls/" + id + "/events").then().statusCode(400)
                .body("detail", org.hamcrest.Matchers.equalTo("'limit' must be between 1 and 500, was 501"));
        as("auditor").get("/v1/calls/" + UUID.randomUUID() + "/events").then().statusCode(404);
    }

    /**
     * A DTMF record carries the verb that answered it (one row per callback): the API lists a VERB_SENT after the
     * DTMF with the same seq, and a page never ends between the two (the next page starts after their seq).
     */
    @Test
    void aKeyPressAndTheVerbThatAnsweredItAreTwoEventsOnOnePage() {
        SeededFlow flow = rows.flow(1);
        Instant at = window();
        UUID id = rows.call(flow, 1, rows.number(), rows.number(), Call.Status.COMPLETED, at);
        long status = rows.event(id, "STATUS", null, null, null, null, "{\"from\": \"ORIGINATING\", \"to\": "
                + "\"IN_PROGRESS\"}", at.plusSeconds(1));
        long press = (Long) rows.query("""
                INSERT INTO call_event (call_id, type, node, attempt, dtmf, route, payload, verb, at)
                VALUES (?, 'DTMF', 'menu', 1, '1', 'bye', '{"reason": "MATCH"}', '{"type": "hangup"}', ?)
                RETURNING id""", id, at.plusSeconds(5)).get(0).get("id");

        JsonNode page1 = events(id, Map.of("limit", 2));
        JsonNode page2 = events(id, Map.of("limit", 2, "after", page1.get("next").asText()));
        JsonNode whole = events(id, Map.of());

        assertThat(page1).isEqualTo(Flows.parse("""
                {"items": [{"seq": %d, "type": "STATUS", "payload": {"from": "ORIGINATING", "to": "IN_PROGRESS"},
                            "at": "%s"}],
                 "next": "%d"}""".formatted(status, at.plusSeconds(1), status)));
        assertThat(page2).isEqualTo(Flows.parse("""
                {"items": [{"seq": %d, "type": "DTMF", "node": "menu", "attempt": 1, "dtmf": "1", "route": "bye",
                            "payload": {"reason": "MATCH"}, "at": "%s"},
                           {"seq": %d, "type": "VERB_SENT", "node": "menu", "attempt": 1,
                            "payload": {"type": "hangup"}, "at": "%s"}],
                 "next": null}""".formatted(press, at.plusSeconds(5), press, at.plusSeconds(5))));
        assertThat(whole.get("items")).isEqualTo(Flows.parse("[" + page1.get("items").get(0) + ","
                + page2.get("items").get(0) + "," + page2.get("items").get(1) + "]"));
        // A page of one cannot split them either: it holds both.
        JsonNode one = events(id, Map.of("limit", 1, "after", String.valueOf(status)));
        assertThat(one.get("items")).hasSize(2);
        assertThat(one.get("next").isNull()).isTrue();
    }

    private JsonNode events(UUID call, Map<String, ?> params) {
        RequestSpecification request = as("auditor");
        params.forEach(request::queryParam);
        return request.get("/v1/calls/" + call + "/events").then().statusCode(200).extract().as(JsonNode.class);
    }

    private JsonNode list(Map<String, ?> params) {
        RequestSpecification request = as("auditor");
        params.forEach(request::queryParam);
        return request.get("/v1/calls").then().statusCode(200).extract().as(JsonNode.class);
    }

    private List<UUID> ids(Map<String, ?> params) {
        return ids(list(params));
    }

    private static List<UUID> ids(JsonNode page) {
        List<UUID> ids = new ArrayList<>();
        page.get("items").forEach(item -> ids.add(UUID.fromString(item.get("id").asText())));
        return ids;
    }
}
