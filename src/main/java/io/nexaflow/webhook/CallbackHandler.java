package io.nexaflow.webhook;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.nexaflow.db.Timestamps;
import io.nexaflow.call.CallEvent;
import io.nexaflow.config.NexaflowConfig;
import io.nexaflow.engine.DataTurn;
import io.nexaflow.engine.FlowProgram;
import io.nexaflow.engine.Routing;
import io.nexaflow.expr.Masking;
import io.nexaflow.turn.TurnRunner;
import io.nexaflow.engine.Verb;
import io.nexaflow.engine.VerbJson;
import io.nexaflow.flow.RevisionPrograms;
import io.nexaflow.state.CallbackVerbs;
import io.nexaflow.state.StateToken;
import io.nexaflow.state.StateTokens;
import io.nexaflow.telemetry.CallContext;
import io.nexaflow.telemetry.Tracing;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.context.Context;
import io.opentelemetry.context.Scope;
import io.smallrye.mutiny.Uni;
import io.smallrye.mutiny.infrastructure.Infrastructure;
import jakarta.enterprise.context.ApplicationScoped;
import org.jboss.logging.Logger;

import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * Answers Nexafone's gather callbacks. Verifies the state token, routes on the call's pinned revision (cached),
 * queues the write, and answers the verb once the write is committed: in PostgreSQL within the commit budget,
 * else in the local journal ({@link CallbackJournal}), which drains into PostgreSQL later. Never fails the
 * platform: anything that goes wrong here answers the fallback verb with HTTP 200 (a 5xx would drop the caller).
 * <p>
 * Traced (when tracing is on) as a {@code callback} span with children for the state-token check, the routing,
 * the write (to the database or the journal) and, for a data-driven flow, its requests; the call's id is in the
 * MDC of every log line about it, whichever thread writes the line.
 */
@ApplicationScoped
public class CallbackHandler {

    private static final Logger LOG = Logger.getLogger(CallbackHandler.class);

    /** What the platform is answered, with which HTTP status, and the outcome it is counted under. */
    public record Answer(int status, String body, String outcome) {
    }

    static final AttributeKey<String> OUTCOME = AttributeKey.stringKey("nexaflow.callback.outcome");
    static final AttributeKey<String> STORE = AttributeKey.stringKey("nexaflow.callback.store");

    /** The vendor webhook contract: {@code { callId, dtmf, to: { channelId } }}. */
    public record Callback(String callId, String dtmf, String channelId) {
    }

    /** The stall check's marker: the write had not committed after stall-after (compared by identity). */
    private static final CallbackWriteResult STILL_COMMITTING = new CallbackWriteResult.Failed("still committing");

    private final StateTokens tokens;
    private final CallbackVerbs urls;
    private final RevisionPrograms programs;
    private final CallbackStore writer;
    private final CallbackJournal journal;
    private final TurnRunner turns;
    private final ObjectMapper json;
    private final Counter accepted;
    private final Counter duplicates;
    private final Counter rejected;
    private final Counter fallbacks;
    private final Counter journaled;
    private final Counter forged;
    private final Counter malformed;
    private final Duration deadline;
    private final Duration commitBudget;
    private final Duration stallAfter;
    private final String fallbackVerb;
    private final Tracer tracer;

    public CallbackHandler(StateTokens tokens, CallbackVerbs urls, RevisionPrograms programs, CallbackStore writer,
                           CallbackJournal journal, TurnRunner turns, ObjectMapper json, MeterRegistry meters,
                           NexaflowConfig config, Tracing tracing) {
        this.tracer = tracing.tracer();
        this.turns = turns;
        this.tokens = tokens;
        this.urls = urls;
        this.programs = programs;
        this.writer = writer;
        this.journal = journal;
        this.json = json;
        this.accepted = outcomes(meters, "accepted");
        this.duplicates = outcomes(meters, "duplicate");
        this.rejected = outcomes(meters, "rejected");
        this.fallbacks = outcomes(meters, "fallback");
        this.journaled = outcomes(meters, "journaled");
        this.forged = outcomes(meters, "forged");
        this.malformed = outcomes(meters, "malformed");
        this.deadline = config.callback().deadline();
        this.commitBudget = config.callback().commitBudget();
        this.stallAfter = config.callback().stallAfter().compareTo(commitBudget) < 0
                ? config.callback().stallAfter() : commitBudget;
        this.fallbackVerb = fallbackVerb(config.callback().fallbackAudioUrl());
    }

    private static Counter outcomes(MeterRegistry meters, String outcome) {
        return Counter.builder("nexaflow.callbacks").description("Gather callbacks by how they were answered")
                .tag("outcome", outcome).register(meters);
    }

    public String fallbackVerb() {
        return fallbackVerb;
    }

    public Uni<Answer> handle(String token, byte[] body) {
        Span span = Tracing.mayRecord() ? tracer.spanBuilder("callback").startSpan() : Span.getInvalid();
        if (!span.isRecording()) {
            // Tracing off (or not sampled): nothing more than the no-op span on the hot path.
            return handle(token, body, span);
        }
        Uni<Answer> answer;
        try (Scope current = span.makeCurrent()) {
            answer = handle(token, body, span);
        }
        return answer.onItemOrFailure().invoke((answered, failure) -> {
            if (answered != null) {
                span.setAttribute(OUTCOME, answered.outcome());
            } else {
                span.setStatus(StatusCode.ERROR, failure.getClass().getName());
            }
            span.end();
        });
    }

    private Uni<Answer> handle(String token, byte[] body, Span span) {
        Instant at = Timestamps.now();
        Callback callback;
        try {
            callback = parse(body);
        } catch (IllegalArgumentException e) {
            malformed.increment();
            return Uni.createFrom().item(new Answer(400, e.getMessage(), "malformed"));
        }
        Span checking = child("callback.token", span);
        Optional<StateToken> state = tokens.verify(token);
        checking.end();
        if (state.isEmpty()) {
            CallContext.tag(span, null, callback.callId());
            forged.increment();
            LOG.warnf("callback for callId %s refused: missing, forged or altered state token", callback.callId());
            writer.record(EventWrite.refusedCallback(CallEvent.Type.CALLBACK_FORGED, null, null, null, callback.callId(),
                    callback.dtmf(), callback.channelId(), "missing, forged or altered state token", at));
            return Uni.createFrom().item(new Answer(403, null, "forged"));
        }
        // The request's MDC (Quarkus keeps it with the request): every line logged while serving it names the call.
        CallContext.enter(state.get().call(), callback.callId());
        CallContext.tag(span, state.get().call(), callback.callId());
        try {
            Optional<FlowProgram> program = programs.cached(state.get().revision());
            if (program.isPresent()) {
                return route(state.get(), callback, program.get(), at, span);
            }
            return Uni.createFrom().item(() -> programs.load(state.get().revision()))
                    .runSubscriptionOn(Infrastructure.getDefaultWorkerPool())
                    .onItem().transformToUni(loaded -> loaded
                            .map(p -> route(state.get(), callback, p, at, span))
                            .orElseGet(() -> fallback(callback, state.get(), "unknown flow revision", at, span)))
                    .onFailure().recoverWithUni(e -> fallback(callback, state.get(), "cannot load flow: " + e, at,
                            span));
        } catch (RuntimeException e) {
            return fallback(callback, state.get(), "internal error: " + e, at, span);
        }
    }

    /** A child of the callback's span, whichever thread this runs on; a no-op one when that span is. */
    private Span child(String name, Span parent) {
        return parent.isRecording() ? tracer.spanBuilder(name).setParent(Context.current().with(parent)).startSpan()
                : Span.getInvalid();
    }

    private Uni<Answer> route(StateToken state, Callback callback, FlowProgram program, Instant at, Span span) {
        if (program.dataDriven()) {
            return routeData(state, callback, program, at, span);
        }
        CallbackWrite write;
        Span routing = child("callback.route", span);
        try {
            FlowProgram.Routed step = program.callback(state.node(), state.attempts(), callback.dtmf());
            String verb = urls.signAndRender(program, state.call(), state.revision(), step.turn(), callback.channelId());
            write = new CallbackWrite(state.call(), callback.callId(), state.node(), state.attempt(), callback.dtmf(),
                    callback.channelId(), step, verb, at);
        } catch (RuntimeException e) {
            return fallback(callback, state, "cannot route: " + e, at, span);
        } finally {
            routing.end();
        }
        return commit(write, callback, state, span);
    }

    /**
     * A data-driven flow: routes, then runs the turn's http, switch and set nodes (requests off the event loop,
     * within the turn's budget), then writes and answers as any callback. Digits of a sensitive gather are masked
     * in everything recorded; the call's variables travel on in the next state token, encrypted.
     */
    private Uni<Answer> routeData(StateToken state, Callback received, FlowProgram program, Instant at, Span span) {
        StateToken.CallData data = state.data() != null ? state.data()
                : new StateToken.CallData(null, null, java.util.Map.of());
        Callback callback = received;
        Routing routing;
        DataTurn.Progress progress;
        Span routed = child("callback.route", span);
        try {
            if (program.masksDigits(state.node())) {
                callback = new Callback(received.callId(), Masking.digits(received.dtmf()), received.channelId());
            }
            routing = program.route(state.node(), received.dtmf());
            progress = program.resume(state.node(), routing, state.attempts(),
                    TurnRunner.scope(state.call(), data.from(), data.to(), data.vars()));
        } catch (RuntimeException e) {
            return fallback(callback, state, "cannot route: " + e, at, span);
        } finally {
            routed.end();
        }
        Callback shown = callback;
        Routing recorded = program.masksDigits(state.node())
                ? new Routing(Masking.digits(routing.digits()), routing.reason(), routing.target()) : routing;
        java.util.concurrent.CompletionStage<DataTurn.Progress.Finished> turn;
        // The flow's requests (io.nexaflow.request.BusinessApi) are spans of their own under this callback's.
        try (Scope current = span.isRecording() ? span.makeCurrent() : Scope.noop()) {
            turn = turns.finish(progress, TurnRunner.turnKey(state.call(), state.node(), state.attempt()));
        }
        return Uni.createFrom().completionStage(turn).onItem().transformToUni(finished -> {
            for (TurnRunner.Audit audit : TurnRunner.auditPayloads(finished, program)) {
                writer.record(EventWrite.httpRequest(state.call(), audit.node(), audit.payload(), at));
            }
            if (finished.failed() != null) {
                return fallback(shown, state, finished.failed(), at, span);
            }
            CallbackWrite write;
            try {
                String verb = urls.signAndRender(program, state.call(), state.revision(), finished.turn(),
                        shown.channelId(), new StateToken.CallData(data.from(), data.to(), finished.scope().vars()));
                write = new CallbackWrite(state.call(), shown.callId(), state.node(), state.attempt(), shown.dtmf(),
                        shown.channelId(), new FlowProgram.Routed(recorded, finished.turn()), verb, at,
                        json.writeValueAsString(program.shownVars(finished.scope().vars())));
            } catch (RuntimeException | com.fasterxml.jackson.core.JsonProcessingException e) {
                return fallback(shown, state, "cannot render: " + e, at, span);
            }
            return commit(write, shown, state, span);
        });
    }

    /** Makes the write durable (PostgreSQL, else the journal) and answers its verb. */
    private Uni<Answer> commit(CallbackWrite write, Callback callback, StateToken state, Span span) {
        if (journal.holdsCallbacks(state.call()) || writer.stalled()) {
            // This call's earlier callbacks wait in the journal (follow them, in order), or PostgreSQL is not
            // answering: the journal makes the write durable without the caller waiting on the database.
            return Uni.createFrom().completionStage(journaled(write, callback, state, span));
        }
        Span writing = child("callback.write", span);
        CompletableFuture<CallbackWriteResult> committing;
        // Current while queued: the group commit's batch span links to it, and its JDBC spans sit under the batch.
        try (Scope current = writing.isRecording() ? writing.makeCurrent() : Scope.noop()) {
            committing = writer.submit(write);
        }
        if (writing.isRecording()) {
            writing.setAttribute(STORE, "database");
            committing.whenComplete((outcome, error) -> {
                if (outcome instanceof CallbackWriteResult.Failed) {
                    writing.setStatus(StatusCode.ERROR, "not committed");
                }
                writing.end();
            });
        }
        // Mapped on the futures themselves: nothing but this runs on the writer thread when the commit completes them.
        CompletableFuture<Answer> answered = committing.copy()
                .completeOnTimeout(STILL_COMMITTING, stallAfter.toMillis(), TimeUnit.MILLISECONDS)
                .thenCompose(outcome -> {
                    if (outcome != STILL_COMMITTING) {
                        return settled(outcome, write, callback, state, span);
                    }
                    if (writer.stalled()) {
                        return journaled(write, callback, state, span);
                    }
                    // PostgreSQL is busy but committing: wait out the rest of the budget.
                    return committing.completeOnTimeout(new CallbackWriteResult.Failed("no commit within "
                                    + commitBudget.toMillis() + " ms"),
                            commitBudget.minus(stallAfter).toMillis(), TimeUnit.MILLISECONDS)
                            .thenCompose(late -> settled(late, write, callback, state, span));
                });
        return Uni.createFrom().completionStage(answered);
    }

    /** A write's outcome from PostgreSQL: answered, or (not committed) sent to the journal. */
    private CompletableFuture<Answer> settled(CallbackWriteResult outcome, CallbackWrite write, Callback callback,
                                              StateToken state, Span span) {
        return outcome instanceof CallbackWriteResult.Failed
                ? journaled(write, callback, state, span)
                : CompletableFuture.completedFuture(answer(outcome, write, callback, state, span));
    }

    /** PostgreSQL did not commit in time: the journal makes the callback durable, then the caller hears the flow. */
    private CompletableFuture<Answer> journaled(CallbackWrite write, Callback callback, StateToken state, Span span) {
        Span writing = child("callback.write", span);
        writing.setAttribute(STORE, "journal");
        // A copy: the journal's future is shared with redeliveries and must not take this caller's timeout.
        return journal.append(write).copy()
                .completeOnTimeout(null, deadline.toMillis(), TimeUnit.MILLISECONDS)
                .thenApply(verb -> {
                    if (verb == null) {
                        writing.setStatus(StatusCode.ERROR, "not journaled");
                        writing.end();
                        return fallbackAnswer(callback, state, "neither PostgreSQL nor the journal took the write",
                                write.at(), span);
                    }
                    writing.end();
                    journaled.increment();
                    return new Answer(200, verb, "journaled");
                });
    }

    private Answer answer(CallbackWriteResult outcome, CallbackWrite write, Callback callback, StateToken state,
                          Span span) {
        if (outcome instanceof CallbackWriteResult.Accepted) {
            accepted.increment();
            return new Answer(200, write.verb(), "accepted");
        }
        if (outcome instanceof CallbackWriteResult.Duplicate duplicate) {
            duplicates.increment();
            return new Answer(200, duplicate.verb(), "duplicate");
        }
        if (outcome instanceof CallbackWriteResult.Rejected refusal) {
            rejected.increment();
            // On the group commit's thread: the call is put in its MDC for this line.
            try (CallContext logged = CallContext.of(state.call(), callback.callId(), span)) {
                LOG.warnf("callback for callId %s (call %s) rejected: %s; answering the fallback verb",
                        callback.callId(), state.call(), refusal.reason());
            }
            return new Answer(200, fallbackVerb, "rejected");
        }
        return fallbackAnswer(callback, state, ((CallbackWriteResult.Failed) outcome).reason(), write.at(), span);
    }

    private Uni<Answer> fallback(Callback callback, StateToken state, String reason, Instant at, Span span) {
        return Uni.createFrom().item(fallbackAnswer(callback, state, reason, at, span));
    }

    /** The caller hears the fallback; the event is recorded when the database takes it, and logged regardless. */
    private Answer fallbackAnswer(Callback callback, StateToken state, String reason, Instant at, Span span) {
        fallbacks.increment();
        // Any thread (the request's, the group commit's, a timer's): the call is put in its MDC for this line.
        try (CallContext logged = CallContext.of(state.call(), callback.callId(), span)) {
            LOG.errorf("callback for callId %s (call %s) answered with the fallback verb: %s",
                    callback.callId(), state.call(), reason);
        }
        writer.record(EventWrite.refusedCallback(CallEvent.Type.CALLBACK_FALLBACK, state.call(), state.node(),
                state.attempt(), callback.callId(), callback.dtmf(), callback.channelId(), reason, at));
        return new Answer(200, fallbackVerb, "fallback");
    }

    Callback parse(byte[] body) {
        JsonNode tree;
        try {
            tree = body == null || body.length == 0 ? null : json.readTree(body);
        } catch (java.io.IOException e) {
            throw new IllegalArgumentException("the body is not valid JSON");
        }
        if (tree == null || !tree.isObject()) {
            throw new IllegalArgumentException("the body must be a JSON object {callId, dtmf, to: {channelId}}");
        }
        JsonNode callId = tree.get("callId");
        if (callId == null || !(callId.isTextual() || callId.isNumber()) || callId.asText().isBlank()) {
            throw new IllegalArgumentException("'callId' is required");
        }
        JsonNode dtmf = tree.get("dtmf");
        if (dtmf != null && !dtmf.isNull() && !dtmf.isTextual() && !dtmf.isNumber()) {
            throw new IllegalArgumentException("'dtmf' must be a string of digits");
        }
        JsonNode to = tree.get("to");
        if (to != null && !to.isNull() && !to.isObject()) {
            throw new IllegalArgumentException("'to' must be an object {channelId}");
        }
        JsonNode channel = to == null ? null : to.get("channelId");
        return new Callback(callId.asText(), dtmf == null || dtmf.isNull() ? "" : dtmf.asText(),
                channel == null || channel.isNull() ? null : channel.asText());
    }

    private String fallbackVerb(Optional<String> audioUrl) {
        return VerbJson.write(Verb.fallback(audioUrl.orElse(null)));
    }
}
