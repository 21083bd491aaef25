package io.nexaflow.sandbox;

import com.fasterxml.jackson.annotation.JsonValue;
import com.fasterxml.jackson.databind.JsonNode;
import io.nexaflow.db.Timestamps;
import io.nexaflow.problem.Problem.FieldError;
import io.nexaflow.sandbox.SandboxDtos.CallSummary;
import io.nexaflow.sandbox.SandboxDtos.SimulatedCallView;
import org.jboss.logging.Logger;

import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.ScheduledFuture;

/** One call the sandbox plays: what it was asked, where it is, and its transcript. Guarded by its own monitor. */
final class SimulatedCall {

    private static final Logger LOG = Logger.getLogger(SimulatedCall.class);

    enum State {
        QUEUED, RINGING, PLAYING, GATHERING, WEBHOOK, DIALING, ENDED;

        @JsonValue
        String id() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    /** A gather in progress: its settings and the keys pressed so far. */
    static final class Gather {
        final int seq;
        final int maxDigits;
        final long timeoutMs;
        final long digitTimeoutMs;
        final String terminator;
        final String action;
        final String channelId;
        final StringBuilder digits = new StringBuilder();

        Gather(int seq, int maxDigits, long timeoutMs, long digitTimeoutMs, String terminator, String action, String channelId) {
            this.seq = seq;
            this.maxDigits = maxDigits;
            this.timeoutMs = timeoutMs;
            this.digitTimeoutMs = digitTimeoutMs;
            this.terminator = terminator;
            this.action = action;
            this.channelId = channelId;
        }
    }

    final String id;
    final String accountId;
    final String from;
    final String to;
    final boolean recording;
    final JsonNode request;
    final String fromChannel;
    final String toChannel;
    final Instant createdAt = Timestamps.now();

    /** Read without the monitor when evicting; written only under it. */
    volatile State state = State.QUEUED;
    String reason;
    String error;
    Instant endedAt;
    final List<TranscriptStep> steps = new ArrayList<>();
    final Deque<String> script;
    Gather gather;
    int gathers;
    ScheduledFuture<?> timer;

    SimulatedCall(String id, String accountId, JsonNode request, List<String> script) {
        this.id = id;
        this.accountId = accountId;
        this.request = request;
        this.from = request.get("from").asText();
        this.to = request.get("to").asText();
        this.recording = request.path("recordCall").path("enable").asBoolean(false);
        this.fromChannel = "ch-" + id + "-from";
        this.toChannel = "ch-" + id + "-to";
        this.script = new ArrayDeque<>(script);
    }

    void step(TranscriptStep.Builder step) {
        steps.add(step.build(steps.size() + 1, Timestamps.now()));
    }

    /** Ends the call: no wait of it fires any more, and the transcript says why. */
    void end(String reason, String error, List<FieldError> errors) {
        cancelTimer();
        gather = null;
        this.reason = reason;
        this.error = error;
        endedAt = Timestamps.now();
        step(TranscriptStep.kind("ended").reason(reason).message(error).errors(errors));
        state = State.ENDED;
        if (error == null) {
            LOG.infof("Sandbox call %s ended: %s", id, reason);
        } else {
            LOG.warnf("Sandbox call %s ended: %s: %s", id, reason, error);
        }
    }

    void cancelTimer() {
        if (timer != null) {
            timer.cancel(false);
            timer = null;
        }
    }

    boolean ended() {
        return state == State.ENDED;
    }

    SimulatedCallView view() {
        return new SimulatedCallView(id, accountId, from, to, recording, state.id(), reason, error, createdAt, endedAt,
                List.copyOf(script), request, List.copyOf(steps));
    }

    CallSummary summary() {
        return new CallSummary(id, from, to, state.id(), reason, createdAt, endedAt);
    }
}
