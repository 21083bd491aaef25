package io.nexaflow.state;

import io.nexaflow.engine.Attempts;

import java.util.UUID;

/**
 * What a gather callback is about, carried in its URL and signed: the call row, the flow revision it runs,
 * the gather node, and the gather attempts so far. Routing needs no database read.
 */
public record StateToken(UUID call, UUID revision, String node, Attempts attempts, CallData data) {

    /**
     * A data-driven call's numbers and variables, carried encrypted in the token (never in plaintext in a URL),
     * so a callback still needs no database read. Absent for flows without variables.
     */
    public record CallData(String from, String to, java.util.Map<String, Object> vars) {

        public CallData {
            vars = java.util.Map.copyOf(vars);
        }

        @Override
        public String toString() {
            return "CallData[vars=" + vars.keySet() + "]";
        }
    }

    public StateToken(UUID call, UUID revision, String node, Attempts attempts) {
        this(call, revision, node, attempts, null);
    }

    /** The entry of {@code node} this callback answers; with call and node it names the callback uniquely. */
    public int attempt() {
        return attempts.of(node);
    }
}
