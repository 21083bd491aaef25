package io.nexaflow.webhook;

import io.nexaflow.engine.FlowProgram;

import java.time.Instant;
import java.util.UUID;

/**
 * A gather callback that verified and routed: what the call does next, waiting to be made durable.
 * {@code verb} is the exact JSON answered once the write commits; {@code variables}, for a data-driven call, its
 * variables after the turn as people may see them (JSON, sensitive values masked), else null (left as they are).
 */
public record CallbackWrite(UUID call, String platformCallId, String node, int attempt, String dtmf,
                            String channelId, FlowProgram.Routed step, String verb, Instant at, String variables)
        implements CallbackStore.Write {

    public CallbackWrite(UUID call, String platformCallId, String node, int attempt, String dtmf, String channelId,
                         FlowProgram.Routed step, String verb, Instant at) {
        this(call, platformCallId, node, attempt, dtmf, channelId, step, verb, at, null);
    }

    /** A callback is recorded once per (call, gather node, attempt). */
    public record Key(UUID call, String node, int attempt) {
    }

    public Key key() {
        return new Key(call, node, attempt);
    }
}
