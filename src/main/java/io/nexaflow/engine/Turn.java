package io.nexaflow.engine;

import java.util.List;
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
 */
public record Turn(List<String> nodes, String gather, Attempts attempts, boolean hangup, List<String> exhausted,
                   List<String> dialed) {

    public Turn {
        nodes = List.copyOf(nodes);
        Objects.requireNonNull(attempts, "attempts");
        exhausted = List.copyOf(exhausted);
        dialed = List.copyOf(dialed);
    }

    /** True when no callback follows: the call ends after this chain. */
    public boolean ended() {
        return gather == null;
    }
}
