package io.nexaflow.engine;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * What Nexafone runs after one step of a call: the chain of nodes sent in one response.
 *
 * @param nodes     node ids entered, in order
 * @param gather    the gather that ends the chain (its callback comes next), or null when the call ends
 * @param attempts  gather entry counts after this path, the ending gather already counted
 * @param hangup    true when the chain ends in a hangup verb: a hangup node, or a synthetic one because a
 *                  gather's attempts ran out with nowhere to go (or the walk was cut off)
 * @param exhausted gathers whose maxAttempts ran out during this walk, in order, each once
 * @param dialed    numbers of the dial nodes entered, in order
 * @param rendered  per node entered whose audioUrl or number holds templates: the value filled in for this call
 */
public record Turn(List<String> nodes, String gather, Attempts attempts, boolean hangup, List<String> exhausted,
                   List<String> dialed, Map<String, String> rendered) {

    public Turn {
        nodes = List.copyOf(nodes);
        Objects.requireNonNull(attempts, "attempts");
        exhausted = List.copyOf(exhausted);
        dialed = List.copyOf(dialed);
        rendered = rendered == null ? Map.of() : Collections.unmodifiableMap(new LinkedHashMap<>(rendered));
    }

    public Turn(List<String> nodes, String gather, Attempts attempts, boolean hangup, List<String> exhausted,
                List<String> dialed) {
        this(nodes, gather, attempts, hangup, exhausted, dialed, Map.of());
    }

    /** True when no callback follows: the call ends after this chain. */
    public boolean ended() {
        return gather == null;
    }
}
