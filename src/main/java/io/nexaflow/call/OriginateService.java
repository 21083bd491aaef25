package io.nexaflow.call;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.micrometer.core.instrument.MeterRegistry;
import io.nexaflow.api.Clock;
import io.nexaflow.call.CallDtos.OriginateRequest;
import io.nexaflow.engine.FlowProgram;
import io.nexaflow.engine.Path;
import io.nexaflow.flow.FlowRevision;
import io.nexaflow.flow.FlowService;
import io.nexaflow.flow.RevisionPrograms;
import io.nexaflow.flow.model.FlowJson;
import io.nexaflow.nexafone.NexafoneClient;
import io.nexaflow.nexafone.NexafoneException;
import io.nexaflow.nexafone.PayloadValidator;
import io.nexaflow.number.PhoneNumbers;
import io.nexaflow.problem.Problem;
import io.nexaflow.problem.Problem.FieldError;
import io.nexaflow.problem.ProblemException;
import io.nexaflow.state.CallbackVerbs;
import io.quarkus.narayana.jta.QuarkusTransaction;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.persistence.PersistenceException;
import org.jboss.logging.Logger;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

/**
 * Places calls through Nexafone: a flow call, a ClickToCall bridge, or a raw verb. The call row is committed
 * before the platform hears of it, every step is an event, and an Idempotency-Key never originates twice.
 */
@ApplicationScoped
public class OriginateService {

    private static final Logger LOG = Logger.getLogger(OriginateService.class);

    /** The call and whether this request created it (false: an idempotent replay). */
    public record Originated(Call call, boolean created) {
    }

    private final PhoneNumbers numbers;
    private final FlowService flows;
    private final RevisionPrograms programs;
    private final CallbackVerbs callbacks;
    private final NexafoneClient nexafone;
    private final PayloadValidator verbs;
    private final ObjectMapper json;
    private final MeterRegistry meters;

    public OriginateService(PhoneNumbers numbers, FlowService flows, RevisionPrograms programs, CallbackVerbs callbacks,
                            NexafoneClient nexafone, PayloadValidator verbs, ObjectMapper json, MeterRegistry meters) {
        this.numbers = numbers;
        this.flows = flows;
        this.programs = programs;
        this.callbacks = callbacks;
        this.nexafone = nexafone;
        this.verbs = verbs;
        this.json = json;
        this.meters = meters;
    }

    public Originated originate(OriginateRequest request, String idempotencyKey, String who) {
        Checked checked = check(request);
        String requestHash = FlowJson.sha256(canonical(request));
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
        Plan plan = plan(checked, id);
        ObjectNode payload = payload(checked, accountId, plan.action);
        Call call;
        try {
            call = QuarkusTransaction.requiringNew().call(() -> create(id, checked, plan, idempotencyKey, requestHash, who));
        } catch (PersistenceException e) {
            // Lost a race for the same Idempotency-Key: the other request placed (or is placing) the call.
            if (idempotencyKey != null) {
                Optional<Call> earlier = replay(idempotencyKey, requestHash);
                if (earlier.isPresent()) {
                    return new Originated(earlier.get(), false);
                }
            }
            throw e;
        }
        LOG.infof("call %s: originating %s → %s (%s)", id, PhoneNumbers.mask(checked.from), PhoneNumbers.mask(checked.to),
                checked.kind);
        QuarkusTransaction.requiringNew().run(() -> {
            Call c = Call.findById(id);
            transition(c, Call.Status.ORIGINATING, null);
            CallEvent.of(id, CallEvent.Type.ORIGINATE_REQUEST, payload, Clock.now()).persist();
        });

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

    private Call conclude(UUID id, NexafoneClient.Result result, Plan plan) {
        if (result instanceof NexafoneClient.Accepted accepted) {
            Call.Status status = plan.expectsCallbacks ? Call.Status.IN_PROGRESS : Call.Status.COMPLETED;
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

    /** Validated, normalised request: every problem is reported at once. */
    private record Checked(Call.Kind kind, String from, String to, FlowRevision revision, String bridgeTo,
                           int dialTimeout, JsonNode action, boolean record, int timeout) {
    }

    private Checked check(OriginateRequest request) {
        List<FieldError> errors = new ArrayList<>();
        String from = number(request.from(), "/from", errors);
        String to = number(request.to(), "/to", errors);
        int given = (request.flowId() != null ? 1 : 0) + (request.bridgeTo() != null ? 1 : 0)
                + (request.action() != null && !request.action().isNull() ? 1 : 0);
        if (given != 1) {
            errors.add(new FieldError("", "give exactly one of flowId (a flow call), bridgeTo (ClickToCall) "
                    + "or action (a raw verb)"));
        }
        if (request.flowVersion() != null && request.flowId() == null) {
            errors.add(new FieldError("/flowVersion", "only goes with flowId"));
        }
        if (request.flowVersion() != null && request.flowVersion() < 1) {
            errors.add(new FieldError("/flowVersion", "must be 1 or more"));
        }
        if (request.dialTimeout() != null && request.bridgeTo() == null) {
            errors.add(new FieldError("/dialTimeout", "only goes with bridgeTo"));
        }
        int dialTimeout = range(request.dialTimeout(), 15, "/dialTimeout", errors);
        int timeout = range(request.timeout(), 30, "/timeout", errors);
        String bridgeTo = null;
        if (request.bridgeTo() != null) {
            try {
                bridgeTo = numbers.dialTarget(request.bridgeTo());
            } catch (PhoneNumbers.InvalidNumber e) {
                errors.add(new FieldError("/bridgeTo", e.getMessage()));
            }
        }
        if (request.action() != null && !request.action().isNull()) {
            errors.addAll(verbs.validateVerb(request.action(), "/action"));
        }
        if (!errors.isEmpty()) {
            throw ProblemException.invalid("Invalid call request", errors);
        }
        Call.Kind kind = request.flowId() != null ? Call.Kind.FLOW
                : request.bridgeTo() != null ? Call.Kind.CLICK_TO_CALL : Call.Kind.RAW;
        FlowRevision revision = kind == Call.Kind.FLOW
                ? flows.revisionForCall(request.flowId(), request.flowVersion()) : null;
        return new Checked(kind, from, to, revision, bridgeTo, dialTimeout, request.action(),
                Boolean.TRUE.equals(request.recordCall()), timeout);
    }

    /** What the platform is told to run, and what nexaflow expects back. */
    private record Plan(JsonNode action, Path start, boolean expectsCallbacks) {
    }

    private Plan plan(Checked checked, UUID call) {
        return switch (checked.kind) {
            case FLOW -> {
                FlowProgram program = programs.of(checked.revision);
                Path start = program.start();
                String verb = callbacks.signAndRender(program, call, checked.revision.id, start, null);
                yield new Plan(read(verb), start, !start.ended());
            }
            case CLICK_TO_CALL -> {
                ObjectNode dial = json.createObjectNode().put("type", "dial").put("timeout", checked.dialTimeout);
                dial.putObject("data").put("number", checked.bridgeTo);
                yield new Plan(dial, null, false);
            }
            case RAW -> new Plan(checked.action, null, false);
        };
    }

    /** The vendor page's originate payload, field for field. */
    private ObjectNode payload(Checked checked, String accountId, JsonNode action) {
        ObjectNode payload = json.createObjectNode();
        payload.put("from", checked.from);
        payload.put("to", checked.to);
        payload.put("accountId", accountId);
        payload.putObject("recordCall").put("enable", checked.record);
        payload.set("action", action);
        payload.put("timeout", checked.timeout);
        return payload;
    }

    private Call create(UUID id, Checked checked, Plan plan, String idempotencyKey, String requestHash, String who) {
        Instant now = Clock.now();
        Call call = new Call();
        call.id = id;
        call.kind = checked.kind;
        if (checked.revision != null) {
            call.flowId = checked.revision.flowId;
            call.flowVersion = checked.revision.version;
            call.revisionId = checked.revision.id;
        }
        call.fromNumber = checked.from;
        call.toNumber = checked.to;
        call.status = Call.Status.QUEUED;
        call.attempts = plan.start == null ? json.createObjectNode() : json.valueToTree(plan.start.attempts().asMap());
        call.currentNode = plan.start == null ? null : plan.start.gather();
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
        return QuarkusTransaction.requiringNew().call(() -> {
            Instant now = Clock.now();
            Call call = Call.findById(id);
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
            if (status == Call.Status.COMPLETED && plan.start != null && plan.start.ended()) {
                call.currentNode = plan.start.nodes().isEmpty() ? null
                        : plan.start.nodes().get(plan.start.nodes().size() - 1);
            }
            if (plan.start != null && !plan.start.dialed().isEmpty()) {
                call.bridgedTo = plan.start.dialed().get(plan.start.dialed().size() - 1);
            }
            transition(call, status, status == Call.Status.COMPLETED ? "nexaflow handed Nexafone the call's last verbs"
                    : error);
            return call;
        });
    }

    private void transition(Call call, Call.Status to, String reason) {
        StatusChange change = new StatusChange(call.status, to, reason);
        if (!change.allowed()) {
            // Only when a callback overtook the platform's answer; recorded as before, but worth a look.
            LOG.warnf("call %s: moving from %s to %s, which the lifecycle does not expect", call.id, call.status, to);
        }
        change.apply(call, Clock.now());
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

    private String number(String raw, String pointer, List<FieldError> errors) {
        try {
            return numbers.pstn(raw);
        } catch (PhoneNumbers.InvalidNumber e) {
            errors.add(new FieldError(pointer, e.getMessage()));
            return null;
        }
    }

    private static int range(Integer value, int otherwise, String pointer, List<FieldError> errors) {
        if (value == null) {
            return otherwise;
        }
        if (value < 1 || value > 600) {
            errors.add(new FieldError(pointer, "must be between 1 and 600 seconds, was " + value));
        }
        return value;
    }

    private String canonical(OriginateRequest request) {
        try {
            return FlowJson.MAPPER.writeValueAsString(request);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    private JsonNode read(String verb) {
        try {
            return json.readTree(verb);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("the compiler made invalid JSON", e);
        }
    }

    private static ProblemException callProblem(int status, String slug, String title, String detail, UUID call) {
        return new ProblemException(Problem.of(status, slug, title, detail).withInstance("/v1/calls/" + call));
    }

    private void count(String outcome) {
        meters.counter("nexaflow.originate", "outcome", outcome).increment();
    }
}
