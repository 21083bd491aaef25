package io.nexaflow.request;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.nexaflow.request.OutboundRequest.Method;
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
import java.net.ServerSocket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;

/** BusinessApi against a real HTTP server on 127.0.0.1 standing in for a business's API. */
class BusinessApiTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Duration TIMEOUT = Duration.ofSeconds(2);

    private static HttpServer server;
    private static ExecutorService serverThreads;
    private static int port;
    private static final Map<String, AtomicInteger> hits = new ConcurrentHashMap<>();

    private Vertx vertx;
    private SimpleMeterRegistry meters;
    private BusinessApi api;

    @BeforeAll
    static void startServer() throws IOException {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getByName("127.0.0.1"), 0), 0);
        serverThreads = Executors.newFixedThreadPool(8);
        server.setExecutor(serverThreads);
        route("/accounts/123", exchange -> reply(exchange, 200, "application/json",
                "{\"id\":\"123\",\"balance\":42.5,\"active\":true}"));
        route("/accounts/999", exchange -> reply(exchange, 404, "application/json", "{\"error\":\"no such account\"}"));
        route("/html", exchange -> reply(exchange, 200, "text/html", "<html>maintenance</html>"));
        route("/empty", exchange -> {
            exchange.sendResponseHeaders(204, -1);
            exchange.close();
        });
        route("/echo", exchange -> {
            byte[] body = exchange.getRequestBody().readAllBytes();
            String answer = JSON.createObjectNode()
                    .put("method", exchange.getRequestMethod())
                    .put("uri", exchange.getRequestURI().toString())
                    .put("host", exchange.getRequestHeaders().getFirst("Host"))
                    .put("contentType", exchange.getRequestHeaders().getFirst("Content-Type"))
                    .put("tenant", exchange.getRequestHeaders().getFirst("X-Tenant"))
                    .put("body", new String(body, StandardCharsets.UTF_8)).toString();
            reply(exchange, 201, "application/json", answer);
        });
        route("/slow", exchange -> {
            sleep(3000);
            reply(exchange, 200, "application/json", "{}");
        });
        route("/drip", exchange -> {
            exchange.getResponseHeaders().add("Content-Type", "application/json");
            exchange.sendResponseHeaders(200, 0);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write('[');
                for (int i = 0; i < 30; i++) {
                    out.write("1,".getBytes(StandardCharsets.UTF_8));
                    out.flush();
                    sleep(100);
                }
                out.write("1]".getBytes(StandardCharsets.UTF_8));
            } catch (IOException gone) {
                // the client stopped reading
            }
        });
        route("/redirect", exchange -> {
            exchange.getResponseHeaders().add("Location", "/accounts/123");
            exchange.sendResponseHeaders(302, -1);
            exchange.close();
        });
        route("/large-chunked", exchange -> {
            exchange.getResponseHeaders().add("Content-Type", "application/json");
            exchange.sendResponseHeaders(200, 0);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(jsonOfLength(70 * 1024).getBytes(StandardCharsets.UTF_8));
            } catch (IOException gone) {
                // the client stopped reading
            }
        });
        route("/large-declared", exchange -> {
            try {
                reply(exchange, 200, "application/json", jsonOfLength(BusinessApi.MAX_ANSWER_BYTES + 1));
            } catch (IOException gone) {
                // the client stopped reading
            }
        });
        route("/just-fits", exchange -> reply(exchange, 200, "application/json",
                jsonOfLength(BusinessApi.MAX_ANSWER_BYTES)));
        server.start();
        port = server.getAddress().getPort();
    }

    @AfterAll
    static void stopServer() {
        server.stop(0);
        serverThreads.shutdownNow();
    }

    @BeforeEach
    void startClient() {
        vertx = Vertx.vertx();
        meters = new SimpleMeterRegistry();
        api = api(AddressPolicy.of(List.of("127.0.0.1", "business.test"), Optional.empty()),
                AddressResolver.system(vertx));
        hits.clear();
    }

    @AfterEach
    void stopClient() throws Exception {
        api.close();
        vertx.close().toCompletionStage().toCompletableFuture().get(5, TimeUnit.SECONDS);
    }

    private BusinessApi api(AddressPolicy policy, AddressResolver resolver) {
        return new BusinessApi(vertx, policy, resolver, 4, 1.0, Duration.ofMillis(400), meters);
    }

    interface Handler {
        void handle(HttpExchange exchange) throws IOException;
    }

    private static void route(String path, Handler handler) {
        server.createContext(path, exchange -> {
            hits.computeIfAbsent(path, p -> new AtomicInteger()).incrementAndGet();
            handler.handle(exchange);
        });
    }

    private static void reply(HttpExchange exchange, int status, String type, String body) throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().add("Content-Type", type);
        exchange.sendResponseHeaders(status, bytes.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(bytes);
        }
    }

    /** A JSON document of exactly {@code length} bytes. */
    private static String jsonOfLength(int length) {
        return "{\"a\":\"" + "x".repeat(length - 8) + "\"}";
    }

    private static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** A resolver that answers these addresses for every host. */
    private static AddressResolver resolvingTo(String... literals) throws IOException {
        List<InetAddress> addresses = new java.util.ArrayList<>();
        for (String literal : literals) {
            addresses.add(InetAddress.getByName(literal));
        }
        return host -> CompletableFuture.completedFuture(List.copyOf(addresses));
    }

    private static int hitsOf(String path) {
        return hits.getOrDefault(path, new AtomicInteger()).get();
    }

    private static URI local(String path) {
        return URI.create("http://127.0.0.1:" + port + path);
    }

    private RequestOutcome send(OutboundRequest request) throws Exception {
        return api.send(request).toCompletableFuture().get(10, TimeUnit.SECONDS);
    }

    private RequestOutcome get(URI url) throws Exception {
        return send(OutboundRequest.get(url, TIMEOUT));
    }

    /** The outcome without its latency, which no test can know in advance. */
    private static Object withoutLatency(RequestOutcome outcome) {
        if (outcome instanceof Answered answered) {
            return List.of(answered.status(), String.valueOf(answered.json()));
        }
        Failed failed = (Failed) outcome;
        return List.of(failed.reason(), failed.message());
    }

    private static Object answered(int status, String json) throws IOException {
        return List.of(status, String.valueOf(json == null ? null : JSON.readTree(json)));
    }

    private static Object failed(Reason reason, String message) {
        return List.of(reason, message);
    }

    @Test
    void aJsonAnswerComesBackParsed() throws Exception {
        RequestOutcome outcome = get(local("/accounts/123"));
        assertThat(withoutLatency(outcome)).isEqualTo(answered(200, "{\"id\":\"123\",\"balance\":42.5,\"active\":true}"));
        assertThat(outcome.latency()).isPositive().isLessThan(TIMEOUT);
        assertThat(meters.get("nexaflow.http.requests").tags("outcome", "answered", "host", "127.0.0.1").timer().count())
                .isEqualTo(1);
    }

    @Test
    void methodHeadersAndBodyReachTheApi() throws Exception {
        OutboundRequest post = new OutboundRequest(Method.POST, local("/echo?a=1%202"), Map.of("X-Tenant", "acme"),
                "{\"pin\":\"1234\"}".getBytes(StandardCharsets.UTF_8), TIMEOUT);
        assertThat(withoutLatency(send(post))).isEqualTo(answered(201, JSON.createObjectNode()
                .put("method", "POST").put("uri", "/echo?a=1%202").put("host", "127.0.0.1:" + port)
                .put("contentType", "application/json").put("tenant", "acme").put("body", "{\"pin\":\"1234\"}")
                .toString()));
    }

    @Test
    void aNotFoundIsAnAnswerForTheEngineToRoute() throws Exception {
        assertThat(withoutLatency(get(local("/accounts/999")))).isEqualTo(answered(404, "{\"error\":\"no such account\"}"));
    }

    @Test
    void a2xxThatIsNotJsonIsNotJson() throws Exception {
        assertThat(withoutLatency(get(local("/html")))).isEqualTo(failed(Reason.NOT_JSON,
                "127.0.0.1:" + port + " (127.0.0.1) answered 200 with a body that is not JSON"));
        assertThat(meters.get("nexaflow.http.requests").tags("outcome", "not_json").timer().count()).isEqualTo(1);
    }

    @Test
    void aNoContentAnswerHasNoJson() throws Exception {
        assertThat(withoutLatency(get(local("/empty")))).isEqualTo(answered(204, null));
    }

    @Test
    void aSlowServerTimesOutWithinTheTimeout() throws Exception {
        long start = System.nanoTime();
        RequestOutcome outcome = send(OutboundRequest.get(local("/slow"), Duration.ofMillis(300)));
        Duration took = Duration.ofNanos(System.nanoTime() - start);
        assertThat(withoutLatency(outcome)).isEqualTo(failed(Reason.TIMEOUT,
                "no complete answer from 127.0.0.1:" + port + " within 300 ms"));
        assertThat(took).isBetween(Duration.ofMillis(300), Duration.ofMillis(800));
        assertThat(outcome.latency()).isBetween(Duration.ofMillis(300), Duration.ofMillis(800));
        assertThat(meters.get("nexaflow.http.requests").tags("outcome", "timeout").timer().count()).isEqualTo(1);
    }

    @Test
    void theTimeoutCoversTheWholeAnswerNotOnlyItsStart() throws Exception {
        long start = System.nanoTime();
        RequestOutcome outcome = send(OutboundRequest.get(local("/drip"), Duration.ofMillis(500)));
        assertThat(withoutLatency(outcome)).isEqualTo(failed(Reason.TIMEOUT,
                "no complete answer from 127.0.0.1:" + port + " within 500 ms"));
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofMillis(1000));
    }

    @Test
    void aClosedPortIsAConnectFailure() throws Exception {
        int closed;
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
            closed = socket.getLocalPort();
        }
        RequestOutcome outcome = get(URI.create("http://127.0.0.1:" + closed + "/accounts/123"));
        assertThat(outcome).isInstanceOf(Failed.class);
        assertThat(((Failed) outcome).reason()).isEqualTo(Reason.CONNECT_FAILED);
        assertThat(((Failed) outcome).message()).startsWith("connection to 127.0.0.1:" + closed + " (127.0.0.1) failed (");
    }

    @Test
    void redirectsAreNotFollowed() throws Exception {
        assertThat(withoutLatency(get(local("/redirect")))).isEqualTo(answered(302, null));
        assertThat(hitsOf("/redirect")).isEqualTo(1);
        assertThat(hitsOf("/accounts/123")).isZero();
    }

    @Test
    void aChunkedAnswerOver64KiBIsCut() throws Exception {
        assertThat(withoutLatency(get(local("/large-chunked")))).isEqualTo(failed(Reason.TOO_LARGE,
                "the answer of 127.0.0.1:" + port + " (127.0.0.1) is longer than 65536 bytes"));
    }

    @Test
    void aDeclaredLengthOver64KiBIsRefusedBeforeReading() throws Exception {
        assertThat(withoutLatency(get(local("/large-declared")))).isEqualTo(failed(Reason.TOO_LARGE,
                "the answer of 127.0.0.1:" + port + " (127.0.0.1) is longer than 65536 bytes"));
    }

    @Test
    void exactly64KiBIsRead() throws Exception {
        assertThat(withoutLatency(get(local("/just-fits")))).isEqualTo(answered(200, jsonOfLength(65536)));
    }

    @Test
    void loopbackIsRefusedUnlessListed() throws Exception {
        api = api(AddressPolicy.of(List.of(), Optional.empty()), AddressResolver.system(vertx));
        assertThat(withoutLatency(get(URI.create("https://127.0.0.1:" + port + "/accounts/123")))).isEqualTo(failed(
                Reason.REFUSED_ADDRESS, "127.0.0.1 resolves to 127.0.0.1, a loopback address; list the host in "
                        + "NEXAFLOW_HTTP_ALLOWED_HOSTS or NEXAFLOW_HTTP_INSECURE_HOSTS to call it"));
        assertThat(withoutLatency(get(local("/accounts/123")))).isEqualTo(failed(Reason.NOT_ALLOWED,
                "only https URLs may be called; 127.0.0.1:" + port + " is not in NEXAFLOW_HTTP_INSECURE_HOSTS"));
        assertThat(hitsOf("/accounts/123")).isZero();
        assertThat(meters.get("nexaflow.http.requests").tags("outcome", "refused_address").timer().count()).isEqualTo(1);
    }

    @Test
    void internalAddressesAreRefusedWithoutConnecting() throws Exception {
        for (String url : List.of("https://10.0.0.1/x", "https://169.254.169.254/latest/meta-data/", "https://[::1]/x",
                "https://[fe80::1]/x", "https://100.64.0.1/x", "https://[fd00:ec2::254]/x")) {
            RequestOutcome outcome = get(URI.create(url));
            assertThat(outcome).as(url).isInstanceOf(Failed.class);
            assertThat(((Failed) outcome).reason()).as(url).isEqualTo(Reason.REFUSED_ADDRESS);
            assertThat(outcome.latency()).as(url).isLessThan(Duration.ofMillis(500));
        }
    }

    @Test
    void theConnectionGoesToTheResolvedAddressWithTheOriginalHostHeader() throws Exception {
        // business.test does not exist in DNS: only the resolver below knows it, so reaching the server proves the
        // connection went to the address nexaflow resolved and checked.
        api = api(AddressPolicy.of(List.of("business.test"), Optional.empty()),
                resolvingTo("127.0.0.1"));
        OutboundRequest post = new OutboundRequest(Method.PUT, URI.create("http://business.test:" + port + "/echo"),
                Map.of(), null, TIMEOUT);
        assertThat(withoutLatency(send(post))).isEqualTo(answered(201, JSON.createObjectNode()
                .put("method", "PUT").put("uri", "/echo").put("host", "business.test:" + port)
                .putNull("contentType").putNull("tenant").put("body", "").toString()));
    }

    @Test
    void dnsRebindingCannotReachLoopback() throws Exception {
        // First answer public (checked and connected to), any later answer loopback. localhost is in /etc/hosts, so a
        // client that resolved the name again when connecting would reach the socket below on 127.0.0.1.
        AtomicInteger lookups = new AtomicInteger();
        AddressResolver rebinding = host -> {
            try {
                return CompletableFuture.completedFuture(List.of(InetAddress.getByName(
                        lookups.getAndIncrement() == 0 ? "203.0.113.10" : "127.0.0.1")));
            } catch (IOException e) {
                return CompletableFuture.failedFuture(e);
            }
        };
        api = api(AddressPolicy.of(List.of(), Optional.empty()), rebinding);
        AtomicInteger connections = new AtomicInteger();
        try (ServerSocket loopback = new ServerSocket(0, 50, InetAddress.getByName("127.0.0.1"))) {
            Thread acceptor = new Thread(() -> {
                while (!loopback.isClosed()) {
                    try {
                        loopback.accept().close();
                        connections.incrementAndGet();
                    } catch (IOException closed) {
                        return;
                    }
                }
            });
            acceptor.start();
            RequestOutcome outcome = send(new OutboundRequest(Method.GET,
                    URI.create("https://localhost:" + loopback.getLocalPort() + "/accounts/123"), Map.of(), null,
                    Duration.ofMillis(400)));
            assertThat(outcome).isInstanceOf(Failed.class);
            assertThat(((Failed) outcome).reason()).isIn(Reason.TIMEOUT, Reason.CONNECT_FAILED);
        }
        assertThat(lookups).hasValue(1);
        assertThat(connections).hasValue(0);
    }

    @Test
    void everyResolvedAddressIsChecked() throws Exception {
        api = api(AddressPolicy.of(List.of(), Optional.empty()), resolvingTo("203.0.113.10", "127.0.0.1"));
        assertThat(withoutLatency(get(URI.create("https://mixed.test:" + port + "/accounts/123")))).isEqualTo(failed(
                Reason.REFUSED_ADDRESS, "mixed.test resolves to 127.0.0.1, a loopback address; list the host in "
                        + "NEXAFLOW_HTTP_ALLOWED_HOSTS or NEXAFLOW_HTTP_INSECURE_HOSTS to call it"));
    }

    @Test
    void aFailingOrThrowingResolverIsAConnectFailure() throws Exception {
        api = api(AddressPolicy.of(List.of(), Optional.empty()),
                host -> CompletableFuture.failedFuture(new java.net.UnknownHostException(host)));
        assertThat(withoutLatency(get(URI.create("https://nowhere.test/a?key=s3cr3t"))))
                .isEqualTo(failed(Reason.CONNECT_FAILED, "could not resolve nowhere.test"));
        api = api(AddressPolicy.of(List.of(), Optional.empty()), host -> {
            throw new IllegalStateException("resolver broke");
        });
        assertThat(withoutLatency(get(URI.create("https://nowhere.test/a?key=s3cr3t"))))
                .isEqualTo(failed(Reason.CONNECT_FAILED, "the request could not be sent"));
    }

    @Test
    void theCallbackOfAnOutcomeRunsOnAVertxThreadNeverBlockingTheCaller() throws Exception {
        // send() returns before the slow server answers: the caller (an event loop, in the engine) is not held.
        long start = System.nanoTime();
        CompletableFuture<RequestOutcome> pending = api.send(OutboundRequest.get(local("/slow"), Duration.ofMillis(300)))
                .toCompletableFuture();
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofMillis(200));
        assertThat(pending.get(5, TimeUnit.SECONDS)).isInstanceOf(Failed.class);
    }
}
