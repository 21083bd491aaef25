package io.nexaflow.it;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.verification.LoggedRequest;
import io.nexaflow.support.Flows;
import io.nexaflow.support.Golden;
import io.nexaflow.support.LiveCalls;
import io.nexaflow.support.TcpProxy;
import io.nexaflow.support.TestDatabase;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.options;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The packaged jar, its database behind a {@link TcpProxy} the test cuts, and its journal in a temporary directory:
 * callbacks arrive during the outage and are answered with the flow's verb, the process is killed with SIGKILL in
 * the middle of the outage and started again on the same journal, and once the database is back every callback it
 * acknowledged is in {@code call_event} exactly once.
 */
class SigkillDuringOutageIT {

    /** The order in which the killed service comes back and the database returns: both happen in production. */
    enum Restart {
        /** The pod restarts once the switchover is over: the journal read back at start drains at once. */
        AFTER_THE_DATABASE_RETURNS,
        /**
         * The pod restarts while PostgreSQL is still away. Today the start fails (Flyway migrates at start) and the
         * kubelet restarts it until the database returns; a start that fails must leave the journal intact.
         */
        DURING_THE_OUTAGE
    }

    private static final String ADMIN_KEY = "it-admin-key";
    private static final String ORIGINATE = "/voice/v1/calls";
    private static final String ACCOUNT = "it-account";
    /** Callbacks answered normally before the outage, which also warm the JIT for the timed ones. */
    private static final int BEFORE = 10;
    /** Callbacks during the outage, one per call, paced like keypresses at 20 callbacks/s. */
    private static final int DURING = 40;
    private static final Duration PACE = Duration.ofMillis(50);
    /**
     * Issue 12's bound: callers do not wait on a database that went away (see DatabaseOutageTest). The first answer
     * after the cut meets the broken connection (and a cold journal in a JVM just started), so it is held to the
     * commit budget and a little; every later one to under the commit budget (200 ms: a caller who waited it out
     * shows), and their median to 50 ms. Not a tail percentile: with 20 or 40 answers that is the slowest one, and
     * on 2 shared cores one scheduler hiccup is not a caller waiting on the database.
     */
    private static final Duration MEDIAN_LIMIT = Duration.ofMillis(50);
    private static final Duration COMMIT_BUDGET = Duration.ofMillis(200);
    private static final Duration FIRST_LIMIT = Duration.ofMillis(250);
    /** The demo IVR's agent, as a real number: placeholder numbers work only in sandbox mode, which prod is not. */
    private static final String AGENT = "+917217812345";

    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

    @ParameterizedTest
    @EnumSource(Restart.class)
    void everyAcknowledgedCallbackIsInCallEventExactlyOnce(Restart restart) throws Exception {
        String database = "nexaflow_it_outage_" + ProcessHandle.current().pid() + "_" + System.currentTimeMillis();
        execute(TestDatabase.url(), "CREATE DATABASE " + database);
        String direct = TestDatabase.url().replaceFirst("^(jdbc:postgresql://[^/]+/)[^?]*", "$1" + database);
        URI server = URI.create(direct.substring("jdbc:".length()));
        Path journal = Files.createTempDirectory("nexaflow-journal-it");
        WireMockServer nexafone = new WireMockServer(options().bindAddress("127.0.0.1").dynamicPort().globalTemplating(true));
        PackagedApp app = null;
        try (TcpProxy proxy = new TcpProxy(server.getHost(), server.getPort() < 0 ? 5432 : server.getPort())) {
            nexafone.start();
            nexafone.stubFor(post("/auth/get-access-token/" + ACCOUNT).willReturn(okJson("{\"accessToken\":\"tok-it\",\"expiresIn\":3600}")));
            nexafone.stubFor(post(ORIGINATE).willReturn(okJson("{\"callId\":\"nf-{{randomValue type='UUID'}}\"}")));
            Map<String, String> env = PackagedApp.serviceEnv(
                    "jdbc:postgresql://127.0.0.1:" + proxy.port() + "/" + database, journal, ADMIN_KEY,
                    nexafone.baseUrl(), ACCOUNT);
            env.put("NEXAFLOW_PUBLIC_URL", "https://nexaflow.example.com");
            app = PackagedApp.start(env);
            app.awaitReady(Duration.ofSeconds(120));

            String flow = createFlow(app);
            List<Press> presses = new ArrayList<>();
            for (int i = 0; i < BEFORE + DURING; i++) {
                presses.add(originate(app, nexafone, flow, i % 2 == 0 ? "1" : "2"));
            }
            Map<String, Integer> acknowledged = new HashMap<>();
            for (Press press : presses.subList(0, BEFORE)) {
                answer(app, press, acknowledged);
            }

            proxy.cut();
            int beforeKill = restart == Restart.DURING_THE_OUTAGE ? DURING / 2 : DURING;
            List<Press> outage = presses.subList(BEFORE, BEFORE + DURING);
            List<Long> latencies = new ArrayList<>();
            for (Press press : outage.subList(0, beforeKill)) {
                latencies.add(answer(app, press, acknowledged));
                Thread.sleep(PACE.toMillis());
            }
            // Nexafone retries a callback it did not see answered: the journal, not the database, answers it.
            answerDuplicate(app, outage.get(0));
            long first = latencies.get(0);
            long median = percentile(latencies.subList(1, latencies.size()), 0.5);
            long slowest = percentile(latencies.subList(1, latencies.size()), 1.0);
            System.out.println("outage callbacks before SIGKILL: " + latencies.size() + ", median " + median / 1000
                    + " µs, answer times in order (µs): " + latencies.stream().map(ns -> ns / 1000).toList());

            app.kill();
            if (restart == Restart.AFTER_THE_DATABASE_RETURNS) {
                proxy.restore();
            }
            app = PackagedApp.start(env);
            if (restart == Restart.DURING_THE_OUTAGE && !startsWithoutTheDatabase(app)) {
                System.out.println("the service could not start while PostgreSQL was away; started again once it returned");
                app.close();
                proxy.restore();
                app = PackagedApp.start(env);
            }
            Duration ready = app.awaitReady(Duration.ofSeconds(120));
            System.out.println("restarted on the same journal (" + restart + "), ready in " + ready.toMillis() + " ms");
            for (Press press : outage.subList(beforeKill, DURING)) {
                answer(app, press, acknowledged);
                Thread.sleep(PACE.toMillis());
            }
            // Acknowledged by the killed process, redelivered to the new one: answered the same, recorded once.
            answerDuplicate(app, outage.get(1));
            proxy.restore();

            long restored = System.nanoTime();
            PackagedApp drained = app;
            await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(200)).untilAsserted(() -> {
                assertThat(dtmfEventsPerCall(direct)).isEqualTo(acknowledged);
                assertThat(metric(drained, "nexaflow_journal_depth")).isEqualTo(0.0);
            });
            System.out.println("journal drained " + Duration.ofNanos(System.nanoTime() - restored).toMillis()
                    + " ms after the database returned");
            assertThat(app.output()).doesNotContain("answered with the fallback verb");
            assertThat(Duration.ofNanos(first)).as("the first answer after the cut").isLessThanOrEqualTo(FIRST_LIMIT);
            assertThat(Duration.ofNanos(slowest)).as("slowest answer during the outage, after the first")
                    .isLessThan(COMMIT_BUDGET);
            assertThat(Duration.ofNanos(median)).as("median answer time during the outage, after the first")
                    .isLessThanOrEqualTo(MEDIAN_LIMIT);
        } finally {
            if (app != null) {
                app.close();
            }
            nexafone.stop();
            execute(TestDatabase.url(), "DROP DATABASE IF EXISTS " + database + " WITH (FORCE)");
            try (Stream<Path> files = Files.walk(journal)) {
                files.sorted(Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
            }
        }
    }

    /** True when the process became ready; false when it exited because it could not reach PostgreSQL. */
    private static boolean startsWithoutTheDatabase(PackagedApp app) throws Exception {
        try {
            app.awaitReady(Duration.ofSeconds(120));
            return true;
        } catch (IllegalStateException exited) {
            if (app.isAlive()) {
                throw exited;
            }
            assertThat(app.output()).as("why it exited").contains("Unable to obtain connection from database");
            return false;
        }
    }

    /** A live call's gather, the digit its caller presses, and the verb the flow answers that digit with. */
    private record Press(String callId, URI action, String dtmf, JsonNode expected) {
    }

    private String createFlow(PackagedApp app) throws Exception {
        ObjectNode definition = Flows.seedDefinition();
        ((ObjectNode) definition.at("/nodes/agent")).put("number", AGENT);
        var body = Flows.request(definition);
        body.put("publish", true);
        HttpResponse<String> created = send(app, HttpRequest.newBuilder(app.url("/v1/flows"))
                .header("Authorization", "Bearer " + ADMIN_KEY).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body.toString())));
        assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
        return Flows.parse(created.body()).path("id").asText();
    }

    /** Places a call through POST /v1/calls; the gather URL is the one nexaflow sent the stub Nexafone. */
    private Press originate(PackagedApp app, WireMockServer nexafone, String flow, String dtmf) throws Exception {
        nexafone.resetRequests();
        String request = "{\"from\":\"+911203135800\",\"to\":\"+919650612345\",\"flowId\":\"" + flow + "\",\"timeout\":30}";
        HttpResponse<String> placed = send(app, HttpRequest.newBuilder(app.url("/v1/calls"))
                .header("Authorization", "Bearer " + ADMIN_KEY).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(request)));
        assertThat(placed.statusCode()).as(placed.body()).isEqualTo(202);
        List<LoggedRequest> sent = nexafone.findAll(postRequestedFor(urlEqualTo(ORIGINATE)));
        assertThat(sent).hasSize(1);
        String action = LiveCalls.gatherAction(Flows.parse(sent.get(0).getBodyAsString()).path("action"));
        ObjectNode expected = Golden.read("handle-dtmf-" + dtmf + ".json").deepCopy();
        if ("2".equals(dtmf)) {
            ((ObjectNode) expected.get("data")).put("number", AGENT);
        }
        return new Press(Flows.parse(placed.body()).path("callId").asText(), URI.create(action), dtmf, expected);
    }

    /** Posts the callback as Nexafone does; the answer must be the flow's verb. Returns the answer time in ns. */
    private long answer(PackagedApp app, Press press, Map<String, Integer> acknowledged) throws Exception {
        long started = System.nanoTime();
        HttpResponse<String> answered = callback(app, press);
        long took = System.nanoTime() - started;
        assertThat(answered.statusCode()).as("callback of " + press.callId()).isEqualTo(200);
        assertThat(Flows.parse(answered.body())).as("callback of " + press.callId()).isEqualTo(press.expected());
        acknowledged.merge(press.callId(), 1, Integer::sum);
        return took;
    }

    private void answerDuplicate(PackagedApp app, Press press) throws Exception {
        HttpResponse<String> answered = callback(app, press);
        assertThat(answered.statusCode()).as("duplicate of " + press.callId()).isEqualTo(200);
        assertThat(Flows.parse(answered.body())).as("duplicate of " + press.callId()).isEqualTo(press.expected());
    }

    private HttpResponse<String> callback(PackagedApp app, Press press) throws Exception {
        String body = "{\"callId\":\"" + press.callId() + "\",\"dtmf\":\"" + press.dtmf() + "\",\"to\":{}}";
        return send(app, HttpRequest.newBuilder(app.url(press.action().getRawPath() + "?" + press.action().getRawQuery()))
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(body)));
    }

    private HttpResponse<String> send(PackagedApp app, HttpRequest.Builder request) throws Exception {
        return http.send(request.timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
    }

    private double metric(PackagedApp app, String name) throws Exception {
        String metrics = send(app, HttpRequest.newBuilder(app.url("/q/metrics"))).body();
        return metrics.lines().filter(l -> l.startsWith(name + " ") || l.startsWith(name + "{")).findFirst()
                .map(l -> Double.parseDouble(l.substring(l.lastIndexOf(' ') + 1)))
                .orElseThrow(() -> new AssertionError(name + " is not in /q/metrics"));
    }

    /** DTMF events per platform call id: an acknowledged callback appears once, a replayed one not twice. */
    private static Map<String, Integer> dtmfEventsPerCall(String url) throws SQLException {
        Map<String, Integer> events = new HashMap<>();
        try (Connection connection = DriverManager.getConnection(url, TestDatabase.username(), TestDatabase.password());
             Statement statement = connection.createStatement();
             ResultSet rows = statement.executeQuery("SELECT c.platform_call_id, count(*) FROM call_event e "
                     + "JOIN call c ON c.id = e.call_id WHERE e.type = 'DTMF' GROUP BY c.platform_call_id")) {
            while (rows.next()) {
                events.put(rows.getString(1), rows.getInt(2));
            }
        }
        return events;
    }

    private static long percentile(List<Long> values, double q) {
        List<Long> sorted = values.stream().sorted().toList();
        return sorted.get(Math.max(0, (int) Math.ceil(q * sorted.size()) - 1));
    }

    private static void execute(String url, String sql) throws Exception {
        try (Connection connection = DriverManager.getConnection(url, TestDatabase.username(), TestDatabase.password());
             Statement statement = connection.createStatement()) {
            statement.execute(sql);
        } catch (SQLException e) {
            throw new IllegalStateException(sql + " failed on " + url, e);
        }
    }
}
