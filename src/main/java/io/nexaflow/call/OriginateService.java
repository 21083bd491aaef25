package io.nexaflow.call;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.micrometer.core.instrument.MeterRegistry;
import io.nexaflow.config.NexaflowConfig;
import io.nexaflow.db.Timestamps;
import io.nexaflow.engine.Attempts;
import io.nexaflow.engine.DataTurn;
import io.nexaflow.engine.FlowProgram;
import io.nexaflow.call.CallDtos.OriginateRequest;
import io.nexaflow.call.OriginatePlanner.Checked;
import io.nexaflow.call.OriginatePlanner.Plan;
import io.nexaflow.flow.FlowRevision;
import io.nexaflow.flow.FlowService;
import io.nexaflow.flow.RevisionPrograms;
import io.nexaflow.nexafone.NexafoneClient;
import io.nexaflow.nexafone.NexafoneException;
import io.nexaflow.nexafone.PayloadValidator;
import io.nexaflow.number.PhoneNumbers;
import io.nexaflow.problem.Problem;
import io.nexaflow.problem.Problem.FieldError;
import io.nexaflow.problem.ProblemException;
import io.nexaflow.state.CallbackVerbs;
import io.nexaflow.state.StateToken;
import io.nexaflow.turn.TurnRunner;
import io.quarkus.narayana.jta.QuarkusTransaction;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.persistence.LockModeType;
import jakarta.persistence.PersistenceException;
import io.nexaflow.telemetry.CallContext;
import io.nexaflow.telemetry.Tracing;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.context.Scope;
import org.jboss.logging.Logger;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Places calls through Nexafone: a flow call, a ClickToCall bridge, or a raw verb. The call row is committed
 * before the platform hears of it, every step is an event, and an Idempotency-Key never originates twice.
 * Traced (when tracing is on) as an {@code originate} span over its transactions and the Nexafone request; its log
 * lines carry the call's id in the MDC, on request and dialer threads alike.
 */
@ApplicationScoped
public class OriginateService {

    private static final Logger LOG = Logger.getLogger(OriginateService.class);

    /** The call and whether this request created it (false: an idempotent replay). */
    public record Originated(Call call, boolean created) {
    }

    private final OriginatePlanner planner;
    private final FlowService flows;
    private final RevisionPrograms programs;
    private final CallbackVerbs callbacks;
    private final NexafoneClient nexafone;
    private final ObjectMapper json;
    private final MeterRegistry meters;
    private final TurnRunner turns;
    private final Duration turnBudget;
    private final Tracer tracer;

    static final AttributeKey<String> OUTCOME = AttributeKey.stringKey("nexaflow.originate.outcome");

    public OriginateService(PhoneNumbers numbers, FlowService flows, RevisionPrograms programs, CallbackVerbs callbacks,
                            NexafoneClient nexafone, PayloadValidator verbs, ObjectMapper json, MeterRegistry meters,
                            TurnRunner turns, NexaflowConfig config, Tracing tracing) {
        this.tracer = tracing.tracer();
        this.turns = turns;
        this.turnBudget = config.http().turnBudget();
        this.planner = new OriginatePlanner(numbers, verbs, json);
        this.flows = flows;
        this.programs = programs;
        this.callbacks = callbacks;
        this.nexafone = nexafone;
        this.json = json;
        this.meters = meters;
    }

    public Originated originate(OriginateRequest request, String idempotencyKey, String who) {
        Span span = tracer.spanBuilder("originate").startSpan();
        try (Scope current = span.makeCurrent()) {
            return check(request, idempotencyKey, who);
        } catch (RuntimeException e) {
            // The class only: a message may quote a number.
            span.setStatus(StatusCode.ERROR, e.getClass().getSimpleName());
            throw e;
        } finally {
            span.end();
        }
    }

    private Originated check(OriginateRequest request, String idempotencyKey, String who) {
        Checked checked = planner.check(request);
        FlowRevision revision = checked.kind() == Call.Kind.FLOW
                ? flows.revisionForCall(checked.flowId(), checked.flowVersion()) : null;
        String requestHash = planner.fingerprint(request);
        if (idempotencyKey != null) {
            Optional<Call> earlier = replay(idempotencyKey, requestHash);
            if (earlier.isPresent()) {
                return new Originated(earlier.get(), false);
            }
        }
        String accountId;
        try {
            accountId = nexafone.accountId();
        } catch (NexafoneException e) {
            throw new ProblemException(Problem.of(503, "nexafone-not-configured", "Nexafone is not configured",
                    e.getMessage()));
        }

        UUID id = UUID.randomUUID();
        CallContext.tag(Span.current(), id, null);
        try (CallContext logged = CallContext.of(id, null)) {
            return place(id, checked, revision, requestHash, idempotencyKey, who, accountId);
        }
    }

    private Originated place(UUID id, Checked checked, FlowRevision revision, String requestHash,
                             String idempotencyKey, String who, String accountId) {
        OriginatePlanner.FlowStart flowStart = null;
        StateToken.CallData data = null;
        List<TurnRunner.Audit> requests = List.of();
        JsonNode shownVariables = null;
        if (revision != null) {
            FlowProgram program = programs.of(revision);
            flowStart = new OriginatePlanner.FlowStart(program, revision.id);
            if (!checked.variables().isEmpty()) {
                shownVariables = json.valueToTree(program.shownVars(checked.variables()));
            }
            if (program.dataDriven()) {
                // The first turn runs before the call is placed: its requests decide what the caller hears first.
                DataTurn.Progress.Finished first = firstTurn(program, id, checked);
                if (first.failed() != null) {
                    throw ProblemException.invalid("The flow's first turn failed", List.of(
                            new FieldError("/variables", first.failed())));
                }
                requests = TurnRunner.auditPayloads(first, program);
                data = new StateToken.CallData(checked.from(), checked.to(), first.scope().vars());
                shownVariables = json.valueToTree(program.shownVars(first.scope().vars()));
                flowStart = new OriginatePlanner.FlowStart(program, revision.id, first.turn());
            }
        }
        StateToken.CallData callData = data;
        Plan plan = planner.plan(checked, id, accountId, flowStart,
                (program, call, pinned, start) -> callData == null
                        ? callbacks.signAndRender(program, call, pinned, start, null)
                        : callbacks.signAndRender(program, call, pinned, start, null, callData));
        List<TurnRunner.Audit> made = requests;
        JsonNode variables = shownVariables;
        ObjectNode payload = plan.payload();
        Call call;
        Span recording = tracer.spanBuilder("originate.record").startSpan();
        try (Scope current = recording.makeCurrent()) {
            // One transaction: the call (QUEUED), then ORIGINATING with what is about to be sent, so the audit
            // trail reads as before and the originate costs one commit less.
            call = QuarkusTransaction.requiringNew().call(() -> {
                Call created = create(id, checked, revision, plan, variables, idempotencyKey, requestHash, who);
                StatusChange.of(created.status, Call.Status.ORIGINATING, null).apply(created, Timestamps.now(),
                        plan.start() == null ? null : plan.start().nodes());
                for (TurnRunner.Audit audit : made) {
                    CallEvent event = CallEvent.of(id, CallEvent.Type.HTTP_REQUEST, readTree(audit.payload()),
                            Timestamps.now());
                    event.node = audit.node();
                    event.persist();
                }
                CallEvent.of(id, CallEvent.Type.ORIGINATE_REQUEST, payload, Timestamps.now()).persist();
                return created;
            });
        } catch (PersistenceException e) {
            recording.setStatus(StatusCode.ERROR, e.getClass().getSimpleName());
            // Lost a race for the same Idempotency-Key: the other request placed (or is placing) the call.
            if (idempotencyKey != null) {
                Optional<Call> earlier = replay(idempotencyKey, requestHash);
                if (earlier.isPresent()) {
                    return new Originated(earlier.get(), false);
                }
            }
            throw e;
        } finally {
            recording.end();
        }
        LOG.infof("call %s: originating %s → %s (%s)", id, PhoneNumbers.mask(checked.from()),
                PhoneNumbers.mask(checked.to()), checked.kind());

        NexafoneClient.Result result;
        try {
            result = nexafone.originate(payload);
        } catch (NexafoneException e) {
            finish(id, Call.Status.FAILED, null, e.getMessage(), List.of(), plan);
            count("failed");
            throw callProblem(502, "nexafone-auth", "Nexafone refused nexaflow", e.getMessage(), id);
        }
        return new Originated(conclude(id, result, plan), true);
    }

    /** Runs a data-driven flow's first turn for call {@code id}, waiting at most the turn's budget and a second. */
    private DataTurn.Progress.Finished firstTurn(FlowProgram program, UUID id, Checked checked) {
        DataTurn.Progress progress = program.begin(program.flow().start(), Attempts.none(),
                TurnRunner.scope(id, checked.from(), checked.to(), checked.variables()));
        try {
            return turns.finish(progress, TurnRunner.firstTurnKey(id)).toCompletableFuture().get(turnBudget.toMillis() + 1000, TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while running the flow's first turn", e);
        } catch (ExecutionException | TimeoutException e) {
            throw new IllegalStateException("the flow's first turn did not finish", e);
        }
    }

    private JsonNode readTree(String text) {
        try {
            return json.readTree(text);
        } catch (java.io.IOException e) {
            throw new IllegalStateException(e);
        }
    }

    private Call conclude(UUID id, NexafoneClient.Result result, Plan plan) {
        if (result instanceof NexafoneClient.Accepted accepted) {
            Call.Status status = plan.expectsCallbacks() ? Call.Status.IN_PROGRESS : Call.Status.COMPLETED;
            CallContext.tag(Span.current(), null, accepted.callId());
            CallContext.enter(null, accepted.callId());
            Call call = finish(id, status, accepted.callId(), null, accepted.attempts(), plan);
            count("accepted");
            LOG.infof("call %s accepted by Nexafone as callId %s", id, accepted.callId());
            return call;
        }
        if (result instanceof NexafoneClient.Refused refused) {
            finish(id, Call.Status.FAILED, null, "Nexafone refused the call (" + refused.status() + "): "
                    + refused.message(), refused.attempts(), plan);
            count("refused");
            int status = refused.status() == 400 || refused.status() == 422 ? 422 : 502;
            throw callProblem(status, "nexafone-refused", "Nexafone refused the call",
                    "Nexafone answered " + refused.status() + ": " + refused.message(), id);
        }
        if (result instanceof NexafoneClient.Unavailable unavailable) {
            finish(id, Call.Status.FAILED, null, unavailable.message(), unavailable.attempts(), plan);
            count("unavailable");
            throw callProblem(502, "nexafone-unavailable", "Nexafone is unavailable", unavailable.message(), id);
        }
        NexafoneClient.Unknown unknown = (NexafoneClient.Unknown) result;
        finish(id, Call.Status.UNKNOWN, null, unknown.message(), unknown.attempts(), plan);
        count("unknown");
        throw callProblem(504, "nexafone-no-answer", "No answer from Nexafone", unknown.message()
                + ". Retrying with the same Idempotency-Key returns this call and places nothing.", id);
    }

    private Call create(UUID id, Checked checked, FlowRevision revision, Plan plan, JsonNode variables,
                        String idempotencyKey, String requestHash, String who) {
        Instant now = Timestamps.now();
        Call call = new Call();
        call.id = id;
        call.kind = checked.kind();
        if (revision != null) {
            call.flowId = revision.flowId;
            call.flowVersion = revision.version;
            call.revisionId = revision.id;
        }
        call.fromNumber = checked.from();
        call.toNumber = checked.to();
        call.status = Call.Status.QUEUED;
        call.attempts = plan.start() == null ? json.createObjectNode() : json.valueToTree(plan.start().attempts().asMap());
        call.currentNode = plan.start() == null ? null : plan.start().gather();
        call.variables = variables;
        call.idempotencyKey = idempotencyKey;
        call.requestSha256 = requestHash;
        call.createdBy = who;
        call.createdAt = now;
        call.updatedAt = now;
        call.persist();
        Call.flush();
        StatusChange.created(call, now);
        return call;
    }

    private Call finish(UUID id, Call.Status status, String callId, String error, List<NexafoneClient.Attempt> attempts,
                        Plan plan) {
        Span span = tracer.spanBuilder("originate.finish").startSpan();
        try (Scope current = span.makeCurrent()) {
            return record(id, status, callId, error, attempts, plan);
        } finally {
            span.end();
        }
    }

    private Call record(UUID id, Call.Status status, String callId, String error,
                        List<NexafoneClient.Attempt> attempts, Plan plan) {
        return QuarkusTransaction.requiringNew().call(() -> {
            Instant now = Timestamps.now();
            // Locked: a callback may move the call while its answer is recorded (the flow can end before the
            // platform's HTTP answer is written down). Read unlocked, the row was written back over that move.
            Call call = Call.findById(id, LockModeType.PESSIMISTIC_WRITE);
            for (NexafoneClient.Attempt attempt : attempts) {
                ObjectNode response = json.createObjectNode();
                response.put("attempt", attempt.number());
                response.put("status", attempt.status());
                response.set("body", attempt.body());
                response.put("error", attempt.error());
                response.put("millis", attempt.millis());
                CallEvent.of(id, CallEvent.Type.ORIGINATE_RESPONSE, response, now).persist();
            }
            call.platformCallId = callId;
            call.error = error;
            if (status == Call.Status.COMPLETED && plan.start() != null && plan.start().ended()) {
                call.currentNode = plan.start().nodes().isEmpty() ? null
                        : plan.start().nodes().get(plan.start().nodes().size() - 1);
            }
            if (plan.start() != null && !plan.start().dialed().isEmpty()) {
                call.bridgedTo = plan.start().dialed().get(plan.start().dialed().size() - 1);
            }
            transition(call, status, status == Call.Status.COMPLETED ? "nexaflow handed Nexafone the call's last verbs"
                    : error);
            return call;
        });
    }

    private void transition(Call call, Call.Status to, String reason) {
        if (call.status == to) {
            return;
        }
        if (!Call.Status.allows(call.status, to)) {
            // A callback got here before the platform's answer (the call was placed): what it recorded stands.
            LOG.infof("call %s is already %s; the originate answer does not move it to %s", call.id, call.status, to);
            return;
        }
        StatusChange.of(call.status, to, reason).apply(call, Timestamps.now());
    }

    private Optional<Call> replay(String idempotencyKey, String requestHash) {
        return QuarkusTransaction.requiringNew().call(() -> {
            Optional<Call> earlier = Call.find("idempotencyKey", idempotencyKey).firstResultOptional();
            if (earlier.isPresent() && !requestHash.equals(earlier.get().requestSha256)) {
                throw ProblemException.invalid("Idempotency-Key reused", List.of(new FieldError("",
                        "Idempotency-Key '" + idempotencyKey + "' was used for a different request (call "
                                + earlier.get().id + ")")));
            }
            earlier.ifPresent(c -> count("replayed"));
            return earlier;
        });
    }

    private static ProblemException callProblem(int status, String slug, String title, String detail, UUID call) {
        return new ProblemException(Problem.of(status, slug, title, detail).withInstance("/v1/calls/" + call));
    }

    private void count(String outcome) {
        Span.current().setAttribute(OUTCOME, outcome);
        meters.counter("nexaflow.originate", "outcome", outcome).increment();
    }
}
