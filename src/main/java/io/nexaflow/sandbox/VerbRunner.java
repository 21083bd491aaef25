package io.nexaflow.sandbox;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import io.nexaflow.config.NexaflowConfig;
import io.nexaflow.nexafone.PayloadValidator;
import io.nexaflow.problem.Problem.FieldError;
import io.nexaflow.sandbox.SimulatedCall.Gather;
import io.nexaflow.sandbox.SimulatedCall.State;
import io.nexaflow.verb.VerbType;
import jakarta.enterprise.context.ApplicationScoped;

import java.net.URI;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Plays a call as the platform would: the from leg rings and answers, then the to leg, then the verbs run (play,
 * gather → webhook → the verb it answers, dial, hangup), following the vendor's verbs as {@link VerbType} declares
 * them. Every method runs under the call's monitor; every wait is {@link SimulatedTime}.
 */
@ApplicationScoped
public class VerbRunner {

    /** Gather defaults where the verb leaves them out (the vendor page names none; the flow defaults use these). */
    private static final long GATHER_TIMEOUT_MS = 10_000;
    private static final long DIGIT_TIMEOUT_MS = 5_000;
    private static final int MAX_DIGITS = VerbType.GATHER.dataField("maxDigits").orElseThrow().max();
    private static final int MAX_SHOWN_BODY = 4_096;

    private final NexaflowConfig.Sandbox config;
    private final Subscribers subscribers;
    private final SimulatedTime time;
    private final WebhookClient webhooks;
    private final ObjectMapper json;
    private final PayloadValidator validator;

    public VerbRunner(NexaflowConfig config, Subscribers subscribers, SimulatedTime time, WebhookClient webhooks,
                      ObjectMapper json) {
        this.config = config.sandbox();
        this.subscribers = subscribers;
        this.time = time;
        this.webhooks = webhooks;
        this.json = json;
        this.validator = validator(config);
    }

    /** What the real platform accepts, with the sandbox's allowances for placeholder numbers and loopback webhooks. */
    static PayloadValidator validator(NexaflowConfig config) {
        return new PayloadValidator(PayloadValidator.Options.strict(config.defaultRegion())
                .withPlaceholderNumbers(config.sandbox().allowPlaceholderNumbers())
                .withLoopbackHttp(config.sandbox().allowLoopbackHttp()));
    }

    /** A queued call starts ringing its from leg. */
    void start(SimulatedCall call) {
        time.after(call, 0, () -> ring(call, "from", call.from));
    }

    private void ring(SimulatedCall call, String leg, String number) {
        call.state = State.RINGING;
        call.step(TranscriptStep.kind("leg").leg(leg, "ringing").number(number));
        switch (subscribers.outcome(number)) {
            case ANSWER -> time.after(call, config.ringTime().toMillis(), () -> {
                call.step(TranscriptStep.kind("leg").leg(leg, "answered").number(number)
                        .channelId(leg.equals("from") ? call.fromChannel : call.toChannel));
                if (leg.equals("from")) {
                    ring(call, "to", call.to);
                } else {
                    run(call, call.request.get("action"), "/action");
                }
            });
            case BUSY -> time.after(call, config.ringTime().toMillis(), () -> {
                call.step(TranscriptStep.kind("leg").leg(leg, "busy").number(number));
                call.end(leg + "-busy", null, null);
            });
            case NO_ANSWER -> time.after(call, legTimeoutMs(call.request.get("timeout")), () -> {
                call.step(TranscriptStep.kind("leg").leg(leg, "no-answer").number(number));
                call.end(leg + "-no-answer", null, null);
            });
            // The originate was refused for such numbers; this one was set to fail after its call was accepted.
            case FAIL -> {
                call.step(TranscriptStep.kind("leg").leg(leg, Answering.FAIL.heard()).number(number));
                call.end(leg + "-failed", null, null);
            }
        }
    }

    private void run(SimulatedCall call, JsonNode verb, String pointer) {
        if (verb == null) {
            call.end("completed", null, null);
            return;
        }
        if (call.steps.size() >= config.maxSteps()) {
            call.end("step-limit", "The call reached " + config.maxSteps() + " steps (nexaflow.sandbox.max-steps); "
                    + "does a webhook answer in a loop?", null);
            return;
        }
        VerbType type = VerbType.of(verb.get("type").asText())
                .orElseThrow(() -> new IllegalStateException("a validated verb has a known type: " + verb.get("type")));
        switch (type) {
            case PLAY -> {
                call.state = State.PLAYING;
                long playMs = config.playTime().toMillis();
                call.step(TranscriptStep.kind("play").verb(pointer, verb).audioUrl(verb.get("data").get("audioUrl").asText())
                        .durationMs(playMs));
                time.after(call, playMs, () -> runNext(call, type, verb, pointer));
            }
            case GATHER -> gather(call, verb, pointer);
            case DIAL -> dial(call, type, verb, pointer);
            case HANGUP -> {
                call.step(TranscriptStep.kind("hangup").verb(pointer, verb));
                call.end("hangup", null, null);
            }
        }
    }

    /** Runs the verb chained after {@code verb}, where its type declares it (play, dial: data/action). */
    private void runNext(SimulatedCall call, VerbType type, JsonNode verb, String pointer) {
        JsonNode next = verb;
        StringBuilder at = new StringBuilder(pointer);
        for (String field : type.next()) {
            next = next == null ? null : next.get(field);
            at.append('/').append(field);
        }
        run(call, next, at.toString());
    }

    private void gather(SimulatedCall call, JsonNode verb, String pointer) {
        JsonNode data = verb.get("data");
        String channelId = text(data, "channelId");
        call.step(TranscriptStep.kind("gather").verb(pointer, verb).audioUrl(text(data, "audioUrl")).channelId(channelId));
        if (channelId != null && !channelId.equals(call.fromChannel) && !channelId.equals(call.toChannel)) {
            call.end("invalid-verb", "The gather names channelId '" + channelId + "', which is not a channel of this call",
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
        time.after(call, gather.timeoutMs, () -> finishGather(call, gather, "timeout"));
        pressScripted(call);
    }

    /** The next script entry belongs to the gather the call waits at; "" means press nothing and let it time out. */
    void pressScripted(SimulatedCall call) {
        String entry = call.script.poll();
        if (entry != null && !entry.isEmpty()) {
            press(call, entry, "script");
        }
    }

    /** Keys pressed at the gather the call waits at, by the API or the script. */
    void press(SimulatedCall call, String keys, String source) {
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
            time.after(call, gather.digitTimeoutMs, () -> finishGather(call, gather, "digit-timeout"));
        }
    }

    private void finishGather(SimulatedCall call, Gather gather, String reason) {
        if (call.gather != gather) {
            return;
        }
        call.gather = null;
        call.cancelTimer();
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
            call.end("webhook-failed", error, null);
            return;
        }
        long started = System.nanoTime();
        time.whenDone(call, webhooks.post(uri, body.toString()), (response, failure) -> webhookAnswered(call, url, body,
                response, failure, TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started)));
    }

    private void webhookAnswered(SimulatedCall call, String url, ObjectNode body, HttpResponse<String> response,
                                 Throwable failure, long tookMs) {
        if (failure != null) {
            String error = webhooks.describe(failure);
            call.step(TranscriptStep.kind("webhook").webhook(new TranscriptStep.Webhook(url, body, null, null, error))
                    .durationMs(tookMs));
            call.end("webhook-failed", "The webhook failed: " + error, null);
            return;
        }
        JsonNode verb = parse(response.body());
        JsonNode shown = verb != null ? verb : TextNode.valueOf(truncate(response.body()));
        call.step(TranscriptStep.kind("webhook").webhook(new TranscriptStep.Webhook(url, body, response.statusCode(), shown, null))
                .durationMs(tookMs));
        if (response.statusCode() / 100 != 2) {
            call.end("webhook-failed", "The webhook answered HTTP " + response.statusCode(), null);
        } else if (verb == null) {
            call.end("invalid-verb", "The webhook's answer is not JSON", null);
        } else {
            List<FieldError> errors = validator.validateVerb(verb, "");
            if (errors.isEmpty()) {
                run(call, verb, "");
            } else {
                call.end("invalid-verb", "The webhook answered a verb the platform rejects: " + errors.get(0).pointer()
                        + " " + errors.get(0).message() + (errors.size() > 1 ? " (and " + (errors.size() - 1) + " more)" : ""),
                        errors);
            }
        }
    }

    private void dial(SimulatedCall call, VerbType type, JsonNode verb, String pointer) {
        String number = verb.get("data").get("number").asText();
        call.state = State.DIALING;
        call.step(TranscriptStep.kind("dial").verb(pointer, verb).number(number));
        Answering answering = subscribers.outcome(number);
        long ringMs = config.ringTime().toMillis();
        long tookMs = switch (answering) {
            case ANSWER -> ringMs + config.talkTime().toMillis();
            case BUSY -> ringMs;
            case NO_ANSWER -> legTimeoutMs(verb.get("timeout"));
            case FAIL -> 0L;
        };
        time.after(call, tookMs, () -> {
            call.step(TranscriptStep.kind("dialed").number(number)
                    .outcome(answering.heard()).durationMs(tookMs));
            runNext(call, type, verb, pointer);
        });
    }

    private long legTimeoutMs(JsonNode seconds) {
        return seconds != null ? Duration.ofSeconds(seconds.asLong()).toMillis() : config.legTimeout().toMillis();
    }

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
}
