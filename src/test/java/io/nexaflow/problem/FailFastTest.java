package io.nexaflow.problem;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.nexaflow.support.Api;
import io.nexaflow.support.Flows;
import io.nexaflow.support.TcpProxy;
import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.restassured.response.Response;
import io.restassured.specification.RequestSpecification;
import jakarta.inject.Inject;
import org.eclipse.microprofile.config.ConfigProvider;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import javax.sql.DataSource;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.Function;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * With PostgreSQL cut off, the API answers 503 + Retry-After within a second and writes nothing; once it is back, the
 * same requests succeed within 2 s. The pool settings are the application's own (no test overrides but the URL).
 */
@QuarkusTest
@TestProfile(FailFastTest.BehindProxy.class)
class FailFastTest {

    private static final Duration FAIL_WITHIN = Duration.ofSeconds(1);
    private static final Duration BACK_WITHIN = Duration.ofSeconds(2);

    @Inject
    DataSource database;

    /** One API request of the outage: what it is called, whose key sends it, how, what it answers when all is well. */
    private record Request(String name, String role, Function<RequestSpecification, Response> send, int ok) {

        Response answer() {
            return send.apply(Api.as(role));
        }
    }

    @AfterEach
    void restore() {
        BehindProxy.proxy.restore();
    }

    @Test
    void writesAndReadsAnswer503WithinASecondWriteNothingAndRecoverWithinTwoSeconds() throws Exception {
        String flow = Flows.publishedSeed();
        // Stored keys, made while the database answers: during the outage their lookup fails, which is no 401.
        Api.key("operator");
        Api.key("auditor");
        String refusedNumber = mobileNumber();
        String refusedName = "refused-" + UUID.randomUUID();
        ObjectNode renamed = Flows.request(Flows.seedDefinition());
        renamed.put("name", refusedName);

        BehindProxy.proxy.cut();
        Map<String, Request> during = requests(flow, refusedNumber, refusedName, renamed);
        for (Request request : during.values()) {
            long started = System.nanoTime();
            Response answer = request.answer();
            Duration took = Duration.ofNanos(System.nanoTime() - started);

            assertThat(answer.statusCode()).as(request.name + ": " + answer.asString()).isEqualTo(503);
            System.out.printf("FailFastTest: %s answered %d in %d ms%n", request.name, answer.statusCode(),
                    took.toMillis());
            assertThat(took).as(request.name).isLessThan(FAIL_WITHIN);
            assertThat(answer.header("Retry-After")).as(request.name).isEqualTo("2");
            assertThat(answer.contentType()).as(request.name).isEqualTo("application/problem+json");
            assertThat(Flows.parse(answer.asString())).as(request.name).isEqualTo(Flows.parse("""
                    {"type":"urn:nexaflow:problem:database-unavailable","title":"Database unavailable","status":503,
                     "detail":"The database cannot be reached right now; retry in 2 seconds",
                     "instance":"%s"}""".formatted(request.name.substring(request.name.indexOf(' ') + 1))));
        }

        BehindProxy.proxy.restore();
        Map<String, Request> after = requests(flow, mobileNumber(), "recovered-" + UUID.randomUUID(),
                Flows.request(Flows.seedDefinition()));
        // Time spent on refused attempts only: the successful requests' own work (an originate) is not an outage.
        long refusedNanos = 0;
        for (Request request : after.values()) {
            long attempt = System.nanoTime();
            Response answer = request.answer();
            while (answer.statusCode() != request.ok
                    && Duration.ofNanos(refusedNanos + System.nanoTime() - attempt).compareTo(BACK_WITHIN) < 0) {
                Thread.sleep(50);
                refusedNanos += System.nanoTime() - attempt;
                attempt = System.nanoTime();
                answer = request.answer();
            }
            assertThat(answer.statusCode()).as(request.name + " after the database returned: " + answer.asString())
                    .isEqualTo(request.ok);
        }
        Duration back = Duration.ofNanos(refusedNanos);
        System.out.printf("FailFastTest: requests were refused for %d ms after the database returned%n", back.toMillis());
        assertThat(back).isLessThan(BACK_WITHIN);

        // The refused writes left nothing behind: no call (not even QUEUED), no flow, no new revision or name.
        assertThat(count("SELECT count(*) FROM call WHERE to_number = ?", refusedNumber)).isZero();
        assertThat(count("SELECT count(*) FROM flow WHERE name = ?", refusedName)).isZero();
        assertThat(count("SELECT count(*) FROM flow_revision WHERE flow_id = ?::uuid", flow)).isEqualTo(1);
    }

    /** In order: the first request after the cut meets the pool's dead connections, the others an empty pool. */
    private static Map<String, Request> requests(String flow, String to, String newFlowName, ObjectNode update) {
        ObjectNode created = Flows.request(Flows.seedDefinition());
        created.put("name", newFlowName);
        Map<String, Request> requests = new LinkedHashMap<>();
        for (Request request : List.of(
                new Request("POST /v1/calls", "operator", r -> r.body(Map.of("from", "+911203135800", "to", to, "flowId", flow))
                        .post("/v1/calls"), 202),
                new Request("POST /v1/flows", "admin", r -> r.body(created.toString()).post("/v1/flows"), 201),
                new Request("PUT /v1/flows/" + flow, "admin", r -> r.body(update.toString()).put("/v1/flows/" + flow), 200),
                new Request("GET /v1/calls", "auditor", r -> r.get("/v1/calls"), 200),
                new Request("GET /v1/flows/" + flow, "operator", r -> r.get("/v1/flows/" + flow), 200))) {
            requests.put(request.name, request);
        }
        return requests;
    }

    /** An Indian mobile number no other test uses, so its rows can be counted. */
    private static String mobileNumber() {
        return "+9196" + ThreadLocalRandom.current().nextInt(10_000_000, 99_999_999);
    }

    private long count(String sql, String parameter) throws SQLException {
        try (Connection connection = database.getConnection(); PreparedStatement query = connection.prepareStatement(sql)) {
            query.setString(1, parameter);
            try (ResultSet rows = query.executeQuery()) {
                rows.next();
                return rows.getLong(1);
            }
        }
    }

    /** The application's database behind a proxy this test cuts; nothing else differs from the default profile. */
    public static class BehindProxy implements QuarkusTestProfile, QuarkusTestResourceLifecycleManager {

        static TcpProxy proxy;

        @Override
        public List<TestResourceEntry> testResources() {
            return List.of(new TestResourceEntry(BehindProxy.class));
        }

        @Override
        public Map<String, String> start() {
            String url = ConfigProvider.getConfig().getValue("quarkus.datasource.jdbc.url", String.class);
            proxy = TcpProxy.inFrontOf(url);
            return Map.of("quarkus.datasource.jdbc.url", proxy.jdbcUrl(url));
        }

        @Override
        public void stop() {
            if (proxy != null) {
                proxy.close();
            }
        }
    }
}
