package io.nexaflow.nexafone;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.quarkus.test.junit.QuarkusTest;
import org.junit.jupiter.api.Test;

import java.net.ServerSocket;
import java.time.Clock;
import java.time.Duration;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;

/** A platform that refuses connections certainly placed nothing: retried with backoff, then unavailable. */
@QuarkusTest
class ConnectionRefusedTest {

    @Test
    void refusedConnectionsAreRetriedThenReportedUnavailable() throws Exception {
        int closed;
        try (ServerSocket socket = new ServerSocket(0)) {
            closed = socket.getLocalPort(); // free once closed: nothing listens there
        }
        NexafoneConfig config = new TestConfig("http://127.0.0.1:" + closed);
        CachedAccessToken tokens = new CachedAccessToken(() -> new CachedAccessToken.Issued("tok", Duration.ofHours(1)),
                Duration.ofMinutes(10), Duration.ofSeconds(30), Clock.systemUTC());
        NexafoneClient client = new NexafoneClient(config, new ObjectMapper(), new SimpleMeterRegistry(), tokens);

        long started = System.nanoTime();
        NexafoneClient.Result result = client.originate(new ObjectMapper().createObjectNode().put("from", "+1"));
        long millis = (System.nanoTime() - started) / 1_000_000;

        assertThat(result).isInstanceOf(NexafoneClient.Unavailable.class);
        assertThat(result.attempts()).hasSize(3)
                .allSatisfy(a -> assertThat(a.error()).startsWith("not connected"));
        assertThat(millis).as("two pauses of 50 and 100 ms").isGreaterThanOrEqualTo(150);
    }

    private record TestConfig(String apiUrl) implements NexafoneConfig {
        public Optional<String> accountId() {
            return Optional.of("acc");
        }

        public Optional<String> apiKey() {
            return Optional.of("ak");
        }

        public Optional<String> apiSecret() {
            return Optional.of("as");
        }

        public String originatePath() {
            return "/voice/v1/calls";
        }

        public Duration tokenTtl() {
            return Duration.ofMinutes(10);
        }

        public Duration tokenRefreshMargin() {
            return Duration.ofSeconds(30);
        }

        public Duration connectTimeout() {
            return Duration.ofSeconds(1);
        }

        public Duration readTimeout() {
            return Duration.ofSeconds(2);
        }

        public int originateAttempts() {
            return 3;
        }

        public Duration retryBackoff() {
            return Duration.ofMillis(50);
        }
    }
}
