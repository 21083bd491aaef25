package io.nexaflow.request;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpServer;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.nexaflow.request.RequestOutcome.Answered;
import io.nexaflow.request.RequestOutcome.Failed;
import io.nexaflow.request.RequestOutcome.Reason;
import io.vertx.core.Vertx;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;

/** The circuit of each host, against a loopback API that can be made to fail. */
class HostCircuitsTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Duration DELAY = Duration.ofMillis(400);

    private static HttpServer server;
    private static ExecutorService serverThreads;
    private static int port;
    private static final AtomicInteger hits = new AtomicInteger();
    /** The status /flaky answers. */
    private static final AtomicInteger status = new AtomicInteger(200);

    private Vertx vertx;
    private SimpleMeterRegistry meters;
    private BusinessApi api;

    @BeforeAll
    static void startServer() throws IOException {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getByName("127.0.0.1"), 0), 0);
        serverThreads = Executors.newFixedThreadPool(4);
        server.setExecutor(serverThreads);
        server.createContext("/flaky", exchange -> {
            hits.incrementAndGet();
            int answer = status.get();
            if (answer == 0) { // hang: the client times out
                try {
                    Thread.sleep(2000);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                answer = 200;
            }
            byte[] body = ("{\"status\":" + answer + "}").getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().add("Content-Type", "application/json");
            try {
                exchange.sendResponseHeaders(answer, body.length);
                try (OutputStream out = exchange.getResponseBody()) {
                    out.write(body);
                }
            } catch (IOException gone) {
                // the client gave up
            }
        });
        server.start();
        port = server.getAddress().getPort();
    }

    @AfterAll
    static void stopServer() {
        server.stop(0);
        serverThreads.shutdownNow();
    }

    @BeforeEach
    void startClient() throws IOException {
        vertx = Vertx.vertx();
        meters = new SimpleMeterRegistry();
        InetAddress loopback = InetAddress.getByName("127.0.0.1");
        // other.test is a second host on the same server: its own circuit.
        AddressResolver resolver = host -> CompletableFuture.completedFuture(List.of(loopback));
        api = new BusinessApi(vertx, AddressPolicy.of(List.of("127.0.0.1", "other.test"), Optional.empty()), resolver,
                4, 1.0, DELAY, meters);
        hits.set(0);
        status.set(200);
    }

    @AfterEach
    void stopClient() throws Exception {
        api.close();
        vertx.close().toCompletionStage().toCompletableFuture().get(5, TimeUnit.SECONDS);
    }

    private RequestOutcome get(String host, Duration timeout) throws Exception {
        return api.send(OutboundRequest.get(URI.create("http://" + host + ":" + port + "/flaky"), timeout))
                .toCompletableFuture().get(10, TimeUnit.SECONDS);
    }

    private RequestOutcome get() throws Exception {
        return get("127.0.0.1", Duration.ofSeconds(2));
    }

    private static Object statusOf(RequestOutcome outcome) {
        return outcome instanceof Answered answered ? answered.status() : ((Failed) outcome).reason();
    }

    private void assertOpen() throws Exception {
        RequestOutcome outcome = get();
        assertThat(outcome).isInstanceOf(Failed.class);
        Failed failed = (Failed) outcome;
        assertThat(List.of(failed.reason(), failed.message())).isEqualTo(List.of(Reason.CIRCUIT_OPEN,
                "the circuit of 127.0.0.1:" + port + " is open after repeated failures"));
        assertThat(failed.latency()).isLessThan(Duration.ofMillis(100));
    }

    @Test
    void repeated5xxOpenTheCircuitAndItClosesByItselfAfterTheDelay() throws Exception {
        status.set(503);
        for (int i = 0; i < 4; i++) {
            RequestOutcome outcome = get();
            assertThat(statusOf(outcome)).isEqualTo(503);
            assertThat(((Answered) outcome).json()).isEqualTo(JSON.readTree("{\"status\":503}"));
        }
        assertOpen();
        assertOpen();
        assertThat(hits).hasValue(4);
        assertThat(meters.get("nexaflow.http.requests").tags("outcome", "circuit_open").timer().count()).isEqualTo(2);

        // Another host is not affected.
        status.set(200);
        assertThat(statusOf(get("other.test", Duration.ofSeconds(2)))).isEqualTo(200);

        Thread.sleep(DELAY.toMillis() + 200);
        assertThat(statusOf(get())).isEqualTo(200);
        assertThat(statusOf(get())).isEqualTo(200);
        assertThat(hits).hasValue(7);
    }

    @Test
    void aFailedTrialOpensTheCircuitAgain() throws Exception {
        status.set(500);
        for (int i = 0; i < 4; i++) {
            assertThat(statusOf(get())).isEqualTo(500);
        }
        assertOpen();
        Thread.sleep(DELAY.toMillis() + 200);
        assertThat(statusOf(get())).isEqualTo(500);
        assertOpen();
        assertThat(hits).hasValue(5);
    }

    @Test
    void timeoutsCountAgainstTheHost() throws Exception {
        status.set(0);
        for (int i = 0; i < 4; i++) {
            assertThat(statusOf(get("127.0.0.1", Duration.ofMillis(150)))).isEqualTo(Reason.TIMEOUT);
        }
        assertOpen();
    }

    @Test
    void clientErrorsDoNotOpenTheCircuit() throws Exception {
        status.set(404);
        for (int i = 0; i < 8; i++) {
            assertThat(statusOf(get())).isEqualTo(404);
        }
        status.set(200);
        assertThat(statusOf(get())).isEqualTo(200);
        assertThat(hits).hasValue(9);
    }

    @Test
    void onlyARunOfFailuresOpensIt() throws Exception {
        // ratio 1.0 over 4 requests: three failures and a success keep it closed.
        for (int s : new int[] {503, 503, 503, 200, 503, 503, 503}) {
            status.set(s);
            assertThat(statusOf(get())).isEqualTo(s);
        }
        status.set(200);
        assertThat(statusOf(get())).isEqualTo(200);
    }
}
