package io.nexaflow.flow;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.nexaflow.engine.Attempts;
import io.nexaflow.engine.DataTurn;
import io.nexaflow.expr.Masking;
import io.nexaflow.expr.Scope;
import io.nexaflow.turn.TurnRunner;
import java.util.UUID;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.nexaflow.engine.FlowProgram;
import io.nexaflow.engine.Turn;
import io.nexaflow.engine.Routing;
import io.nexaflow.state.CallbackVerbs;
import jakarta.enterprise.context.ApplicationScoped;
import org.eclipse.microprofile.openapi.annotations.media.Schema;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** A dry run of a flow revision: the verbs a call would get for given inputs, without Nexafone or a call row. */
@ApplicationScoped
public class FlowDryRun {

    @Schema(name = "SimulationRequest")
    public record SimulationRequest(
            @Schema(description = "Digits pressed at each gather in turn; \"\" lets the gather time out",
                    example = "[\"\", \"7\", \"2\"]") List<String> inputs,
            @Schema(description = "Revision to run (default: the published one, else the latest)") Integer version,
            @Schema(description = "The call's starting variables, as for POST /v1/calls", example = "{\"amount\": 1250.5}")
            JsonNode variables,
            @Schema(description = "Answers of the flow's http nodes, by node id: `{\"status\": 200, \"body\": {…}}` "
                    + "or `{\"error\": \"timeout\"}`. A node without one goes to its onError. Nothing is sent.",
                    example = "{\"lookup\": {\"status\": 200, \"body\": {\"balance\": 150.5}}}")
            Map<String, JsonNode> http) {

        public SimulationRequest(List<String> inputs, Integer version) {
            this(inputs, version, null, null);
        }
    }

    @Schema(name = "SimulationStep")
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record SimulationStep(
            @Schema(description = "The gather the input was given to (absent for the call's start)") String node,
            @Schema(description = "What was pressed (absent for the call's start)") String input,
            @Schema(description = "How the input was routed") Routing route,
            @Schema(description = "Nodes entered, in order") List<String> entered,
            @Schema(description = "The verb JSON Nexafone would be answered") JsonNode verb,
            @Schema(description = "The gather the call then waits at; absent when the call ends") String waitingAt,
            @Schema(description = "Gather attempts so far") Map<String, Integer> attempts,
            @Schema(description = "Gathers whose maxAttempts ran out") List<String> exhausted,
            @Schema(description = "Data-driven flows: the call's variables after this step (sensitive ones masked)")
            Map<String, Object> variables,
            @Schema(description = "Data-driven flows: the requests this step's http nodes made (mocked), as the audit "
                    + "trail records them") List<JsonNode> requests,
            @Schema(description = "Why the caller would hear the fallback verb here") String failed) {
    }

    @Schema(name = "Simulation")
    public record Simulation(int version, List<SimulationStep> steps, boolean ended,
                        @Schema(description = "Inputs left over once the call had ended") List<String> unusedInputs) {
    }

    private final ObjectMapper json;
    private final CallbackVerbs verbs;

    public FlowDryRun(ObjectMapper json, CallbackVerbs verbs) {
        this.json = json;
        this.verbs = verbs;
    }

    public Simulation run(FlowProgram program, int version, List<String> inputs) {
        return run(program, version, inputs, Map.of(), Map.of());
    }

    /** With the call's starting variables and mocked answers of its http nodes (data-driven flows). */
    public Simulation run(FlowProgram program, int version, List<String> inputs, Map<String, Object> variables,
                          Map<String, JsonNode> http) {
        if (program.dataDriven()) {
            return runData(program, version, inputs == null ? List.of() : inputs, variables, http);
        }
        List<SimulationStep> steps = new ArrayList<>();
        Turn path = program.start();
        steps.add(step(program, null, null, null, path));
        int used = 0;
        for (String input : inputs == null ? List.<String>of() : inputs) {
            if (path.ended()) {
                break;
            }
            String gather = path.gather();
            FlowProgram.Routed next = program.callback(gather, path.attempts(), input);
            path = next.turn();
            steps.add(step(program, gather, input == null ? "" : input, next.routing(), path));
            used++;
        }
        List<String> unused = inputs == null ? List.of() : inputs.subList(used, inputs.size());
        return new Simulation(version, steps, path.ended(), unused);
    }

    private SimulationStep step(FlowProgram program, String node, String input, Routing routing, Turn path) {
        JsonNode verb;
        try {
            verb = json.readTree(verbs.renderUnsigned(program, path));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
        return new SimulationStep(node, input, routing, path.nodes(), verb, path.gather(), path.attempts().asMap(),
                path.exhausted().isEmpty() ? null : path.exhausted(), null, null, null);
    }

    private Simulation runData(FlowProgram program, int version, List<String> inputs, Map<String, Object> variables,
                               Map<String, JsonNode> http) {
        List<SimulationStep> steps = new ArrayList<>();
        Scope scope = TurnRunner.scope(SIMULATED_CALL, "+10000000000", "+10000000001", variables);
        DataTurn.Progress.Finished finished = mocked(program.begin(program.flow().start(), Attempts.none(), scope), http);
        steps.add(dataStep(program, null, null, null, finished));
        int used = 0;
        for (String input : inputs) {
            Turn path = finished.turn();
            if (path.ended() || finished.failed() != null) {
                break;
            }
            String gather = path.gather();
            Routing routing = program.route(gather, input);
            finished = mocked(program.resume(gather, routing, path.attempts(), finished.scope()), http);
            String shown = input == null ? "" : program.masksDigits(gather) ? Masking.digits(input) : input;
            Routing recorded = program.masksDigits(gather)
                    ? new Routing(Masking.digits(routing.digits()), routing.reason(), routing.target()) : routing;
            steps.add(dataStep(program, gather, shown, recorded, finished));
            used++;
        }
        boolean ended = finished.turn().ended() || finished.failed() != null;
        return new Simulation(version, steps, ended, inputs.subList(used, inputs.size()));
    }

    /** Drives a turn with the mocked answers; a node without a mock gets an error (its onError runs). */
    private static DataTurn.Progress.Finished mocked(DataTurn.Progress progress, Map<String, JsonNode> http) {
        while (progress instanceof DataTurn.Progress.Awaiting awaiting) {
            JsonNode mock = http == null ? null : http.get(awaiting.request().node());
            DataTurn.Answer answer;
            if (mock == null) {
                answer = DataTurn.Answer.failed("no mock answer for node '" + awaiting.request().node() + "'");
            } else if (mock.hasNonNull("error")) {
                answer = DataTurn.Answer.failed(mock.get("error").asText());
            } else {
                JsonNode body = mock.get("body");
                answer = new DataTurn.Answer(mock.path("status").asInt(200), body == null || body.isNull() ? null : body,
                        null, 0);
            }
            progress = awaiting.turn().resume(answer);
        }
        return (DataTurn.Progress.Finished) progress;
    }

    private SimulationStep dataStep(FlowProgram program, String node, String input, Routing routing,
                                    DataTurn.Progress.Finished finished) {
        Turn path = finished.turn();
        JsonNode verb = null;
        if (finished.failed() == null) {
            try {
                verb = json.readTree(verbs.renderUnsigned(program, path));
            } catch (JsonProcessingException e) {
                throw new IllegalStateException(e);
            }
        }
        Map<String, Object> shown = program.shownVars(finished.scope().vars());
        List<JsonNode> requests = new ArrayList<>();
        for (TurnRunner.Audit audit : TurnRunner.auditPayloads(finished, program)) {
            try {
                ObjectNode request = (ObjectNode) json.readTree(audit.payload());
                request.remove("latencyMs");
                requests.add(request);
            } catch (JsonProcessingException e) {
                throw new IllegalStateException(e);
            }
        }
        return new SimulationStep(node, input, routing, path.nodes(), verb, path.gather(), path.attempts().asMap(),
                path.exhausted().isEmpty() ? null : path.exhausted(), shown, requests, finished.failed());
    }

    /** The call id a simulation's templates see for {@code {{call.id}}}. */
    static final UUID SIMULATED_CALL = new UUID(0, 0);
}
