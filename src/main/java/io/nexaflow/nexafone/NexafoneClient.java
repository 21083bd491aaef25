package io.nexaflow.nexafone;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.quarkus.rest.client.reactive.QuarkusRestClientBuilder;
import io.nexaflow.telemetry.Tracing;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.context.Scope;
import jakarta.inject.Inject;
import jakarta.inject.Singleton;
import jakarta.ws.rs.core.Response;
import org.jboss.logging.Logger;

import java.net.ConnectException;
import java.net.URI;
import java.net.UnknownHostException;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Talks to the Nexafone platform: access tokens (cached, see {@link CachedAccessToken}) and originate requests with
 * the failure policy in docs/architecture.md, "Originating calls". What was certainly not accepted is retried with backoff; what may have
 * been accepted (no answer in time) is never retried: a retry could ring someone twice.
 */
@Singleton
public class NexafoneClient {

    private static final Logger LOG = Logger.getLogger(NexafoneClient.class);

    /** One HTTP exchange with the Voice API, for the audit trail. */
    public record Attempt(int number, Integer status, JsonNode body, String error, long millis) {
    }

    /** How an originate ended. */
    public sealed interface Result {
        List<Attempt> attempts();
    }

    /** The platform accepted the call; callId may be null if it named none. */
    public record Accepted(String callId, List<Attempt> attempts) implements Result {
    }

    /** The platform refused the request (4xx other than a stale token). */
    public record Refused(int status, String message, List<Attempt> attempts) implements Result {
    }

    /** Certainly not placed: refused connections or 5xx on every attempt, or auth could not be had. */
    public record Unavailable(String message, List<Attempt> attempts) implements Result {
    }

    /** No answer in time: the call may or may not have been placed. */
    public record Unknown(String message, List<Attempt> attempts) implements Result {
    }

    private final NexafoneConfig config;
    private final ObjectMapper json;
    private final MeterRegistry meters;
    private final NexafoneApi.Auth auth;
    private final NexafoneApi.Voice voice;
    private final CachedAccessToken tokens;

    private final Tracer tracer;

    @Inject
    public NexafoneClient(NexafoneConfig config, ObjectMapper json, MeterRegistry meters, Tracing tracing) {
        this(config, json, meters, null, tracing.tracer());
    }

    /** With the tokens given, or (null) fetched from the platform; not traced. */
    NexafoneClient(NexafoneConfig config, ObjectMapper json, MeterRegistry meters, CachedAccessToken tokens) {
        this(config, json, meters, tokens, Tracing.OFF);
    }

    private NexafoneClient(NexafoneConfig config, ObjectMapper json, MeterRegistry meters, CachedAccessToken tokens,
                           Tracer tracer) {
        this.tracer = tracer;
        this.config = config;
        this.json = json;
        this.meters = meters;
        this.auth = build(URI.create(trimSlash(config.apiUrl())), NexafoneApi.Auth.class);
        this.voice = build(URI.create(trimSlash(config.apiUrl()) + config.originatePath()), NexafoneApi.Voice.class);
        this.tokens = tokens != null ? tokens : new CachedAccessToken(this::fetchToken, config.tokenTtl(),
                config.tokenRefreshMargin(), Clock.systemUTC());
    }

    /** The account calls are placed for; fails with NOT_CONFIGURED when credentials are missing. */
    public String accountId() {
        if (config.accountId().isEmpty() || config.apiKey().isEmpty() || config.apiSecret().isEmpty()) {
            throw new NexafoneException(NexafoneException.Kind.NOT_CONFIGURED,
                    "Nexafone credentials are not configured: set NEXAFONE_ACCOUNT_ID, NEXAFONE_API_KEY and "
                            + "NEXAFONE_API_SECRET");
        }
        return config.accountId().get();
    }

    public Result originate(JsonNode payload) {
        List<Attempt> attempts = new ArrayList<>();
        boolean retriedStaleToken = false;
        long backoff = config.retryBackoff().toMillis();
        for (int number = 1; ; number++) {
            String token;
            // The access token: from the cache, or fetched (the REST client's span of the fetch is its child).
            Span tokenSpan = tracer.spanBuilder("nexafone.token").startSpan();
            try (Scope current = tokenSpan.makeCurrent()) {
                token = tokens.get();
            } catch (NexafoneException e) {
                if (e.kind() == NexafoneException.Kind.AUTH_UNAVAILABLE && number < config.originateAttempts()) {
                    attempts.add(new Attempt(number, null, null, e.getMessage(), 0));
                    sleep(backoff);
                    backoff *= 2;
                    continue;
                }
                throw e;
            } finally {
                tokenSpan.end();
            }
            long started = System.nanoTime();
            try (Response response = voice.originate("Bearer " + token, payload)) {
                long millis = elapsed(started);
                int status = response.getStatus();
                JsonNode body = body(response);
                attempts.add(new Attempt(number, status, body, null, millis));
                record("originate", String.valueOf(status / 100) + "xx", started);
                if (status >= 200 && status < 300) {
                    return new Accepted(callId(body), attempts);
                }
                if (status == 401 && !retriedStaleToken) {
                    // The platform no longer takes our token: drop it and try once more with a fresh one.
                    tokens.invalidate(token);
                    retriedStaleToken = true;
                    number--;
                    continue;
                }
                if ((status >= 500 || status == 429) && number < config.originateAttempts()) {
                    sleep(backoff);
                    backoff *= 2;
                    continue;
                }
                if (status >= 500 || status == 429) {
                    return new Unavailable("Nexafone answered " + status + " " + message(body) + " on all "
                            + number + " attempts", attempts);
                }
                return new Refused(status, message(body), attempts);
            } catch (RuntimeException e) {
                long millis = elapsed(started);
                if (notSent(e)) {
                    attempts.add(new Attempt(number, null, null, "not connected: " + rootMessage(e), millis));
                    record("originate", "refused", started);
                    if (number < config.originateAttempts()) {
                        sleep(backoff);
                        backoff *= 2;
                        continue;
                    }
                    return new Unavailable("Nexafone could not be reached on all " + number + " attempts: "
                            + rootMessage(e), attempts);
                }
                attempts.add(new Attempt(number, null, null, "no answer: " + rootMessage(e), millis));
                record("originate", "timeout", started);
                return new Unknown("No answer from Nexafone within " + config.readTimeout().toMillis()
                        + " ms; the call may or may not have been placed, so it is not retried", attempts);
            }
        }
    }

    /** Drops the cached token; the next request fetches a new one. */
    void forgetToken() {
        tokens.clear();
    }

    private CachedAccessToken.Issued fetchToken() {
        String account = accountId();
        long started = System.nanoTime();
        try (Response response = auth.accessToken(account,
                new NexafoneApi.Credentials(config.apiKey().get(), config.apiSecret().get()))) {
            int status = response.getStatus();
            JsonNode body = body(response);
            if (status == 401 || status == 403) {
                count("rejected");
                record("auth", "rejected", started);
                LOG.errorf("Nexafone rejected the API credentials of account %s (HTTP %d)", account, status);
                throw new NexafoneException(NexafoneException.Kind.CREDENTIALS_REJECTED,
                        "Nexafone rejected the API credentials");
            }
            if (status < 200 || status >= 300 || body == null || !body.hasNonNull("accessToken")) {
                count("failed");
                record("auth", "failed", started);
                throw new NexafoneException(NexafoneException.Kind.AUTH_UNAVAILABLE,
                        "Nexafone's auth endpoint answered " + status + " without an access token");
            }
            count("ok");
            record("auth", "ok", started);
            Duration expiresIn = body.hasNonNull("expiresIn") && body.get("expiresIn").canConvertToLong()
                    ? Duration.ofSeconds(body.get("expiresIn").asLong()) : null;
            LOG.infof("Nexafone access token refreshed for account %s (expires in %s)", account,
                    expiresIn == null ? "the default TTL" : expiresIn);
            return new CachedAccessToken.Issued(body.get("accessToken").asText(), expiresIn);
        } catch (NexafoneException e) {
            throw e;
        } catch (RuntimeException e) {
            count("unreachable");
            record("auth", "unreachable", started);
            throw new NexafoneException(NexafoneException.Kind.AUTH_UNAVAILABLE,
                    "Nexafone's auth endpoint could not be reached: " + rootMessage(e));
        }
    }

    private <T> T build(URI base, Class<T> api) {
        return QuarkusRestClientBuilder.newBuilder()
                .baseUri(base)
                .connectTimeout(config.connectTimeout().toMillis(), TimeUnit.MILLISECONDS)
                .readTimeout(config.readTimeout().toMillis(), TimeUnit.MILLISECONDS)
                // Statuses are decided here, not turned into exceptions.
                .property("microprofile.rest.client.disable.default.mapper", true)
                .build(api);
    }

    private JsonNode body(Response response) {
        try {
            if (!response.hasEntity()) {
                return null;
            }
            String text = response.readEntity(String.class);
            return text == null || text.isBlank() ? null : json.readTree(text);
        } catch (Exception e) {
            return null;
        }
    }

    private static String callId(JsonNode body) {
        if (body == null) {
            return null;
        }
        JsonNode id = body.hasNonNull("callId") ? body.get("callId") : body.get("id");
        return id == null || id.isNull() ? null : id.asText();
    }

    private static String message(JsonNode body) {
        if (body == null) {
            return "(no body)";
        }
        for (String field : new String[] {"message", "error", "detail", "title"}) {
            if (body.hasNonNull(field) && body.get(field).isTextual()) {
                return body.get(field).asText();
            }
        }
        return body.toString();
    }

    /** True when the request certainly never reached the platform. */
    private static boolean notSent(Throwable e) {
        for (Throwable cause = e; cause != null; cause = cause.getCause()) {
            if (cause instanceof ConnectException || cause instanceof UnknownHostException) {
                return true;
            }
        }
        return false;
    }

    private static String rootMessage(Throwable e) {
        Throwable root = e;
        while (root.getCause() != null) {
            root = root.getCause();
        }
        return root.getClass().getSimpleName() + (root.getMessage() == null ? "" : ": " + root.getMessage());
    }

    private void count(String outcome) {
        meters.counter("nexaflow.nexafone.token.refreshes", "outcome", outcome).increment();
    }

    private void record(String endpoint, String outcome, long started) {
        Timer.builder("nexaflow.nexafone.requests").description("Requests to the Nexafone platform")
                .tags("endpoint", endpoint, "outcome", outcome).register(meters)
                .record(System.nanoTime() - started, TimeUnit.NANOSECONDS);
    }

    private static long elapsed(long started) {
        return TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started);
    }

    private static String trimSlash(String url) {
        return url.endsWith("/") ? url.substring(0, url.length() - 1) : url;
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }
}
