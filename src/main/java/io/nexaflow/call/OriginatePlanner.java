package io.nexaflow.call;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.nexaflow.call.CallDtos.OriginateRequest;
import io.nexaflow.expr.Variables;
import io.nexaflow.engine.FlowProgram;
import io.nexaflow.engine.Turn;
import io.nexaflow.engine.Verb;
import io.nexaflow.engine.VerbJson;
import io.nexaflow.flow.model.FlowJson;
import io.nexaflow.nexafone.PayloadValidator;
import io.nexaflow.number.PhoneNumbers;
import io.nexaflow.problem.Problem.FieldError;
import io.nexaflow.problem.ProblemException;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * Turns an originate request into what is sent and recorded: validation (every problem at once), the
 * request's fingerprint for Idempotency-Key, and the vendor's originate payload. No database, no Quarkus:
 * the flow's program and the signing of its callback URL are handed in.
 */
public final class OriginatePlanner {

    /** Validated, normalised request. */
    public record Checked(Call.Kind kind, String from, String to, UUID flowId, Integer flowVersion, String bridgeTo,
                          int dialTimeout, JsonNode action, boolean record, int timeout, Map<String, Object> variables) {
    }

    /** Renders a flow call's first verb with its signed callback URL (see {@code state.CallbackVerbs}). */
    @FunctionalInterface
    public interface StartVerb {
        String render(FlowProgram program, UUID call, UUID revision, Turn start);
    }

    /**
     * The flow a FLOW call runs: its compiled program and the revision pinned on the call; for a data-driven flow
     * also its first turn, already run (its requests made), else null.
     */
    public record FlowStart(FlowProgram program, UUID revision, Turn start) {

        public FlowStart(FlowProgram program, UUID revision) {
            this(program, revision, null);
        }
    }

    /**
     * What the platform is told to run ({@code payload}, whose {@code action} is {@code action}), where the flow
     * starts ({@code start}, null for other kinds), and whether nexaflow expects callbacks.
     */
    public record Plan(ObjectNode payload, JsonNode action, Turn start, boolean expectsCallbacks) {
    }

    private final PhoneNumbers numbers;
    private final PayloadValidator verbs;
    private final ObjectMapper json;

    public OriginatePlanner(PhoneNumbers numbers, PayloadValidator verbs, ObjectMapper json) {
        this.numbers = numbers;
        this.verbs = verbs;
        this.json = json;
    }

    public Checked check(OriginateRequest request) {
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
        Map<String, Object> variables = Map.of();
        if (request.variables() != null && !request.variables().isNull()) {
            if (request.flowId() == null) {
                errors.add(new FieldError("/variables", "only goes with flowId"));
            } else {
                List<FieldError> problems = Variables.check(request.variables(), "/variables");
                errors.addAll(problems);
                if (problems.isEmpty()) {
                    variables = Variables.fromJson(request.variables());
                }
            }
        }
        if (!errors.isEmpty()) {
            throw ProblemException.invalid("Invalid call request", errors);
        }
        Call.Kind kind = request.flowId() != null ? Call.Kind.FLOW
                : request.bridgeTo() != null ? Call.Kind.CLICK_TO_CALL : Call.Kind.RAW;
        return new Checked(kind, from, to, request.flowId(), request.flowVersion(), bridgeTo, dialTimeout,
                request.action(), Boolean.TRUE.equals(request.recordCall()), timeout, variables);
    }

    /** The request's fingerprint: an Idempotency-Key replay must carry the same request. */
    public String fingerprint(OriginateRequest request) {
        try {
            return FlowJson.sha256(FlowJson.MAPPER.writeValueAsString(request));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The plan of call {@code call}; {@code flow} is given for FLOW calls only. */
    public Plan plan(Checked checked, UUID call, String accountId, FlowStart flow, StartVerb startVerb) {
        return switch (checked.kind()) {
            case FLOW -> {
                Turn start = flow.start() != null ? flow.start() : flow.program().start();
                JsonNode action = read(startVerb.render(flow.program(), call, flow.revision(), start));
                yield new Plan(payload(checked, accountId, action), action, start, !start.ended());
            }
            case CLICK_TO_CALL -> {
                JsonNode dial = clickToCallDial(checked);
                yield new Plan(payload(checked, accountId, dial), dial, null, false);
            }
            case RAW -> new Plan(payload(checked, accountId, checked.action()), checked.action(), null, false);
        };
    }

    /** The ClickToCall bridge: one dial verb. */
    private JsonNode clickToCallDial(Checked checked) {
        return read(VerbJson.write(Verb.clickToCall(checked.bridgeTo(), checked.dialTimeout())));
    }

    /** The vendor page's originate payload, field for field. */
    private ObjectNode payload(Checked checked, String accountId, JsonNode action) {
        ObjectNode payload = json.createObjectNode();
        payload.put("from", checked.from());
        payload.put("to", checked.to());
        payload.put("accountId", accountId);
        payload.putObject("recordCall").put("enable", checked.record());
        payload.set("action", action);
        payload.put("timeout", checked.timeout());
        return payload;
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

    private JsonNode read(String verb) {
        try {
            return json.readTree(verb);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("the compiler made invalid JSON", e);
        }
    }
}
