package io.nexaflow.webhook;

import io.nexaflow.engine.FlowProgram;

import java.time.Instant;
import java.util.UUID;

/**
 * A gather callback that verified and routed: what the call does next, waiting to be made durable.
 * {@code verb} is the exact JSON answered once the write commits.
 */
public record CallbackWrite(UUID call, String platformCallId, String node, int attempt, String dtmf,
                            String channelId, FlowProgram.Routed step, String verb, Instant at)
        implements CallbackStore.Write {

    /** A callback is recorded once per (call, gather node, attempt). */
    public record Key(UUID call, String node, int attempt) {
    }

    public Key key() {
        return new Key(call, node, attempt);
    }
}
