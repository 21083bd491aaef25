package io.nexaflow.call;

import io.agroal.api.AgroalDataSource;
import io.nexaflow.nexafone.TokenCache;
import io.nexaflow.support.Flows;
import io.nexaflow.support.NexafoneStub;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static io.nexaflow.support.Api.as;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A callback that moves a call while nexaflow records the platform's answer to its originate (the platform rang,
 * someone pressed a key, and the flow ended before the originate's HTTP answer was written down) is not undone by
 * that answer. The callback is stood in for by the same UPDATE held open in a transaction of this test, committed
 * once the originate's write waits for it: without a row lock, that write read the call before the commit and
 * wrote IN_PROGRESS over COMPLETED, and the call (and a campaign contact on it) stayed on the line for hours.
 */
@QuarkusTest
@TestProfile(NexafoneStub.Profile.class)
class OriginateAnswerRaceTest {

    @Inject
    AgroalDataSource dataSource;

    @Test
    void aCallTheCallbackCompletedStaysCompletedWhenTheOriginateAnswerIsRecordedAfter() throws Exception {
        var nexafone = NexafoneStub.server();
        nexafone.resetAll();
        TokenCache.forget();
        nexafone.stubFor(post(OriginateTest.AUTH).willReturn(okJson("{\"accessToken\":\"tok-1\",\"expiresIn\":3600}")));
        // Slow enough for the test to take the call's row before the answer is recorded (read timeout: 2 s).
        nexafone.stubFor(post(OriginateTest.ORIGINATE).willReturn(okJson("{\"callId\":\"nf-race\",\"status\":\"queued\"}")
                .withFixedDelay(800)));
        String key = "race-" + UUID.randomUUID();
        Map<String, Object> body = Map.of("from", "+911203135800", "to", "+919650612345", "flowId", Flows.publishedSeed());

        CompletableFuture<Integer> originated = CompletableFuture.supplyAsync(() -> as("operator")
                .header("Idempotency-Key", key).body(body).post("/v1/calls").statusCode());
        UUID call = await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(20))
                .until(() -> originating(key), Optional::isPresent).orElseThrow();
        try (Connection callback = dataSource.getConnection()) {
            callback.setAutoCommit(false);
            try (PreparedStatement complete = callback.prepareStatement("UPDATE call SET status = 'COMPLETED', "
                    + "ended_at = now(), updated_at = now() WHERE id = ?")) {
                complete.setObject(1, call);
                assertThat(complete.executeUpdate()).isEqualTo(1);
            }
            int mine = backend(callback);
            await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(20))
                    .until(() -> waitingForALock(mine));
            callback.commit();
        }

        assertThat(originated.get(10, TimeUnit.SECONDS)).isEqualTo(202);
        assertThat(status(call)).isEqualTo("COMPLETED");
    }

    /** The call placed under {@code key}, once it is ORIGINATING (committed before the platform hears of it). */
    private Optional<UUID> originating(String key) throws SQLException {
        try (Connection connection = dataSource.getConnection(); PreparedStatement query = connection.prepareStatement(
                "SELECT id FROM call WHERE idempotency_key = ? AND status = 'ORIGINATING'")) {
            query.setString(1, key);
            try (ResultSet rows = query.executeQuery()) {
                return rows.next() ? Optional.of(rows.getObject(1, UUID.class)) : Optional.empty();
            }
        }
    }

    private static int backend(Connection connection) throws SQLException {
        try (PreparedStatement query = connection.prepareStatement("SELECT pg_backend_pid()");
             ResultSet rows = query.executeQuery()) {
            rows.next();
            return rows.getInt(1);
        }
    }

    /** True once another session of this database waits for a lock, i.e. the originate's write waits for ours. */
    private boolean waitingForALock(int mine) throws SQLException {
        try (Connection connection = dataSource.getConnection(); PreparedStatement query = connection.prepareStatement(
                "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() AND pid <> ? "
                        + "AND wait_event_type = 'Lock'")) {
            query.setInt(1, mine);
            try (ResultSet rows = query.executeQuery()) {
                rows.next();
                return rows.getInt(1) > 0;
            }
        }
    }

    private String status(UUID call) throws SQLException {
        try (Connection connection = dataSource.getConnection();
             PreparedStatement query = connection.prepareStatement("SELECT status FROM call WHERE id = ?")) {
            query.setObject(1, call);
            try (ResultSet rows = query.executeQuery()) {
                rows.next();
                return rows.getString(1);
            }
        }
    }
}
