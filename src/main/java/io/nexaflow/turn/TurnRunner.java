package io.nexaflow.turn;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.nexaflow.config.NexaflowConfig;
import io.nexaflow.engine.DataTurn;
import io.nexaflow.engine.FlowProgram;
import io.nexaflow.expr.Scope;
import io.nexaflow.request.BusinessApi;
import io.nexaflow.request.OutboundRequest;
import io.nexaflow.request.RequestOutcome;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.context.Context;
import jakarta.enterprise.context.ApplicationScoped;
import org.eclipse.microprofile.config.ConfigProvider;

import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * Runs a data-driven turn for a live call ({@link DataTurn}): makes each request its http nodes ask for through
 * {@link BusinessApi}, within the turn's HTTP budget ({@code nexaflow.http.turn-budget}, 4 s), and resumes the
 * turn with the answer until it is finished. Never completes exceptionally.
 */
@ApplicationScoped
public class TurnRunner {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String SECRET_PREFIX = "NEXAFLOW_SECRET_";

    private final BusinessApi api;
    private final Duration budget;

    public TurnRunner(BusinessApi api, NexaflowConfig config) {
        this.api = api;
        this.budget = config.http().turnBudget();
    }

    /** {@code {{secret.NAME}}}: NEXAFLOW_SECRET_NAME from the environment (or any config source), never stored. */
    public static Optional<String> secret(String name) {
        return ConfigProvider.getConfig().getOptionalValue(SECRET_PREFIX + name, String.class);
    }

    /** What a call's templates and conditions see. */
    public static Scope scope(UUID call, String from, String to, Map<String, Object> vars) {
        return new Scope(new Scope.Call(from, to, call.toString()), vars, TurnRunner::secret);
    }

    /** The header a request carries so the business's API can tell a repeat from a new request. */
    public static final String IDEMPOTENCY_KEY = "Idempotency-Key";

    /**
     * Drives {@code progress} to its end; the requests run off the event loop, on the HTTP client's threads.
     * {@code turnKey} names the turn for good (the call and the callback it answers: the same on a redelivery), and
     * each request carries {@value #IDEMPOTENCY_KEY}: {@code turnKey:httpNode:n} (the n-th request of the turn)
     * unless the flow sets that header itself, so a callback the platform delivers twice (its answer was lost)
     * repeats its requests under the same keys and a POST is not applied twice by an API that honours them.
     */
    public CompletionStage<DataTurn.Progress.Finished> finish(DataTurn.Progress progress, String turnKey) {
        return drive(progress, System.nanoTime() + budget.toNanos(), turnKey, 1, Context.current());
    }

    /** The key of a callback's turn: the call, the gather answered and its attempt. */
    public static String turnKey(UUID call, String gather, int attempt) {
        return call + ":" + gather + ":" + attempt;
    }

    /** The key of the turn that runs when a call is originated. */
    public static String firstTurnKey(UUID call) {
        return call + ":start";
    }

    /**
     * {@code traced} is the context the turn began in (the callback's span): each request's span is its child,
     * the second and later ones too, though they are sent from the HTTP client's threads.
     */
    private CompletionStage<DataTurn.Progress.Finished> drive(DataTurn.Progress progress, long deadline,
                                                                String turnKey, int n, Context traced) {
        if (progress instanceof DataTurn.Progress.Finished finished) {
            return CompletableFuture.completedFuture(finished);
        }
        DataTurn.Progress.Awaiting awaiting = (DataTurn.Progress.Awaiting) progress;
        DataTurn.Request request = awaiting.request();
        long left = deadline - System.nanoTime();
        if (left <= 0) {
            return drive(awaiting.turn().resume(DataTurn.Answer.failed("the turn's HTTP budget of "
                    + budget.toMillis() + " ms is spent")), deadline, turnKey, n, traced);
        }
        OutboundRequest outbound;
        try {
            Duration timeout = Duration.ofNanos(Math.min(Duration.ofMillis(request.timeoutMs()).toNanos(), left));
            outbound = new OutboundRequest(OutboundRequest.Method.valueOf(request.method()), URI.create(request.url()),
                    keyed(request, turnKey + ":" + request.node() + ":" + n), body(request.body()), timeout);
        } catch (RuntimeException e) {
            return drive(awaiting.turn().resume(DataTurn.Answer.failed("the request URL is not valid")), deadline,
                    turnKey, n + 1, traced);
        }
        CompletionStage<RequestOutcome> sent;
        try (io.opentelemetry.context.Scope current = Span.fromContext(traced).isRecording() ? traced.makeCurrent()
                : io.opentelemetry.context.Scope.noop()) {
            sent = api.send(outbound);
        }
        return sent
                .thenCompose(outcome -> drive(awaiting.turn().resume(answer(outcome)), deadline, turnKey, n + 1,
                        traced))
                .exceptionallyCompose(e -> drive(awaiting.turn().resume(DataTurn.Answer.failed("request failed")),
                        deadline, turnKey, n + 1, traced));
    }

    private static Map<String, String> keyed(DataTurn.Request request, String key) {
        for (String name : request.headers().keySet()) {
            if (name.equalsIgnoreCase(IDEMPOTENCY_KEY)) {
                return request.headers();
            }
        }
        Map<String, String> headers = new java.util.LinkedHashMap<>(request.headers());
        headers.put(IDEMPOTENCY_KEY, key);
        return headers;
    }

    private static byte[] body(JsonNode body) {
        try {
            return body == null ? null : JSON.writeValueAsBytes(body);
        } catch (java.io.IOException e) {
            throw new IllegalArgumentException(e);
        }
    }

    static DataTurn.Answer answer(RequestOutcome outcome) {
        long ms = outcome.latency().toMillis();
        if (outcome instanceof RequestOutcome.Answered answered) {
            return new DataTurn.Answer(answered.status(), answered.json(), null, ms);
        }
        RequestOutcome.Failed failed = (RequestOutcome.Failed) outcome;
        return new DataTurn.Answer(0, null, failed.tag() + ": " + failed.message(), ms);
    }

    /** One HTTP_REQUEST event: the http node and its payload. */
    public record Audit(String node, String payload) {
    }

    /**
     * The audit payload of each request a turn made: method, URL and headers with secrets and sensitive values
     * masked, status or error, latency. Never a body, a secret or a sensitive value.
     */
    public static List<Audit> auditPayloads(DataTurn.Progress.Finished finished, FlowProgram program) {
        List<Audit> payloads = new ArrayList<>(finished.requests().size());
        List<String> hidden = program.sensitiveValues(finished.scope().vars());
        for (DataTurn.Exchange exchange : finished.requests()) {
            DataTurn.Request request = exchange.request();
            List<String> masked = new ArrayList<>(hidden);
            masked.addAll(request.masked());
            ObjectNode payload = JsonNodeFactory.instance.objectNode();
            payload.put("node", request.node());
            payload.put("method", request.method());
            try {
                OutboundRequest.Masked shown = new OutboundRequest(OutboundRequest.Method.valueOf(request.method()),
                        URI.create(request.url()), request.headers(), null, Duration.ofMillis(request.timeoutMs()))
                        .masked(masked);
                payload.put("url", shown.url());
                payload.set("headers", JSON.valueToTree(shown.headers()));
            } catch (RuntimeException e) {
                payload.put("url", "(not a valid URL)");
            }
            if (exchange.answer().error() == null) {
                payload.put("status", exchange.answer().status());
            } else {
                payload.put("error", exchange.answer().error());
            }
            payload.put("latencyMs", exchange.answer().latencyMs());
            payload.put("ok", exchange.ok());
            payloads.add(new Audit(request.node(), payload.toString()));
        }
        return payloads;
    }
}
