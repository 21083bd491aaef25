package io.nexaflow.telemetry;

import io.nexaflow.support.Flows;
import io.nexaflow.support.LogCapture;
import io.nexaflow.support.LiveCalls;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.sdk.testing.exporter.InMemorySpanExporter;
import io.opentelemetry.sdk.trace.data.LinkData;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.restassured.response.Response;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Inject;
import jakarta.inject.Singleton;
import jakarta.persistence.EntityManager;
import org.jboss.logmanager.ExtLogRecord;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;

import static io.nexaflow.support.Api.as;
import static io.nexaflow.support.LiveCalls.gatherAction;
import static io.nexaflow.support.LiveCalls.press;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * With tracing on (the SDK enabled, spans kept in memory): the span tree of one callback and of one originate,
 * their names, parents and attributes, and that no phone number or pressed digit is in any attribute; and that a
 * callback's log line written on the group commit's thread carries the call's id and trace id in its MDC.
 */
@QuarkusTest
@TestProfile(TracingTest.On.class)
class TracingTest {

    /** Tracing on, exported to the in-memory exporter below (the CDI exporter Quarkus picks up). */
    public static class On implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("quarkus.otel.sdk.disabled", "false", "quarkus.otel.bsp.schedule.delay", "10ms",
                    "quarkus.otel.traces.sampler.arg", "1.0");
        }
    }

    @ApplicationScoped
    static class Exporter {
        @Produces
        @Singleton
        InMemorySpanExporter spans() {
            return InMemorySpanExporter.create();
        }
    }

    static final AttributeKey<String> CALL = AttributeKey.stringKey("nexaflow.call.id");
    static final AttributeKey<String> NEXAFONE_CALL = AttributeKey.stringKey("nexafone.call.id");
    /** Pressed on the seed IVR's menu: an invalid choice, so the digits go nowhere else but the audit trail. */
    static final String DIGITS = "7391";
    static final String FROM = "+911203135800";
    static final String TO = "+919650612345";
    static final String BRIDGE = "+919817812345";

    @Inject
    InMemorySpanExporter exporter;

    @Inject
    LiveCalls calls;

    @Inject
    EntityManager em;

    @BeforeEach
    void reset() {
        exporter.reset();
    }

    @Test
    void aCallbackIsASpanWithItsTokenCheckRoutingAndWriteUnderTheServerSpan() {
        LiveCalls.LiveCall call = calls.start(Flows.publishedSeed(), 1);
        press(gatherAction(call.verb()), call.callId(), DIGITS, "ch-1").then().statusCode(200);

        SpanData callback = await().atMost(Duration.ofSeconds(10)).until(() -> find("callback", call.id()),
                Objects::nonNull);
        SpanData server = awaitSpan(s -> s.getSpanId().equals(callback.getParentSpanId()));
        assertThat(server.getKind()).isEqualTo(SpanKind.SERVER);
        assertThat(server.getName()).isEqualTo("POST /api/handle-dtmf");
        assertThat(callback.getAttributes().asMap()).containsEntry(CALL, call.id().toString())
                .containsEntry(NEXAFONE_CALL, call.callId())
                .containsEntry(AttributeKey.stringKey("nexaflow.callback.outcome"), "accepted");

        List<SpanData> children = await().atMost(Duration.ofSeconds(5)).until(() -> childrenOf(callback),
                c -> c.size() == 3);
        assertThat(children).extracting(SpanData::getName)
                .containsExactlyInAnyOrder("callback.token", "callback.route", "callback.write");
        SpanData write = children.stream().filter(s -> s.getName().equals("callback.write")).findFirst().orElseThrow();
        assertThat(write.getAttributes().asMap()).containsEntry(AttributeKey.stringKey("nexaflow.callback.store"),
                "database");
        // The group commit's batch links to the write it took; the JDBC instrumentation's spans are its children.
        SpanData batch = awaitSpan(s -> s.getName().equals("callback batch") && s.getLinks().stream()
                .map(LinkData::getSpanContext).anyMatch(l -> l.getSpanId().equals(write.getSpanId())));
        // The only sampled write in its batch, so the batch is in this callback's trace (not a new root trace that
        // the ratio sampler would mostly drop).
        assertThat(batch.getTraceId()).isEqualTo(callback.getTraceId());
        SpanData statement = awaitSpan(s -> s.getParentSpanId().equals(batch.getSpanId())
                && s.getKind() == SpanKind.CLIENT);
        assertThat(statement.getAttributes().get(AttributeKey.stringKey("db.system.name")) != null
                ? statement.getAttributes().get(AttributeKey.stringKey("db.system.name"))
                : statement.getAttributes().get(AttributeKey.stringKey("db.system"))).isEqualTo("postgresql");

        List<SpanData> tree = trace(callback.getTraceId());
        tree.add(batch);
        tree.addAll(childrenOf(batch));
        assertNoNumberOrDigits(tree);
    }

    @Test
    void anOriginateIsASpanWithItsTransactionsTokenAndNexafoneRequestUnderTheServerSpan() {
        Response placed = as("operator").body(Map.of("from", FROM, "to", TO, "bridgeTo", BRIDGE)).post("/v1/calls");
        placed.then().statusCode(202);
        UUID id = UUID.fromString(placed.path("id"));
        String nexafoneCall = placed.path("callId");

        SpanData originate = await().atMost(Duration.ofSeconds(10)).until(() -> find("originate", id),
                Objects::nonNull);
        SpanData server = awaitSpan(s -> s.getSpanId().equals(originate.getParentSpanId()));
        assertThat(server.getKind()).isEqualTo(SpanKind.SERVER);
        assertThat(server.getName()).isEqualTo("POST /v1/calls");
        assertThat(originate.getAttributes().asMap()).containsEntry(CALL, id.toString())
                .containsEntry(NEXAFONE_CALL, nexafoneCall)
                .containsEntry(AttributeKey.stringKey("nexaflow.originate.outcome"), "accepted");

        List<SpanData> children = await().atMost(Duration.ofSeconds(5)).until(() -> childrenOf(originate),
                c -> c.size() >= 4);
        assertThat(children).extracting(SpanData::getName)
                .contains("originate.record", "nexafone.token", "originate.finish");
        // The REST client's own span of the request to Nexafone (here the in-process sandbox).
        SpanData request = children.stream().filter(s -> s.getKind() == SpanKind.CLIENT).findFirst().orElseThrow();
        assertThat(request.getAttributes().get(AttributeKey.stringKey("url.full"))).contains("/sandbox");
        SpanData record = children.stream().filter(s -> s.getName().equals("originate.record")).findFirst()
                .orElseThrow();
        // Its JDBC spans, from the instrumentation: the connection taken, then the statements.
        List<SpanData> jdbc = childrenOf(record);
        assertThat(jdbc).allSatisfy(s -> assertThat(s.getInstrumentationScopeInfo().getName())
                .isEqualTo("io.opentelemetry.jdbc"));
        assertThat(jdbc).filteredOn(s -> s.getKind() == SpanKind.CLIENT).extracting(s -> s.getAttributes()
                .get(AttributeKey.stringKey("db.statement"))).anySatisfy(sql -> assertThat(sql).startsWith(
                        "insert into call ("));

        assertNoNumberOrDigits(trace(originate.getTraceId()));
    }

    @Test
    void everyRequestOfADataDrivenTurnIsAChildOfItsCallbacksSpan() throws java.io.IOException {
        // A loopback business API that answers each lookup with a little JSON.
        com.sun.net.httpserver.HttpServer api = com.sun.net.httpserver.HttpServer.create(
                new java.net.InetSocketAddress("127.0.0.1", 0), 0);
        api.createContext("/", exchange -> {
            byte[] body = "{\"ok\": true}".getBytes(java.nio.charset.StandardCharsets.UTF_8);
            exchange.getResponseHeaders().add("Content-Type", "application/json");
            exchange.sendResponseHeaders(200, body.length);
            exchange.getResponseBody().write(body);
            exchange.close();
        });
        api.start();
        try {
            String base = "http://127.0.0.1:" + api.getAddress().getPort();
            String flow = Flows.create(Flows.parse("""
                    {"start": "ask", "nodes": {
                      "ask": {"type": "gather", "audioUrl": "https://cdn.example.com/menu.wav", "maxDigits": 1,
                              "default": "first"},
                      "first": {"type": "http", "method": "GET", "url": "%s/first", "next": "second", "onError": "bye"},
                      "second": {"type": "http", "method": "GET", "url": "%s/second", "next": "third", "onError": "bye"},
                      "third": {"type": "http", "method": "GET", "url": "%s/third", "next": "bye", "onError": "bye"},
                      "bye": {"type": "hangup"}}}""".formatted(base, base, base)), true);
            LiveCalls.LiveCall call = calls.start(flow, 1);
            press(gatherAction(call.verb()), call.callId(), "1", "ch-1").then().statusCode(200);

            SpanData callback = await().atMost(Duration.ofSeconds(10)).until(() -> find("callback", call.id()),
                    Objects::nonNull);
            List<SpanData> requests = await().atMost(Duration.ofSeconds(5)).until(() -> exporter
                    .getFinishedSpanItems().stream().filter(s -> s.getName().equals("business-api request")
                            && s.getTraceId().equals(callback.getTraceId())).toList(), r -> r.size() == 3);
            assertThat(requests).extracting(SpanData::getParentSpanId).containsOnly(callback.getSpanId());
        } finally {
            api.stop(0);
        }
    }

    @Test
    void aRequestsServerSpanFollowsTheCallersTraceparentAndHoldsItsRouteAndStatusButNoQuery() {
        String trace = "4bf92f3577b34da6a3ce929d0e0e4736";
        String callerSpan = "00f067aa0ba902b7";
        Response placed = as("operator").header("traceparent", "00-" + trace + "-" + callerSpan + "-01")
                .body(Map.of("from", FROM, "to", TO, "bridgeTo", BRIDGE)).post("/v1/calls?note=" + TO.substring(1));
        placed.then().statusCode(202);
        SpanData originate = await().atMost(Duration.ofSeconds(10))
                .until(() -> find("originate", UUID.fromString(placed.path("id"))), Objects::nonNull);
        SpanData server = awaitSpan(s -> s.getSpanId().equals(originate.getParentSpanId()));

        assertThat(server.getTraceId()).isEqualTo(trace);
        assertThat(server.getParentSpanId()).isEqualTo(callerSpan);
        assertThat(server.getKind()).isEqualTo(SpanKind.SERVER);
        assertThat(server.getName()).isEqualTo("POST /v1/calls");
        assertThat(server.getAttributes().asMap()).isEqualTo(Map.of(
                AttributeKey.stringKey("http.request.method"), "POST",
                AttributeKey.stringKey("url.scheme"), "http",
                AttributeKey.stringKey("url.path"), "/v1/calls",
                AttributeKey.stringKey("http.route"), "/v1/calls",
                AttributeKey.longKey("http.response.status_code"), 202L));
    }

    @Test
    void aCallerWhoDidNotSampleIsFollowedAndQuarkusOwnEndpointsAreNotTraced() {
        String unsampled = "5c0a2f3577b34da6a3ce929d0e0e4736";
        as("auditor").header("traceparent", "00-" + unsampled + "-00f067aa0ba902b7-00").get("/v1/calls")
                .then().statusCode(200);
        io.restassured.RestAssured.given().get("/q/health/ready").then().statusCode(200);
        // A refused request is a request too: its span has the status (and a later, sampled request is the
        // barrier: the spans before it have been exported by the time it is).
        io.restassured.RestAssured.given().get("/v1/calls").then().statusCode(401);
        SpanData refused = awaitSpan(s -> s.getKind() == SpanKind.SERVER
                && Long.valueOf(401).equals(s.getAttributes().get(AttributeKey.longKey("http.response.status_code"))));
        assertThat(refused.getAttributes().get(AttributeKey.stringKey("url.path"))).isEqualTo("/v1/calls");

        assertThat(exporter.getFinishedSpanItems()).noneMatch(s -> s.getTraceId().equals(unsampled));
        assertThat(exporter.getFinishedSpanItems()).noneMatch(s -> String.valueOf(
                s.getAttributes().get(AttributeKey.stringKey("url.path"))).startsWith("/q/"));
    }

    @Test
    void aRejectedCallbacksLogLineOnTheWritersThreadCarriesTheCallAndTheTrace() {
        LiveCalls.LiveCall call = calls.start(Flows.publishedSeed(), 1);
        QuarkusTransaction.requiringNew().run(() -> em.createNativeQuery(
                "UPDATE call SET status = 'COMPLETED' WHERE id = :id").setParameter("id", call.id()).executeUpdate());
        List<String[]> lines = new CopyOnWriteArrayList<>();
        try (LogCapture logs = LogCapture.of(record -> {
            if (record instanceof ExtLogRecord line && line.getFormattedMessage().contains("rejected")) {
                lines.add(new String[] {line.getFormattedMessage(), line.getMdc("callId"), line.getMdc("traceId"),
                        Thread.currentThread().getName()});
            }
        })) {
            press(gatherAction(call.verb()), call.callId(), "1", "ch-1").then().statusCode(200);
        }

        SpanData callback = await().atMost(Duration.ofSeconds(10)).until(() -> find("callback", call.id()),
                Objects::nonNull);
        assertThat(lines).hasSize(1);
        // Message, the MDC's callId and traceId (the JSON log prints the MDC), and the thread that wrote it.
        assertThat(java.util.Arrays.copyOf(lines.get(0), 3)).containsExactly("callback for callId " + call.callId()
                + " (call " + call.id() + ") rejected: call is COMPLETED; answering the fallback verb",
                call.id().toString(), callback.getTraceId());
        assertThat(lines.get(0)[3]).startsWith("callback-writer-");
    }

    private SpanData find(String name, UUID call) {
        return exporter.getFinishedSpanItems().stream().filter(s -> s.getName().equals(name)
                && call.toString().equals(s.getAttributes().get(CALL))).findFirst().orElse(null);
    }

    private SpanData awaitSpan(java.util.function.Predicate<SpanData> which) {
        return await().atMost(Duration.ofSeconds(10)).until(() -> exporter.getFinishedSpanItems().stream()
                .filter(which).findFirst().orElse(null), Objects::nonNull);
    }

    private List<SpanData> childrenOf(SpanData parent) {
        return exporter.getFinishedSpanItems().stream().filter(s -> s.getParentSpanId().equals(parent.getSpanId()))
                .toList();
    }

    private List<SpanData> trace(String traceId) {
        return new java.util.ArrayList<>(exporter.getFinishedSpanItems().stream()
                .filter(s -> s.getTraceId().equals(traceId)).toList());
    }

    /** Neither the numbers (in any of their forms) nor the digits pressed, in any attribute of any span. */
    private static void assertNoNumberOrDigits(List<SpanData> spans) {
        assertThat(spans).hasSizeGreaterThan(3);
        List<String> forbidden = List.of(FROM, TO, BRIDGE, FROM.substring(3), TO.substring(3), BRIDGE.substring(3),
                TO.substring(6), DIGITS);
        for (SpanData span : spans) {
            span.getAttributes().forEach((key, value) -> {
                assertThat(key.getKey()).as("an attribute name of %s", span.getName())
                        .doesNotContainIgnoringCase("dtmf").doesNotContainIgnoringCase("digits")
                        .doesNotContainIgnoringCase("number");
                for (String secret : forbidden) {
                    assertThat(String.valueOf(value)).as("%s of span %s", key, span.getName())
                            .doesNotContain(secret);
                }
            });
            assertThat(span.getName()).doesNotContain(DIGITS).doesNotContain(TO.substring(3));
            span.getEvents().forEach(e -> assertThat(e.getAttributes().asMap().values()).allSatisfy(v ->
                    forbidden.forEach(secret -> assertThat(String.valueOf(v)).doesNotContain(secret))));
        }
    }
}
