package io.nexaflow.state;

import io.nexaflow.engine.Attempts;

import java.util.UUID;

/**
 * What a gather callback is about, carried in its URL and signed: the call row, the flow revision it runs,
 * the gather node, and the gather attempts so far. Routing needs no database read.
 */
public record StateToken(UUID call, UUID revision, String node, Attempts attempts) {

    /** The entry of {@code node} this callback answers; with call and node it names the callback uniquely. */
    public int attempt() {
        return attempts.of(node);
    }
}
