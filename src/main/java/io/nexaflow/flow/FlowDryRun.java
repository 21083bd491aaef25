package io.nexaflow.flow;

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
            @Schema(description = "Revision to run (default: the published one, else the latest)") Integer version) {
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
            @Schema(description = "Gathers whose maxAttempts ran out") List<String> exhausted) {
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
                path.exhausted().isEmpty() ? null : path.exhausted());
    }
}
