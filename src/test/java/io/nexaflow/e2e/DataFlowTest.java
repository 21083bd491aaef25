package io.nexaflow.e2e;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpServer;
import io.nexaflow.support.Flows;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.RestAssured;
import io.restassured.http.ContentType;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ThreadLocalRandom;

import static io.nexaflow.support.Api.as;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Data-driven flows end to end (issue 13): the sandbox plays the calls, a loopback HTTP server stands in for the
 * business's API, and what the caller hears, what nexaflow recorded and what the API was asked are compared whole.
 */
@QuarkusTest
class DataFlowTest {

    private static HttpServer api;
    private static final ConcurrentLinkedQueue<String> asked = new ConcurrentLinkedQueue<>();
    /** The Idempotency-Key of every request the API was sent, by account. */
    private static final ConcurrentLinkedQueue<String> keys = new ConcurrentLinkedQueue<>();

    @BeforeAll
    static void businessApi() throws IOException {
        api = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        api.createContext("/accounts/", exchange -> {
            String account = exchange.getRequestURI().getPath().substring("/accounts/".length());
            asked.add(exchange.getRequestMethod() + " " + exchange.getRequestURI() + " "
                    + exchange.getRequestHeaders().getFirst("Authorization"));
            keys.add(account + " " + exchange.getRequestHeaders().getFirst("Idempotency-Key"));
            int status;
            String body;
            if (!"Bearer test-bank-token".equals(exchange.getRequestHeaders().getFirst("Authorization"))) {
                status = 401;
                body = "{\"error\":\"unauthorized\"}";
            } else if (account.equals("123456")) {
                status = 200;
                body = "{\"balance\": 150.5, \"name\": \"Asha K\"}";
            } else if (account.equals("999999")) {
                sleep(3000); // longer than the node's timeoutMs
                status = 200;
                body = "{\"balance\": 1}";
            } else {
                status = 404;
                body = "{\"error\":\"no such account\"}";
            }
            byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().add("Content-Type", "application/json");
            exchange.sendResponseHeaders(status, bytes.length);
            exchange.getResponseBody().write(bytes);
            exchange.close();
        });
        api.setExecutor(java.util.concurrent.Executors.newFixedThreadPool(4));
        api.start();
    }

    @AfterAll
    static void stop() {
        api.stop(0);
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** The account-balance IVR: gather with saveAs → http → switch → templated prompt. */
    private static JsonNode balanceIvr(String apiBase) {
        return Flows.parse("""
                {
                  "start": "ask",
                  "nodes": {
                    "ask":    { "type": "gather", "audioUrl": "https://cdn.example.com/enter-account.wav", "maxDigits": 7,
                                "terminator": "#", "saveAs": "account", "validDigits": "[0-9]{6}", "sensitive": true,
                                "default": "lookup", "onInvalid": "sorry" },
                    "sorry":  { "type": "play", "audioUrl": "https://cdn.example.com/six-digits.wav", "next": "ask" },
                    "lookup": { "type": "http", "method": "GET", "url": "%s/accounts/{{vars.account}}",
                                "headers": { "Authorization": "Bearer {{secret.BANK_TOKEN}}" }, "timeoutMs": 500,
                                "extract": { "balance": "/balance", "holder": "/name" },
                                "next": "route", "onError": "later" },
                    "route":  { "type": "switch", "cases": [ { "when": "vars.balance > 0.0", "next": "owing" } ],
                                "default": "clear" },
                    "owing":  { "type": "gather", "audioUrl": "https://tts.example.com/say?text={{vars.holder}}%%20owes%%20{{vars.balance}}",
                                "routes": { "1": "pay" }, "default": "bye" },
                    "pay":    { "type": "dial", "number": "+919876543210", "next": "bye" },
                    "clear":  { "type": "play", "audioUrl": "https://cdn.example.com/nothing-due.wav", "next": "bye" },
                    "later":  { "type": "play", "audioUrl": "https://cdn.example.com/try-later.wav", "next": "bye" },
                    "bye":    { "type": "hangup" }
                  }
                }""".formatted(apiBase));
    }

    private static String base() {
        return "http://127.0.0.1:" + api.getAddress().getPort();
    }

    @Test
    void aCallerHearsTheirBalanceLookedUpFromTheBusinessApi() {
        // Every log record the application writes during the call, to check no secret or sensitive digit is in one.
        List<String> logged = new java.util.concurrent.CopyOnWriteArrayList<>();
        java.util.logging.Handler capture = new java.util.logging.Handler() {
            @Override
            public void publish(java.util.logging.LogRecord record) {
                if (record.getLoggerName() != null && record.getLoggerName().startsWith("io.nexaflow.sandbox")) {
                    return; // the emulated platform's own log, not nexaflow's
                }
                String message = record.getMessage();
                try {
                    message = new java.util.logging.SimpleFormatter().formatMessage(record);
                } catch (RuntimeException ignored) {
                    // keep the raw message
                }
                logged.add(message + (record.getThrown() == null ? "" : " " + record.getThrown()));
            }

            @Override
            public void flush() {
            }

            @Override
            public void close() {
            }
        };
        java.util.logging.Logger root = java.util.logging.Logger.getLogger("");
        root.addHandler(capture);
        Run run;
        try {
            run = call(Flows.create(balanceIvr(base()), true), List.of("123456#", "2"), null);
        } finally {
            root.removeHandler(capture);
        }
        assertThat(logged).as("log records during the call").isNotEmpty()
                .noneMatch(line -> line.contains("test-bank-token") || line.contains("123456"));

        JsonNode owing = run.webhooks().get(0).get("response").deepCopy();
        String action = owing.at("/data/action").asText();
        assertThat(action).startsWith(io.nexaflow.support.Api.callbackBase());
        ((ObjectNode) owing.get("data")).put("action", "(callback)");
        // The channelId the platform sent comes back in the next gather, as for every flow.
        String channel = run.webhooks().get(0).at("/request/to/channelId").asText();
        assertThat(owing).isEqualTo(Flows.parse("""
                {"type":"gather","data":{"audioUrl":"https://tts.example.com/say?text=Asha%%20K%%20owes%%20150.5",
                 "maxDigits":1,"timeout":10000,"digitTimeout":5000,"channelId":"%s","action":"(callback)"}}"""
                .formatted(channel)));
        assertThat(action).doesNotContain("123456").doesNotContain("Asha").doesNotContain("150");
        assertThat(run.webhooks().get(1).get("response")).isEqualTo(Flows.parse("{\"type\":\"hangup\",\"data\":{}}"));
        assertThat(asked).contains("GET /accounts/123456 Bearer test-bank-token");

        JsonNode call = run.nexaflowCall();
        assertThat(call.get("status").asText()).isEqualTo("COMPLETED");
        List<String> dtmf = new ArrayList<>();
        List<JsonNode> requests = new ArrayList<>();
        call.get("events").forEach(e -> {
            if (e.get("type").asText().equals("DTMF")) {
                dtmf.add(e.get("node").asText() + "=" + e.get("dtmf").asText());
            } else if (e.get("type").asText().equals("HTTP_REQUEST")) {
                requests.add(e.get("payload"));
            }
        });
        // The sensitive gather's digits are masked in the audit trail; the next gather's are not.
        assertThat(dtmf).containsExactly("ask=******", "owing=2");
        assertThat(requests).hasSize(1);
        ObjectNode request = requests.get(0).deepCopy();
        assertThat(request.get("latencyMs").isIntegralNumber()).isTrue();
        request.remove("latencyMs");
        assertThat(request).isEqualTo(Flows.parse("""
                {"node":"lookup","method":"GET","url":"%s/accounts/***","headers":{"Authorization":"***"},
                 "status":200,"ok":true}""".formatted(base())));
        assertThat(call.toString()).doesNotContain("test-bank-token").doesNotContain("123456");
        // The variables after the last turn, the account number (saved by a sensitive gather) masked.
        assertThat(call.get("variables")).isEqualTo(Flows.parse("""
                {"account": "***", "balance": 150.5, "holder": "Asha K"}"""));
    }

    @Test
    void aRedeliveredCallbackAsksTheApiUnderTheSameIdempotencyKeyAndGetsTheSameAnswer() {
        Run run = call(Flows.create(balanceIvr(base()), true), List.of("123456#", "2"), null);
        JsonNode first = run.webhooks().get(0);
        String key = run.originate().get("id").asText() + ":ask:1:lookup:1";
        assertThat(keys).contains("123456 " + key);

        // The platform lost the first answer and delivers the same callback again.
        String path = java.net.URI.create(first.get("url").asText()).getRawPath() + "?"
                + java.net.URI.create(first.get("url").asText()).getRawQuery();
        JsonNode again = Flows.parse(RestAssured.given().contentType(ContentType.JSON)
                .body(first.get("request").toString()).post(path).then().statusCode(200).extract().asString());
        assertThat(again).isEqualTo(first.get("response"));
        assertThat(keys.stream().filter(k -> k.equals("123456 " + key))).hasSize(2);
    }

    @Test
    void anUnknownAccountOrASlowApiGoesToTheErrorBranch() {
        String flow = Flows.create(balanceIvr(base()), true);
        for (String account : List.of("000000#", "999999#")) {
            Run run = call(flow, List.of(account), null);
            assertThat(run.webhooks().get(0).get("response")).as(account).isEqualTo(Flows.parse("""
                    {"type":"play","data":{"audioUrl":"https://cdn.example.com/try-later.wav","action":
                     {"type":"hangup","data":{}}}}"""));
        }
    }

    @Test
    void aRefusedAddressGoesToTheErrorBranch() {
        // 10.255.255.1 is a private address, not listed as insecure: refused before any connection is tried.
        Run run = call(Flows.create(balanceIvr("http://10.255.255.1:9"), true), List.of("123456#"), null);
        assertThat(run.webhooks().get(0).get("response")).isEqualTo(Flows.parse("""
                {"type":"play","data":{"audioUrl":"https://cdn.example.com/try-later.wav","action":
                 {"type":"hangup","data":{}}}}"""));
        JsonNode request = null;
        for (JsonNode e : run.nexaflowCall().get("events")) {
            if (e.get("type").asText().equals("HTTP_REQUEST")) {
                request = e.get("payload");
            }
        }
        assertThat(request).isNotNull();
        assertThat(request.get("ok").asBoolean()).isFalse();
        assertThat(request.get("error").asText()).startsWith("not_allowed");
    }

    @Test
    void aHostThatKeepsFailingOpensItsCircuitAndCallersGoStraightToTheErrorBranch() throws IOException {
        int closed;
        try (java.net.ServerSocket socket = new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            closed = socket.getLocalPort(); // nothing listens there once the socket is closed: connection refused
        }
        JsonNode flow = Flows.parse("""
                {"start": "lookup", "nodes": {
                  "lookup": { "type": "http", "method": "GET", "url": "http://127.0.0.1:%d/status", "timeoutMs": 1000,
                              "next": "bye", "onError": "later" },
                  "later":  { "type": "play", "audioUrl": "https://cdn.example.com/try-later.wav", "next": "bye" },
                  "bye":    { "type": "hangup" }
                }}""".formatted(closed));
        String id = Flows.create(flow, true);
        List<String> errors = new ArrayList<>();
        for (int i = 0; i < 11; i++) {
            // The first turn runs when the call is originated: its request decides the first verb.
            JsonNode call = Flows.parse(as("operator").contentType(ContentType.JSON)
                    .body(Map.of("from", "+911203135800", "to", "+919650612345", "flowId", id)).post("/v1/calls")
                    .then().statusCode(202).extract().asString());
            for (JsonNode e : Flows.parse(as("auditor").get("/v1/calls/" + call.get("id").asText()).then()
                    .statusCode(200).extract().asString()).get("events")) {
                if (e.get("type").asText().equals("HTTP_REQUEST")) {
                    errors.add(e.at("/payload/error").asText().split(":")[0]);
                }
            }
        }
        // Ten refused connections fill the window (nexaflow.http.circuit.requests) and open the circuit.
        assertThat(errors).hasSize(11);
        assertThat(errors.subList(0, 10)).containsOnly("connect_failed");
        assertThat(errors.get(10)).isEqualTo("circuit_open");
    }

    @Test
    void aPaymentReminderStartsWithTheCallsVariables() {
        JsonNode reminder = Flows.parse("""
                {"start": "remind", "nodes": {
                  "remind": { "type": "gather", "audioUrl": "https://tts.example.com/say?text=Pay%20{{vars.amount}}%20by%20{{vars.due}}",
                              "routes": { "1": "agent" }, "default": "bye" },
                  "agent":  { "type": "dial", "number": "{{vars.agent}}", "next": "bye", "onError": "bye" },
                  "bye":    { "type": "hangup" }
                }}""");
        Run run = call(Flows.create(reminder, true), List.of("1"),
                Map.of("amount", 1250.5, "due", "5 Dec", "agent", "+919876543210"));
        assertThat(run.plays()).isEmpty();
        JsonNode dial = run.webhooks().get(0).get("response");
        assertThat(dial).isEqualTo(Flows.parse("""
                {"type":"dial","timeout":30,"data":{"number":"+919876543210","action":{"type":"hangup","data":{}}}}"""));
        assertThat(run.gatherPrompts()).containsExactly("https://tts.example.com/say?text=Pay%201250.5%20by%205%20Dec");
        JsonNode given = Flows.parse("""
                {"amount": 1250.5, "due": "5 Dec", "agent": "+919876543210"}""");
        assertThat(run.originate().get("variables")).isEqualTo(given);
        assertThat(run.nexaflowCall().get("variables")).isEqualTo(given);
    }

    @Test
    void variablesThatAreNotFlatOrTooLargeAreRefusedWithPointers() {
        String flow = Flows.create(balanceIvr(base()), true);
        JsonNode problem = Flows.parse(as("operator").contentType(ContentType.JSON).body("""
                {"from": "+911203135800", "to": "+919650612345", "flowId": "%s",
                 "variables": {"ok": 1, "nested": {"a": 1}, "bad name": true}}""".formatted(flow))
                .post("/v1/calls").then().statusCode(422).extract().asString());
        List<String> pointers = new ArrayList<>();
        problem.get("errors").forEach(e -> pointers.add(e.get("pointer").asText()));
        assertThat(pointers).containsExactlyInAnyOrder("/variables/nested", "/variables/bad name");
    }

    @Test
    void aDryRunShowsTheVariablesAndTheMockedRequestsAtEachStep() {
        String flow = Flows.create(balanceIvr(base()), true);
        int before = asked.size();
        JsonNode simulation = Flows.parse(as("operator").contentType(ContentType.JSON).body("""
                {"inputs": ["123456#", "1"],
                 "http": {"lookup": {"status": 200, "body": {"balance": 150.5, "name": "Asha K"}}}}""")
                .post("/v1/flows/{id}/simulate", flow).then().statusCode(200).extract().asString());
        String callback = io.nexaflow.support.Api.callbackBase() + "(state token)";
        assertThat(simulation).isEqualTo(Flows.parse("""
                {"version": 1, "ended": true, "unusedInputs": [], "steps": [
                  {"entered": ["ask"], "waitingAt": "ask", "attempts": {"ask": 1}, "variables": {}, "requests": [],
                   "verb": {"type": "gather", "data": {"audioUrl": "https://cdn.example.com/enter-account.wav",
                            "maxDigits": 7, "timeout": 10000, "digitTimeout": 5000, "terminator": "#",
                            "action": "%1$s"}}},
                  {"node": "ask", "input": "******#", "route": {"digits": "******", "reason": "DEFAULT", "target": "lookup"},
                   "entered": ["owing"], "waitingAt": "owing", "attempts": {"ask": 1, "owing": 1},
                   "variables": {"account": "***", "balance": 150.5, "holder": "Asha K"},
                   "requests": [{"node": "lookup", "method": "GET", "url": "%2$s/accounts/***",
                                 "headers": {"Authorization": "***"}, "status": 200, "ok": true}],
                   "verb": {"type": "gather", "data": {"audioUrl": "https://tts.example.com/say?text=Asha%%20K%%20owes%%20150.5",
                            "maxDigits": 1, "timeout": 10000, "digitTimeout": 5000, "action": "%1$s"}}},
                  {"node": "owing", "input": "1", "route": {"digits": "1", "reason": "MATCH", "target": "pay"},
                   "entered": ["pay", "bye"], "attempts": {"ask": 1, "owing": 1},
                   "variables": {"account": "***", "balance": 150.5, "holder": "Asha K"}, "requests": [],
                   "verb": {"type": "dial", "timeout": 30, "data": {"number": "+919876543210",
                            "action": {"type": "hangup", "data": {}}}}}
                ]}""".formatted(callback, base())));
        assertThat(asked).as("a dry run sends nothing").hasSize(before);
    }

    private Run call(String flow, List<String> digits, Map<String, Object> variables) {
        String to = "+91965" + String.format("%07d", ThreadLocalRandom.current().nextInt(10_000_000));
        RestAssured.given().contentType(ContentType.JSON).body(Map.of("to", to, "digits", digits))
                .post("/sandbox/scripts").then().statusCode(201);
        Map<String, Object> body = new java.util.HashMap<>(Map.of("from", "+911203135800", "to", to, "flowId", flow));
        if (variables != null) {
            body.put("variables", variables);
        }
        JsonNode originate = Flows.parse(as("operator").contentType(ContentType.JSON).body(body).post("/v1/calls")
                .then().statusCode(202).extract().asString());
        String callId = originate.get("callId").asText();
        JsonNode transcript = await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(50))
                .until(() -> Flows.parse(RestAssured.get("/sandbox/calls/{id}", callId).then().statusCode(200)
                        .extract().asString()), t -> t.get("state").asText().equals("ended"));
        return new Run(originate, transcript);
    }

    private record Run(JsonNode originate, JsonNode transcript) {

        List<JsonNode> webhooks() {
            return io.nexaflow.support.Transcript.webhooks(transcript);
        }

        List<String> plays() {
            return io.nexaflow.support.Transcript.plays(transcript);
        }

        List<String> gatherPrompts() {
            return io.nexaflow.support.Transcript.gatherPrompts(transcript);
        }

        JsonNode nexaflowCall() {
            return Flows.parse(as("auditor").get("/v1/calls/" + originate.get("id").asText()).then().statusCode(200)
                    .extract().asString());
        }
    }
}
