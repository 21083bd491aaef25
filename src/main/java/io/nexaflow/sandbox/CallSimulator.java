package io.nexaflow.sandbox;

import com.fasterxml.jackson.databind.JsonNode;
import io.nexaflow.config.NexaflowConfig;
import io.nexaflow.nexafone.PayloadValidator;
import io.nexaflow.number.PhoneNumbers;
import io.nexaflow.problem.Problem.FieldError;
import io.nexaflow.problem.ProblemException;
import io.nexaflow.sandbox.SandboxDtos.CallSummary;
import io.nexaflow.sandbox.SandboxDtos.SimulatedCallView;
import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import org.jboss.logging.Logger;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

/**
 * What the sandbox does with a call, as the platform would: accepts or rejects the originate, then lets
 * {@link VerbRunner} play it; shows calls from {@link SimulatedCalls} and presses keys for them. A call's state
 * changes only under its own monitor.
 */
@ApplicationScoped
public class CallSimulator {

    private static final Logger LOG = Logger.getLogger(CallSimulator.class);

    /** The result of an originate request. */
    public sealed interface Originated {
        record Accepted(String callId) implements Originated {
        }

        record Rejected(List<FieldError> errors) implements Originated {
        }

        /** A valid payload naming a number the platform cannot call (outcome {@code fail}). */
        record Refused(List<FieldError> errors) implements Originated {
        }

        record Full(String message) implements Originated {
        }
    }

    private final NexaflowConfig.Sandbox config;
    private final Subscribers subscribers;
    private final SimulatedCalls calls;
    private final VerbRunner runner;
    private final PayloadValidator validator;

    public CallSimulator(NexaflowConfig config, Subscribers subscribers, SimulatedCalls calls, VerbRunner runner) {
        this.config = config.sandbox();
        this.subscribers = subscribers;
        this.calls = calls;
        this.runner = runner;
        this.validator = VerbRunner.validator(config);
    }

    /** A bad outcome or script setting fails the start, by name. */
    void start(@Observes StartupEvent event) {
        if (!config.enabled()) {
            return;
        }
        subscribers.outcome(""); // builds Subscribers now, so a bad outcome or default script fails the start
        LOG.infof("Nexafone sandbox enabled at /sandbox (account %s, time factor %s)", config.accountId(), config.timeFactor());
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
        // Before the script is taken: a refused originate leaves the number's queued scripts for its next call.
        List<FieldError> refused = refusedNumbers(payload);
        if (!refused.isEmpty()) {
            LOG.infof("Sandbox originate refused: %s → %s cannot be called", PhoneNumbers.mask(payload.get("from").asText()),
                    PhoneNumbers.mask(payload.get("to").asText()));
            return new Originated.Refused(refused);
        }
        var call = new SimulatedCall(UUID.randomUUID().toString(), tokenAccount, payload,
                subscribers.takeScript(payload.get("to").asText()));
        Optional<Integer> full = calls.add(call);
        if (full.isPresent()) {
            return new Originated.Full("The sandbox already runs " + full.get() + " calls; try again when some end");
        }
        synchronized (call) {
            call.step(TranscriptStep.kind("queued").message(call.recording ? "originate accepted; recording" : "originate accepted"));
            runner.start(call);
        }
        LOG.infof("Sandbox call %s queued: %s → %s", call.id, PhoneNumbers.mask(call.from), PhoneNumbers.mask(call.to));
        return new Originated.Accepted(call.id);
    }

    /** The from and to numbers whose outcome is {@code fail}, each at its pointer. */
    private List<FieldError> refusedNumbers(JsonNode payload) {
        List<FieldError> refused = new ArrayList<>();
        if (subscribers.outcome(payload.get("from").asText()) == Answering.FAIL) {
            refused.add(new FieldError("/from", "the platform cannot place calls from this number"));
        }
        if (subscribers.outcome(payload.get("to").asText()) == Answering.FAIL) {
            refused.add(new FieldError("/to", "the platform cannot place calls to this number"));
        }
        return refused;
    }

    public Optional<SimulatedCallView> view(String callId) {
        return calls.find(callId).map(call -> {
            synchronized (call) {
                return call.view();
            }
        });
    }

    /** Newest first, optionally only calls to one number. */
    public List<CallSummary> recent(String to, int limit) {
        String wanted = to == null || to.isBlank() ? null : subscribers.normalise(to);
        List<SimulatedCall> all = calls.all();
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
            runner.press(call, digits, "api");
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
                runner.pressScripted(call);
            }
            return call.view();
        }
    }

    private SimulatedCall require(String callId) {
        return calls.find(callId).orElseThrow(() -> ProblemException.notFound("No sandbox call " + callId));
    }
}
