package io.nexaflow.audit;

import com.fasterxml.jackson.databind.JsonNode;
import io.nexaflow.call.Call;
import io.nexaflow.call.CallRows;
import io.nexaflow.call.CallRows.SeededFlow;
import io.nexaflow.config.NexaflowConfig.Retention.Mode;
import io.nexaflow.number.PhoneNumbers;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import static io.nexaflow.support.Api.as;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The retention sweep on aged data. Each test keeps to its own age band (1000, 500 and 2000 days back) so that
 * what one leaves behind is outside the others' reach.
 */
@QuarkusTest
class RetentionTest {

    private static final String ORIGINATE_PAYLOAD = """
            {"from": "%s", "to": "%s", "accountId": "acc", "recordCall": {"enable": false}, "timeout": 30}""";

    @Inject
    Retention retention;

    @Inject
    CallRows rows;

    @Test
    void deleteRemovesAgedEndedCallsWithTheirEventsInBatches() {
        Instant aged = daysAgo(1000);
        SeededFlow flow = rows.flow(1);
        List<UUID> doomed = seed(flow, 250, aged, "'COMPLETED'", "'FAILED'", "'UNKNOWN'");
        List<UUID> running = List.of(
                rows.call(flow, 1, rows.number(), rows.number(), Call.Status.QUEUED, aged),
                rows.call(flow, 1, rows.number(), rows.number(), Call.Status.ORIGINATING, aged),
                rows.call(flow, 1, rows.number(), rows.number(), Call.Status.IN_PROGRESS, aged));
        UUID young = rows.call(flow, 1, rows.number(), rows.number(), Call.Status.COMPLETED, daysAgo(1));
        rows.event(young, "DTMF", "menu", 1, "1", "thanks", "{}", daysAgo(1));
        rows.event(running.get(2), "DTMF", "menu", 1, "1", "thanks", "{}", aged);
        long forged = rows.event(null, "CALLBACK_FORGED", null, null, "1", null, "{\"callId\": \"x\"}", aged);
        long recentForged = rows.event(null, "CALLBACK_FORGED", null, null, "1", null, "{}", daysAgo(1));

        Retention.Swept swept = retention.sweep(daysAgo(900), Mode.DELETE, 100);

        assertThat(swept.calls()).isEqualTo(250);
        assertThat(swept.events()).isEqualTo(250 * 3 + 1);
        assertThat(swept.batches()).as("100 + 100 + 50 calls, then the call-less events").isEqualTo(4);
        assertThat(rows.count("SELECT count(*) FROM call WHERE id = ANY (?)", (Object) doomed.toArray(UUID[]::new)))
                .isZero();
        assertThat(rows.count("SELECT count(*) FROM call_event WHERE call_id = ANY (?)",
                (Object) doomed.toArray(UUID[]::new))).isZero();
        assertThat(rows.count("SELECT count(*) FROM call WHERE id = ANY (?)",
                (Object) List.of(running.get(0), running.get(1), running.get(2), young).toArray(UUID[]::new)))
                .isEqualTo(4);
        assertThat(rows.count("SELECT count(*) FROM call_event WHERE call_id IN (?, ?)", young, running.get(2)))
                .isEqualTo(2);
        assertThat(rows.count("SELECT count(*) FROM call_event WHERE id IN (?, ?)", forged, recentForged))
                .isEqualTo(1);

        assertThat(retention.sweep(daysAgo(900), Mode.DELETE, 100).calls()).isZero();
    }

    @Test
    void anonymiseMasksNumbersDropsDigitsAndKeepsEveryRow() {
        Instant aged = daysAgo(500);
        SeededFlow flow = rows.flow(1);
        String from = rows.number();
        String to = rows.number();
        List<UUID> masked = seed(flow, 120, aged, "'COMPLETED'");
        UUID failed = rows.call(flow, 1, from, to, Call.Status.FAILED, aged.minusSeconds(5));
        rows.update("UPDATE call SET bridged_to = ?, request_sha256 = 'abc', error = ?,"
                + " variables = '{\"name\": \"Asha K\"}' WHERE id = ?", "+919817812345",
                "Nexafone refused the call (400): " + to + " is barred", failed);
        rows.event(failed, "ORIGINATE_REQUEST", null, null, null, null, ORIGINATE_PAYLOAD.formatted(from, to), aged);
        rows.event(failed, "STATUS", null, null, null, null,
                "{\"from\": \"ORIGINATING\", \"to\": \"FAILED\", \"reason\": \"" + to + " is barred\"}", aged);
        rows.event(failed, "DTMF", "menu", 1, "4321#", "thanks", "{\"digits\": \"4321\"}", aged);
        UUID running = rows.call(flow, 1, rows.number(), rows.number(), Call.Status.IN_PROGRESS, aged);
        rows.event(running, "DTMF", "menu", 1, "1", "thanks", "{}", aged);
        long forged = rows.event(null, "CALLBACK_FORGED", null, null, "55", null, "{\"callId\": \"x\"}", aged);

        Retention.Swept swept = retention.sweep(daysAgo(400), Mode.ANONYMISE, 50);

        assertThat(swept.calls()).isEqualTo(121);
        assertThat(swept.events()).isEqualTo(120 * 3 + 3 + 1);
        assertThat(swept.batches()).isEqualTo(4);
        Map<String, Object> call = rows.query("SELECT from_number, to_number, bridged_to, error, request_sha256,"
                + " variables, anonymised_at FROM call WHERE id = ?", failed).get(0);
        assertThat(call).containsEntry("from_number", PhoneNumbers.mask(from))
                .containsEntry("to_number", PhoneNumbers.mask(to))
                .containsEntry("bridged_to", "+9198******45")
                .containsEntry("error", "Nexafone refused the call (400): " + PhoneNumbers.mask(to) + " is barred")
                .containsEntry("request_sha256", null)
                .containsEntry("variables", null);
        assertThat(call.get("anonymised_at")).isNotNull();
        assertThat(rows.query("SELECT type, dtmf, route, payload::text AS payload FROM call_event WHERE call_id = ?"
                + " ORDER BY id", failed)).containsExactly(
                row("ORIGINATE_REQUEST", null, null, null),
                row("STATUS", null, null, "{\"to\": \"FAILED\", \"from\": \"ORIGINATING\"}"),
                row("DTMF", null, "thanks", null));
        assertThat(rows.count("SELECT count(*) FROM call_event WHERE call_id = ANY (?) AND (dtmf IS NOT NULL"
                + " OR verb IS NOT NULL OR payload IS NOT NULL AND type <> 'STATUS')",
                (Object) masked.toArray(UUID[]::new))).isZero();
        assertThat(rows.count("SELECT count(*) FROM call_event WHERE call_id = ANY (?)",
                (Object) masked.toArray(UUID[]::new))).as("every row is kept").isEqualTo(120 * 3);
        assertThat(rows.query("SELECT dtmf, payload FROM call_event WHERE id = ?", forged).get(0))
                .containsEntry("dtmf", null).containsEntry("payload", null);
        assertThat(rows.query("SELECT dtmf, anonymised_at FROM call c JOIN call_event e ON e.call_id = c.id"
                + " WHERE c.id = ?", running).get(0)).containsEntry("dtmf", "1").containsEntry("anonymised_at", null);

        JsonNode history = as("auditor").queryParam("flowId", flow.id()).queryParam("until", aged.plusSeconds(1).toString())
                .get("/v1/dtmf").then().statusCode(200).extract().as(JsonNode.class);
        JsonNode input = java.util.stream.StreamSupport.stream(history.get("items").spliterator(), false)
                .filter(i -> i.get("call").asText().equals(failed.toString())).findFirst().orElseThrow();
        assertThat(input.has("digits")).as("digits dropped").isFalse();
        assertThat(input.get("to").asText()).isEqualTo(PhoneNumbers.mask(to));
        assertThat(input.get("route").asText()).as("the route taken is kept").isEqualTo("thanks");
        assertThat(history.toString()).doesNotContain("4321").doesNotContain(to);

        assertThat(retention.sweep(daysAgo(400), Mode.ANONYMISE, 50).calls()).as("done once").isZero();
    }

    @Test
    void replicasSweepingAtOnceShareTheWorkAndNeverCollide() throws Exception {
        Instant aged = daysAgo(2000);
        List<UUID> doomed = seed(rows.flow(1), 400, aged, "'COMPLETED'");

        ExecutorService replicas = Executors.newFixedThreadPool(2);
        CountDownLatch go = new CountDownLatch(1);
        Callable<Retention.Swept> replica = () -> {
            go.await();
            return retention.sweep(daysAgo(1900), Mode.DELETE, 25);
        };
        Future<Retention.Swept> one = replicas.submit(replica);
        Future<Retention.Swept> two = replicas.submit(replica);
        go.countDown();
        long calls = one.get().calls() + two.get().calls();
        long events = one.get().events() + two.get().events();
        replicas.shutdown();
        Retention.Swept rest = retention.sweep(daysAgo(1900), Mode.DELETE, 25);
        assertThat(calls + rest.calls()).isEqualTo(400);
        assertThat(events + rest.events()).isEqualTo(400 * 3);
        assertThat(rows.count("SELECT count(*) FROM call WHERE id = ANY (?)", (Object) doomed.toArray(UUID[]::new)))
                .isZero();
    }

    @Test
    void offUnlessConfigured() {
        assertThat(retention.sweepNow()).isNull();
    }

    /** {@code count} ended calls placed a second apart from {@code at}, each with a status, DTMF and verb event. */
    private List<UUID> seed(SeededFlow flow, int count, Instant at, String... statuses) {
        List<UUID> ids = rows.query("""
                INSERT INTO call (id, platform_call_id, kind, flow_id, flow_version, revision_id, from_number,
                                  to_number, status, attempts, created_at, updated_at, ended_at)
                SELECT gen_random_uuid(), 'nf-old-' || g, 'FLOW', ?, 1, ?, '+911203135800',
                       '+9198' || lpad(g::text, 8, '7'), (ARRAY[%s])[1 + g %% %d], '{"menu": 1}',
                       ?::timestamptz + g * interval '1 second', ?::timestamptz + g * interval '1 second',
                       ?::timestamptz + g * interval '1 second'
                  FROM generate_series(1, ?) AS g
                RETURNING id""".formatted(String.join(", ", statuses), statuses.length),
                flow.id(), flow.revisions().get(0), at, at, at, count).stream().map(r -> (UUID) r.get("id")).toList();
        rows.update("""
                INSERT INTO call_event (call_id, type, node, attempt, dtmf, route, payload, verb, at)
                SELECT id, t.type, 'menu', 1, CASE WHEN t.type = 'DTMF' THEN '1#' END, 'thanks',
                       jsonb_build_object('to', to_number, 'reason', 'seeded'),
                       CASE WHEN t.type = 'DTMF' THEN jsonb_build_object('say', 'you pressed 1#') END, created_at
                  FROM call, (VALUES ('STATUS'), ('DTMF'), ('DIAL')) AS t(type)
                 WHERE id = ANY (?)""", (Object) ids.toArray(UUID[]::new));
        return ids;
    }

    private static Map<String, Object> row(String type, String dtmf, String route, String payload) {
        Map<String, Object> row = new java.util.HashMap<>();
        row.put("type", type);
        row.put("dtmf", dtmf);
        row.put("route", route);
        row.put("payload", payload);
        return row;
    }

    private static Instant daysAgo(int days) {
        return Instant.now().truncatedTo(ChronoUnit.SECONDS).minus(Duration.ofDays(days));
    }
}
