package io.nexaflow.webhook;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.nexaflow.call.CallEvent;

import java.time.Instant;
import java.util.UUID;

/** An audit event on its own (a rejected callback, a fallback answered); {@code call} may be null. */
public record EventWrite(UUID call, CallEvent.Type type, String node, Integer attempt, String dtmf, String payload,
                         Instant at) implements CallbackStore.Write {

    /** A callback nexaflow did not route normally, and why; the payload names what the platform sent. */
    static EventWrite refusedCallback(CallEvent.Type type, UUID call, String node, Integer attempt, String callId, String dtmf,
                                      String channelId, String reason, Instant at) {
        ObjectNode payload = JsonNodeFactory.instance.objectNode();
        payload.put("reason", reason);
        payload.put("callId", callId);
        payload.put("channelId", channelId);
        return new EventWrite(call, type, node, attempt, dtmf, payload.toString(), at);
    }

    /** A request an http node made during a callback's turn (payload from TurnRunner: masked, no body). */
    static EventWrite httpRequest(UUID call, String node, String payload, Instant at) {
        return new EventWrite(call, CallEvent.Type.HTTP_REQUEST, node, null, null, payload, at);
    }
}
