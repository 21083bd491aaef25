package io.nexaflow.request;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.nexaflow.config.NexaflowConfig;
import io.nexaflow.request.AddressPolicy.HostPort;
import io.nexaflow.request.AddressPolicy.Refusal;
import io.nexaflow.request.RequestOutcome.Answered;
import io.nexaflow.request.RequestOutcome.Failed;
import io.nexaflow.request.RequestOutcome.Reason;
import io.netty.channel.ConnectTimeoutException;
import io.vertx.core.MultiMap;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpClientRequest;
import io.vertx.core.http.HttpClientResponse;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.net.SocketAddress;
import io.nexaflow.telemetry.Tracing;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.Tracer;
import io.vertx.core.tracing.TracingPolicy;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import org.jboss.logging.Logger;

import java.io.IOException;
import java.net.InetAddress;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;

/**
 * Sends one {@link OutboundRequest} to a business's API and tells what came of it. The URL is checked by the
 * {@link AddressPolicy}; the host is resolved by nexaflow, every address checked, and the connection made to the
 * checked address while the original Host header and TLS server name are sent, so DNS rebinding cannot reach an
 * internal address. Redirects are not followed, the whole exchange has the request's timeout, reading stops past
 * 64 KiB, and each host[:port] has its own circuit ({@link HostCircuits}). Non-blocking: nothing here waits on the
 * event loop, and the stage never completes exceptionally. Each request is timed in {@code nexaflow.http.requests}
 * (tags: outcome, host).
 */
@ApplicationScoped
public class BusinessApi {

    private static final Logger LOG = Logger.getLogger(BusinessApi.class);

    /** The longest answer read; longer ones are cut and answered {@link Reason#TOO_LARGE}. */
    public static final int MAX_ANSWER_BYTES = 64 * 1024;

    private static final ObjectMapper JSON = new ObjectMapper();

    private final Vertx vertx;
    private final HttpClient client;
    private final AddressPolicy policy;
    private final AddressResolver resolver;
    private final HostCircuits circuits;
    private final MeterRegistry meters;
    /** Spans of requests: method and host only, never the URL (a flow may put a caller's number in it). */
    private Tracer tracer = Tracing.OFF;

    static final AttributeKey<String> METHOD = AttributeKey.stringKey("http.request.method");
    static final AttributeKey<String> HOST = AttributeKey.stringKey("server.address");
    static final AttributeKey<String> OUTCOME = AttributeKey.stringKey("nexaflow.http.outcome");

    @Inject
    public BusinessApi(Vertx vertx, NexaflowConfig config, MeterRegistry meters, Tracing tracing) {
        this(vertx, AddressPolicy.from(config.http()), AddressResolver.system(vertx), config.http().circuit().requests(),
                config.http().circuit().failureRatio(), config.http().circuit().delay(), meters, null);
        this.tracer = tracing.tracer();
    }

    /**
     * @param circuitRequests how many recent requests to a host the failure ratio is taken over
     * @param failureRatio    the failed share of those that opens the host's circuit
     * @param circuitDelay    how long an open circuit stays open before a trial request
     */
    public BusinessApi(Vertx vertx, AddressPolicy policy, AddressResolver resolver, int circuitRequests,
                       double failureRatio, Duration circuitDelay, MeterRegistry meters) {
        this(vertx, policy, resolver, circuitRequests, failureRatio, circuitDelay, meters, null);
    }

    /** As above, trusting {@code trust} instead of the JVM's certificate authorities (tests: a private CA). */
    BusinessApi(Vertx vertx, AddressPolicy policy, AddressResolver resolver, int circuitRequests,
                double failureRatio, Duration circuitDelay, MeterRegistry meters, io.vertx.core.net.TrustOptions trust) {
        this.vertx = vertx;
        this.policy = policy;
        this.resolver = resolver;
        this.circuits = new HostCircuits(new HostCircuits.Settings(circuitRequests, failureRatio, circuitDelay));
        this.meters = meters;
        // Server certificates and host names are verified; SNI is sent even though the connection names an IP.
        // Up to 64 connections per host and address (Vert.x's default of 5 would queue a busy IVR's lookups).
        // Vert.x's own client span is left out: it records the whole URL, and a flow's URL may hold a number or
        // digits; send() makes a span of its own instead.
        HttpClientOptions options = new HttpClientOptions().setVerifyHost(true).setForceSni(true)
                .setKeepAlive(true).setMaxRedirects(0).setTracingPolicy(TracingPolicy.IGNORE);
        if (trust != null) {
            options.setTrustOptions(trust);
        }
        this.client = vertx.createHttpClient(options, new PoolOptions().setHttp1MaxSize(64));
    }

    @PreDestroy
    void close() {
        client.close();
    }

    /** Sends the request; the stage always completes normally, with an {@link Answered} or a {@link Failed}. */
    public CompletionStage<RequestOutcome> send(OutboundRequest request) {
        Span span = tracer.spanBuilder("business-api request").setSpanKind(SpanKind.CLIENT).startSpan();
        if (!span.isRecording()) {
            return exchange(request);
        }
        span.setAttribute(METHOD, request.method().name());
        span.setAttribute(HOST, request.url().getHost() == null ? "" : request.url().getHost());
        return exchange(request).whenComplete((outcome, error) -> {
            span.setAttribute(OUTCOME, outcome.tag());
            span.end();
        });
    }

    private CompletionStage<RequestOutcome> exchange(OutboundRequest request) {
        long start = System.nanoTime();
        CompletionStage<RequestOutcome> outcome;
        try {
            Optional<Refusal> refused = policy.checkUrl(request.url());
            if (refused.isPresent()) {
                outcome = CompletableFuture.completedFuture(failed(refused.get().reason(), refused.get().message(), start));
            } else {
                HostPort target = HostPort.of(request.url());
                outcome = circuits.call(target.toString(), () -> resolveAndSend(request, target, start),
                        message -> failed(Reason.CIRCUIT_OPEN, message, start));
            }
        } catch (RuntimeException e) {
            outcome = CompletableFuture.failedFuture(e);
        }
        return outcome.exceptionally(error -> {
            Throwable cause = error instanceof CompletionException && error.getCause() != null ? error.getCause() : error;
            // The class only: a message may quote the URL, and with it a secret or a caller's digits.
            LOG.warnf("Request to %s failed unexpectedly: %s", request.url().getHost(), cause.getClass().getName());
            return failed(Reason.CONNECT_FAILED, "the request could not be sent", start);
        }).whenComplete((result, error) -> record(request, result));
    }

    private void record(OutboundRequest request, RequestOutcome outcome) {
        Timer.builder("nexaflow.http.requests").description("Requests to businesses' APIs from flows, by outcome")
                .tag("outcome", outcome.tag())
                .tag("host", request.url().getHost() == null ? "" : request.url().getHost())
                .register(meters).record(outcome.latency());
    }

    private CompletionStage<RequestOutcome> resolveAndSend(OutboundRequest request, HostPort target, long start) {
        CompletableFuture<RequestOutcome> result = new CompletableFuture<>();
        long timeoutMs = Math.max(1, request.timeout().toMillis());
        long timer = vertx.setTimer(timeoutMs, id -> result.complete(
                failed(Reason.TIMEOUT, "no complete answer from " + target + " within " + timeoutMs + " ms", start)));
        result.whenComplete((outcome, error) -> vertx.cancelTimer(timer));
        String host = target.host();
        resolver.resolve(host).whenComplete((addresses, error) -> {
            if (result.isDone()) {
                return;
            }
            if (error != null || addresses == null || addresses.isEmpty()) {
                result.complete(failed(Reason.CONNECT_FAILED, "could not resolve " + host, start));
                return;
            }
            for (InetAddress address : addresses) {
                Optional<Refusal> refused = policy.checkAddress(request.url(), address);
                if (refused.isPresent()) {
                    result.complete(failed(refused.get().reason(), refused.get().message(), start));
                    return;
                }
            }
            try {
                connect(request, target, addresses.get(0), timeoutMs, result, start);
            } catch (RuntimeException e) {
                result.completeExceptionally(e);
            }
        });
        return result;
    }

    private void connect(OutboundRequest request, HostPort target, InetAddress address, long timeoutMs,
                         CompletableFuture<RequestOutcome> result, long start) {
        URI url = request.url();
        String path = (url.getRawPath() == null || url.getRawPath().isEmpty() ? "/" : url.getRawPath())
                + (url.getRawQuery() == null ? "" : "?" + url.getRawQuery());
        RequestOptions options = new RequestOptions()
                .setMethod(HttpMethod.valueOf(request.method().name()))
                .setSsl("https".equalsIgnoreCase(url.getScheme()))
                .setHost(url.getHost().startsWith("[") ? target.host() : url.getHost())
                .setPort(target.port())
                .setServer(SocketAddress.inetSocketAddress(target.port(), address.getHostAddress()))
                .setURI(path)
                .setFollowRedirects(false)
                .setConnectTimeout(timeoutMs);
        MultiMap headers = MultiMap.caseInsensitiveMultiMap().addAll(request.headers());
        if (!headers.contains("Accept")) {
            headers.add("Accept", "application/json");
        }
        byte[] body = request.body();
        if (body != null && !headers.contains("Content-Type")) {
            headers.add("Content-Type", "application/json");
        }
        options.setHeaders(headers);
        String where = target + " (" + address.getHostAddress() + ")";
        client.request(options).onComplete(opened -> {
            if (opened.failed()) {
                result.complete(connectFailure(opened.cause(), where, start));
                return;
            }
            HttpClientRequest sent = opened.result();
            result.whenComplete((outcome, error) -> {
                if (outcome instanceof Failed failure
                        && (failure.reason() == Reason.TIMEOUT || failure.reason() == Reason.TOO_LARGE)) {
                    sent.reset(); // a timeout or a cut answer: stop reading, drop the connection
                }
            });
            sent.exceptionHandler(e -> result.complete(connectFailure(e, where, start)));
            sent.response().onComplete(answered -> {
                if (answered.failed()) {
                    result.complete(connectFailure(answered.cause(), where, start));
                } else {
                    read(answered.result(), where, result, start);
                }
            });
            if (body == null) {
                sent.end();
            } else {
                sent.end(Buffer.buffer(body));
            }
        });
    }

    private void read(HttpClientResponse response, String where, CompletableFuture<RequestOutcome> result, long start) {
        String length = response.getHeader("Content-Length");
        if (length != null && length.matches("\\d{1,18}") && Long.parseLong(length) > MAX_ANSWER_BYTES) {
            result.complete(tooLarge(where, start));
            return;
        }
        Buffer received = Buffer.buffer();
        response.handler(chunk -> {
            if (result.isDone()) {
                return;
            }
            if (received.length() + chunk.length() > MAX_ANSWER_BYTES) {
                result.complete(tooLarge(where, start));
            } else {
                received.appendBuffer(chunk);
            }
        });
        response.exceptionHandler(e -> result.complete(connectFailure(e, where, start)));
        response.endHandler(end -> result.complete(answer(response.statusCode(), received, where, start)));
    }

    private static RequestOutcome answer(int status, Buffer body, String where, long start) {
        JsonNode json = null;
        if (body.length() > 0) {
            try {
                json = JSON.readTree(body.getBytes());
            } catch (IOException e) {
                json = null;
            }
        }
        boolean successful = status >= 200 && status < 300;
        if (successful && body.length() > 0 && json == null) {
            return failed(Reason.NOT_JSON, where + " answered " + status + " with a body that is not JSON", start);
        }
        return new Answered(status, json, since(start));
    }

    private static RequestOutcome tooLarge(String where, long start) {
        return failed(Reason.TOO_LARGE, "the answer of " + where + " is longer than " + MAX_ANSWER_BYTES + " bytes",
                start);
    }

    private static RequestOutcome connectFailure(Throwable error, String where, long start) {
        if (error instanceof ConnectTimeoutException) {
            return failed(Reason.TIMEOUT, "could not connect to " + where + " in time", start);
        }
        // The exception's message is not used: it may quote the URL.
        return failed(Reason.CONNECT_FAILED, "connection to " + where + " failed (" + error.getClass().getSimpleName()
                + ")", start);
    }

    private static Failed failed(Reason reason, String message, long start) {
        return new Failed(reason, message, since(start));
    }

    private static Duration since(long start) {
        return Duration.ofNanos(System.nanoTime() - start);
    }
}
