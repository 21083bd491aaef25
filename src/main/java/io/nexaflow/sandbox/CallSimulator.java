package io.nexaflow.sandbox;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import io.nexaflow.api.Clock;
import io.nexaflow.config.NexaflowConfig;
import io.nexaflow.nexafone.PayloadValidator;
import io.nexaflow.number.PhoneNumbers;
import io.nexaflow.problem.Problem.FieldError;
import io.nexaflow.problem.ProblemException;
import io.nexaflow.sandbox.SandboxDtos.CallSummary;
import io.nexaflow.sandbox.SandboxDtos.SimulatedCallView;
import io.nexaflow.sandbox.SimulatedCall.Gather;
import io.nexaflow.sandbox.SimulatedCall.State;
import io.quarkus.runtime.StartupEvent;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import org.jboss.logging.Logger;

import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Plays the calls the sandbox accepts, as the platform would: the from leg rings and answers, then the to leg, then
 * the verbs run (play, gather → webhook → the verb it answers, dial, hangup). Every wait is simulated time, scaled by
 * the time factor; a call's state changes only under its own monitor.
 */
@ApplicationScoped
public class CallSimulator {

    private static final Logger LOG = Logger.getLogger(CallSimulator.class);
    /** Gather defaults where the verb leaves them out (the vendor page names none; ARCHITECTURE §2 uses these). */
    private static final long GATHER_TIMEOUT_MS = 10_000;
    private static final long DIGIT_TIMEOUT_MS = 5_000;
    private static final int MAX_DIGITS = 32;
    private static final int MAX_SHOWN_BODY = 4_096;

    /** The result of an originate request. */
    public sealed interface Originated {
        record Accepted(String callId) implements Originated {
        }

        record Rejected(List<FieldError> errors) implements Originated {
        }

        record Full(String message) implements Originated {
        }
    }

    private final NexaflowConfig.Sandbox config;
    private final Subscribers subscribers;
    private final ObjectMapper json;
    private final PayloadValidator validator;
    /** Insertion order is age, so eviction finds the oldest finished calls first. Guarded by itself. */
    private final Map<String, SimulatedCall> calls = new LinkedHashMap<>();
    private ScheduledExecutorService timers;
    private ExecutorService webhookThreads;
    private HttpClient http;

    public CallSimulator(NexaflowConfig config, Subscribers subscribers, ObjectMapper json) {
        this.config = config.sandbox();
        this.subscribers = subscribers;
        this.json = json;
        this.validator = new PayloadValidator(PayloadValidator.Options.strict(config.defaultRegion())
                .withPlaceholderNumbers(this.config.allowPlaceholderNumbers())
                .withLoopbackHttp(this.config.allowLoopbackHttp()));
    }

    /** Threads exist only while the sandbox is enabled; a bad outcome or script setting fails the start, by name. */
    void start(@Observes StartupEvent event) {
        if (!config.enabled()) {
            return;
        }
        subscribers.outcome(""); // builds Subscribers now, so a bad outcome or default script fails the start
        timers = Executors.newSingleThreadScheduledExecutor(threads("sandbox-timers"));
        webhookThreads = Executors.newFixedThreadPool(2, threads("sandbox-webhook"));
        http = HttpClient.newBuilder()
                .version(HttpClient.Version.HTTP_1_1)
                .followRedirects(HttpClient.Redirect.NEVER)
                .connectTimeout(config.webhookTimeout())
                .executor(webhookThreads)
                .build();
        LOG.infof("Nexafone sandbox enabled at /sandbox (account %s, time factor %s)", config.accountId(), config.timeFactor());
    }

    @PreDestroy
    void stop() {
        if (timers != null) {
            timers.shutdownNow();
            webhookThreads.shutdownNow();
        }
    }

    /** Validates the payload like the platform, then queues the call; it starts ringing right away. */
    public Originated originate(JsonNode payload, String tokenAccount) {
        List<FieldError> errors = new ArrayList<>(validator.validateOriginate(payload));
        JsonNode account = payload == null ? null : payload.get("accountId");
        if (account != null && account.isTextual() && !account.asText().isBlank() && !account.asText().equals(tokenAccount)) {
            errors.add(new FieldError("/accountId", "does not match the account of the access token"));
        }
        if (!errors.isEmpty()) {
            return new Originated.Rejected(errors);
        }
        var call = new SimulatedCall(UUID.randomUUID().toString(), tokenAccount, payload,
                subscribers.takeScript(payload.get("to").asText()));
        synchronized (calls) {
            evictFinished();
            if (calls.size() >= config.maxCalls()) {
                return new Originated.Full("The sandbox already runs " + calls.size() + " calls; try again when some end");
            }
            calls.put(call.id, call);
        }
        synchronized (call) {
            call.step(TranscriptStep.kind("queued").message(call.recording ? "originate accepted; recording" : "originate accepted"));
            after(call, 0, () -> ring(call, "from", call.from));
        }
        LOG.infof("Sandbox call %s queued: %s → %s", call.id, PhoneNumbers.mask(call.from), PhoneNumbers.mask(call.to));
        return new Originated.Accepted(call.id);
    }

    public Optional<SimulatedCallView> view(String callId) {
        return find(callId).map(call -> {
            synchronized (call) {
                return call.view();
            }
        });
    }

    /** Newest first, optionally only calls to one number. */
    public List<CallSummary> recent(String to, int limit) {
        String wanted = to == null || to.isBlank() ? null : subscribers.normalise(to);
        List<SimulatedCall> all;
        synchronized (calls) {
            all = new ArrayList<>(calls.values());
        }
        List<CallSummary> out = new ArrayList<>();
        for (int i = all.size() - 1; i >= 0 && out.size() < limit; i--) {
            SimulatedCall call = all.get(i);
            if (wanted == null || subscribers.normalise(call.to).equals(wanted)) {
                synchronized (call) {
                    out.add(call.summary());
                }
            }
        }
        return out;
    }

    /** Keys pressed through the API at the gather the call waits at. */
    public SimulatedCallView press(String callId, String digits) {
        SimulatedCall call = require(callId);
        synchronized (call) {
            if (call.gather == null) {
                throw ProblemException.conflict("not-gathering", "Call " + callId + " is not waiting at a gather; it is "
                        + call.state.id());
            }
            press(call, digits, "api");
            return call.view();
        }
    }

    /** Replaces what the call will press at its coming gathers; the gather it waits at now counts when nothing was pressed there. */
    public SimulatedCallView script(String callId, List<String> digits) {
        SimulatedCall call = require(callId);
        synchronized (call) {
            if (call.ended()) {
                throw ProblemException.conflict("call-ended", "Call " + callId + " has ended (" + call.reason + ")");
            }
            call.script.clear();
            call.script.addAll(digits);
            if (call.gather != null && call.gather.digits.length() == 0) {
                pressScripted(call);
            }
            return call.view();
        }
    }

    private Optional<SimulatedCall> find(String callId) {
        synchronized (calls) {
            return Optional.ofNullable(calls.get(callId));
        }
    }

    private SimulatedCall require(String callId) {
        return find(callId).orElseThrow(() -> ProblemException.notFound("No sandbox call " + callId));
    }

    private void evictFinished() {
        for (Iterator<SimulatedCall> oldest = calls.values().iterator(); oldest.hasNext() && calls.size() >= config.maxCalls(); ) {
            if (oldest.next().ended()) {
                oldest.remove();
            }
        }
    }

    // --- the call, step by step; every method below runs under the call's monitor --------------------------------

    private void ring(SimulatedCall call, String leg, String number) {
        call.state = State.RINGING;
        call.step(TranscriptStep.kind("leg").leg(leg, "ringing").number(number));
        switch (subscribers.outcome(number)) {
            case ANSWER -> after(call, config.ringTime().toMillis(), () -> {
                call.step(TranscriptStep.kind("leg").leg(leg, "answered").number(number)
                        .channelId(leg.equals("from") ? call.fromChannel : call.toChannel));
                if (leg.equals("from")) {
                    ring(call, "to", call.to);
                } else {
                    run(call, call.request.get("action"), "/action");
                }
            });
            case BUSY -> after(call, config.ringTime().toMillis(), () -> {
                call.step(TranscriptStep.kind("leg").leg(leg, "busy").number(number));
                end(call, leg + "-busy", null, null);
            });
            case NO_ANSWER -> after(call, legTimeoutMs(call.request.get("timeout")), () -> {
                call.step(TranscriptStep.kind("leg").leg(leg, "no-answer").number(number));
                end(call, leg + "-no-answer", null, null);
            });
        }
    }

    private void run(SimulatedCall call, JsonNode verb, String pointer) {
        if (verb == null) {
            end(call, "completed", null, null);
            return;
        }
        if (call.steps.size() >= config.maxSteps()) {
            end(call, "step-limit", "The call reached " + config.maxSteps() + " steps (nexaflow.sandbox.max-steps); "
                    + "does a webhook answer in a loop?", null);
            return;
        }
        JsonNode data = verb.get("data");
        switch (verb.get("type").asText()) {
            case "play" -> {
                call.state = State.PLAYING;
                long playMs = config.playTime().toMillis();
                call.step(TranscriptStep.kind("play").verb(pointer, verb).audioUrl(data.get("audioUrl").asText()).durationMs(playMs));
                after(call, playMs, () -> run(call, data.get("action"), pointer + "/data/action"));
            }
            case "gather" -> gather(call, verb, pointer);
            case "dial" -> dial(call, verb, pointer);
            case "hangup" -> {
                call.step(TranscriptStep.kind("hangup").verb(pointer, verb));
                end(call, "hangup", null, null);
            }
            default -> throw new IllegalStateException("a validated verb has a known type: " + verb.get("type"));
        }
    }

    private void gather(SimulatedCall call, JsonNode verb, String pointer) {
        JsonNode data = verb.get("data");
        String channelId = text(data, "channelId");
        call.step(TranscriptStep.kind("gather").verb(pointer, verb).audioUrl(text(data, "audioUrl")).channelId(channelId));
        if (channelId != null && !channelId.equals(call.fromChannel) && !channelId.equals(call.toChannel)) {
            end(call, "invalid-verb", "The gather names channelId '" + channelId + "', which is not a channel of this call",
                    List.of(new FieldError(pointer + "/data/channelId", "is not a channel of this call")));
            return;
        }
        Gather gather = new Gather(++call.gathers,
                data.has("maxDigits") ? data.get("maxDigits").asInt() : MAX_DIGITS,
                data.has("timeout") ? data.get("timeout").asLong() : GATHER_TIMEOUT_MS,
                data.has("digitTimeout") ? data.get("digitTimeout").asLong() : DIGIT_TIMEOUT_MS,
                text(data, "terminator"), data.get("action").asText(),
                channelId != null ? channelId : call.toChannel);
        call.gather = gather;
        call.state = State.GATHERING;
        after(call, gather.timeoutMs, () -> finishGather(call, gather, "timeout"));
        pressScripted(call);
    }

    /** The next script entry belongs to the gather the call waits at; "" means press nothing and let it time out. */
    private void pressScripted(SimulatedCall call) {
        String entry = call.script.poll();
        if (entry != null && !entry.isEmpty()) {
            press(call, entry, "script");
        }
    }

    private void press(SimulatedCall call, String keys, String source) {
        Gather gather = call.gather;
        String reason = null;
        int used = 0;
        while (used < keys.length() && reason == null) {
            String key = keys.substring(used, ++used);
            if (key.equals(gather.terminator)) {
                reason = "terminator";
                if (config.includeTerminator()) {
                    gather.digits.append(key);
                }
            } else {
                gather.digits.append(key);
                reason = gather.digits.length() >= gather.maxDigits ? "max-digits" : null;
            }
        }
        String ignored = keys.substring(used);
        call.step(TranscriptStep.kind("dtmf").digits(keys, source)
                .message(ignored.isEmpty() ? null : "'" + ignored + "' came after the gather completed and was ignored"));
        if (reason != null) {
            finishGather(call, gather, reason);
        } else {
            after(call, gather.digitTimeoutMs, () -> finishGather(call, gather, "digit-timeout"));
        }
    }

    private void finishGather(SimulatedCall call, Gather gather, String reason) {
        if (call.gather != gather) {
            return;
        }
        call.gather = null;
        cancelTimer(call);
        String dtmf = gather.digits.toString();
        call.step(TranscriptStep.kind("gathered").digits(dtmf, null).reason(reason));
        ObjectNode body = json.createObjectNode().put("callId", call.id).put("dtmf", dtmf);
        body.putObject("to").put("channelId", gather.channelId);
        callWebhook(call, gather.action, body);
    }

    private void callWebhook(SimulatedCall call, String url, ObjectNode body) {
        call.state = State.WEBHOOK;
        URI uri = URI.create(url);
        if (!PayloadValidator.isLoopbackHost(uri.getHost())) {
            String error = "The sandbox calls back loopback hosts only (127.0.0.1, localhost, [::1]), not " + uri.getHost();
            call.step(TranscriptStep.kind("webhook").webhook(new TranscriptStep.Webhook(url, body, null, null, error)));
            end(call, "webhook-failed", error, null);
            return;
        }
        HttpRequest request = HttpRequest.newBuilder(uri)
                .timeout(config.webhookTimeout())
                .header("Content-Type", "application/json")
                .header("User-Agent", "nexafone-sandbox")
                .POST(HttpRequest.BodyPublishers.ofString(body.toString()))
                .build();
        long started = System.nanoTime();
        http.sendAsync(request, HttpResponse.BodyHandlers.ofString())
                .whenCompleteAsync((response, failure) -> act(call, () -> webhookAnswered(call, url, body, response,
                        failure, TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started))), timers);
    }

    private void webhookAnswered(SimulatedCall call, String url, ObjectNode body, HttpResponse<String> response,
                                 Throwable failure, long tookMs) {
        if (failure != null) {
            String error = describe(failure);
            call.step(TranscriptStep.kind("webhook").webhook(new TranscriptStep.Webhook(url, body, null, null, error)).durationMs(tookMs));
            end(call, "webhook-failed", "The webhook failed: " + error, null);
            return;
        }
        JsonNode verb = parse(response.body());
        JsonNode shown = verb != null ? verb : TextNode.valueOf(truncate(response.body()));
        call.step(TranscriptStep.kind("webhook").webhook(new TranscriptStep.Webhook(url, body, response.statusCode(), shown, null))
                .durationMs(tookMs));
        if (response.statusCode() / 100 != 2) {
            end(call, "webhook-failed", "The webhook answered HTTP " + response.statusCode(), null);
        } else if (verb == null) {
            end(call, "invalid-verb", "The webhook's answer is not JSON", null);
        } else {
            List<FieldError> errors = validator.validateVerb(verb, "");
            if (errors.isEmpty()) {
                run(call, verb, "");
            } else {
                end(call, "invalid-verb", "The webhook answered a verb the platform rejects: " + errors.get(0).pointer()
                        + " " + errors.get(0).message() + (errors.size() > 1 ? " (and " + (errors.size() - 1) + " more)" : ""),
                        errors);
            }
        }
    }

    private void dial(SimulatedCall call, JsonNode verb, String pointer) {
        String number = verb.get("data").get("number").asText();
        call.state = State.DIALING;
        call.step(TranscriptStep.kind("dial").verb(pointer, verb).number(number));
        Answering outcome = subscribers.outcome(number);
        long ringMs = config.ringTime().toMillis();
        long tookMs = switch (outcome) {
            case ANSWER -> ringMs + config.talkTime().toMillis();
            case BUSY -> ringMs;
            case NO_ANSWER -> legTimeoutMs(verb.get("timeout"));
        };
        after(call, tookMs, () -> {
            call.step(TranscriptStep.kind("dialed").number(number).outcome(outcome == Answering.ANSWER ? "answered" : outcome.id())
                    .durationMs(tookMs));
            run(call, verb.get("data").get("action"), pointer + "/data/action");
        });
    }

    private void end(SimulatedCall call, String reason, String error, List<FieldError> errors) {
        cancelTimer(call);
        call.gather = null;
        call.reason = reason;
        call.error = error;
        call.endedAt = Clock.now();
        call.step(TranscriptStep.kind("ended").reason(reason).message(error).errors(errors));
        call.state = State.ENDED;
        if (error == null) {
            LOG.infof("Sandbox call %s ended: %s", call.id, reason);
        } else {
            LOG.warnf("Sandbox call %s ended: %s: %s", call.id, reason, error);
        }
    }

    // --- simulated time ------------------------------------------------------------------------------------------

    /** Runs {@code then} after {@code simulatedMs} of simulated time, unless the call has ended by then. */
    private void after(SimulatedCall call, long simulatedMs, Runnable then) {
        cancelTimer(call);
        call.timer = timers.schedule(() -> act(call, then), scaled(simulatedMs), TimeUnit.MICROSECONDS);
    }

    private void act(SimulatedCall call, Runnable then) {
        synchronized (call) {
            if (call.ended()) {
                return;
            }
            try {
                then.run();
            } catch (RuntimeException e) {
                LOG.errorf(e, "Sandbox call %s failed", call.id);
                end(call, "sandbox-error", "The sandbox failed: " + e, null);
            }
        }
    }

    /** Simulated milliseconds to real microseconds: times the factor, at most max-wait. */
    private long scaled(long simulatedMs) {
        double micros = simulatedMs * 1000.0 * config.timeFactor();
        return (long) Math.max(0, Math.min(micros, config.maxWait().toNanos() / 1000.0));
    }

    private long legTimeoutMs(JsonNode seconds) {
        return seconds != null ? Duration.ofSeconds(seconds.asLong()).toMillis() : config.legTimeout().toMillis();
    }

    private static void cancelTimer(SimulatedCall call) {
        if (call.timer != null) {
            call.timer.cancel(false);
            call.timer = null;
        }
    }

    // --- small readers -------------------------------------------------------------------------------------------

    private static String text(JsonNode data, String field) {
        JsonNode value = data.get(field);
        return value == null ? null : value.asText();
    }

    private JsonNode parse(String body) {
        try {
            JsonNode tree = json.readTree(body);
            return tree == null || tree.isMissingNode() ? null : tree;
        } catch (Exception e) {
            return null;
        }
    }

    private static String truncate(String body) {
        return body.length() <= MAX_SHOWN_BODY ? body : body.substring(0, MAX_SHOWN_BODY) + "…";
    }

    private String describe(Throwable failure) {
        Throwable cause = failure instanceof CompletionException && failure.getCause() != null ? failure.getCause() : failure;
        if (cause instanceof HttpTimeoutException) {
            return "no answer within " + config.webhookTimeout().toMillis() + " ms (nexaflow.sandbox.webhook-timeout)";
        }
        if (cause instanceof ConnectException) {
            return "connection refused";
        }
        return cause.getClass().getSimpleName() + (cause.getMessage() == null ? "" : ": " + cause.getMessage());
    }

    private static ThreadFactory threads(String name) {
        AtomicInteger count = new AtomicInteger();
        return runnable -> {
            Thread thread = new Thread(runnable, name + "-" + count.incrementAndGet());
            thread.setDaemon(true);
            return thread;
        };
    }
}
