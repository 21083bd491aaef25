package io.nexaflow.sandbox;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.nexaflow.nexafone.VendorPage;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * A customer's webhook on 127.0.0.1 that answers like the vendor page's Express example (dtmf 1 → play + hangup,
 * 2 → dial + play + hangup, anything else → the invalid-option play + hangup), plus a few misbehaving paths.
 */
final class CustomerWebhook implements AutoCloseable {

    /** How long /api/slow takes to answer: longer than the sandbox's default webhook timeout. */
    static final Duration SLOW = Duration.ofSeconds(6);

    /** One callback as it arrived. */
    record Received(String path, String contentType, JsonNode body) {
    }

    private final HttpServer server;
    private final List<Received> received = new CopyOnWriteArrayList<>();
    /** A slow answer must not hold up the callbacks of other calls. */
    private final ExecutorService threads = Executors.newCachedThreadPool();

    CustomerWebhook() {
        try {
            server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        server.createContext("/", this::handle);
        server.setExecutor(threads);
        server.start();
    }

    String url(String path) {
        return "http://127.0.0.1:" + server.getAddress().getPort() + path;
    }

    /** Callbacks received for one call, in order. */
    List<Received> receivedFor(String callId) {
        return received.stream().filter(r -> callId.equals(r.body().path("callId").asText())).toList();
    }

    private void handle(HttpExchange exchange) throws IOException {
        try (exchange) {
            String path = exchange.getRequestURI().getPath();
            JsonNode body = VendorPage.JSON.readTree(exchange.getRequestBody().readAllBytes());
            received.add(new Received(path, exchange.getRequestHeaders().getFirst("Content-Type"), body));
            switch (path) {
                case "/api/handle-dtmf" -> respond(exchange, 200, handleDtmf(body.path("dtmf").asText()));
                case "/api/dial" -> respond(exchange, 200, VendorPage.EXPRESS_DIAL);
                case "/api/gather" -> respond(exchange, 200, gather(body.path("to").path("channelId").asText(),
                        url("/api/dial")));
                // Times out once, then routes like handle-dtmf: a menu that asks again.
                case "/api/retry" -> respond(exchange, 200, body.path("dtmf").asText().isEmpty()
                        ? gather(body.path("to").path("channelId").asText(), url("/api/handle-dtmf"))
                        : handleDtmf(body.path("dtmf").asText()));
                case "/api/fail" -> respond(exchange, 500, "{\"error\":\"boom\"}");
                case "/api/slow" -> {
                    sleep(SLOW);
                    respond(exchange, 200, VendorPage.EXPRESS_DTMF_1);
                }
                case "/api/insecure-audio" -> respond(exchange, 200,
                        "{\"type\":\"play\",\"data\":{\"audioUrl\":\"http://cdn.example/a.wav\"}}");
                default -> respond(exchange, 404, "{}");
            }
        }
    }

    private static String handleDtmf(String dtmf) {
        return switch (dtmf) {
            case "1" -> VendorPage.EXPRESS_DTMF_1;
            case "2" -> VendorPage.EXPRESS_DTMF_2;
            default -> VendorPage.EXPRESS_INVALID;
        };
    }

    private static String gather(String channelId, String action) {
        ObjectNode gather = VendorPage.parse(VendorPage.EXPRESS_GATHER);
        ((ObjectNode) gather.get("data")).put("channelId", channelId).put("action", action);
        return gather.toString();
    }

    private static void sleep(Duration duration) {
        try {
            Thread.sleep(duration.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static void respond(HttpExchange exchange, int status, String json) throws IOException {
        byte[] bytes = json.getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().set("Content-Type", "application/json");
        exchange.sendResponseHeaders(status, bytes.length);
        exchange.getResponseBody().write(bytes);
    }

    @Override
    public void close() {
        server.stop(0);
        threads.shutdownNow();
    }
}
