package io.nexaflow.call;

import com.fasterxml.jackson.databind.JsonNode;

import java.time.Instant;
import java.util.List;

/**
 * Where a call waits, its gather attempts and when it last changed, read from its latest DTMF record. A callback
 * writes the call row only when a reader needs something there to change (its status, Nexafone's callId, a number
 * dialled, new variables: webhook.CallbackStore); a key press that only moves the caller on is its DTMF record
 * alone, whose payload names the gather it now waits at ({@code gather}), the nodes it went through
 * ({@code entered}) and the attempts after it ({@code attempts}). The one owner of that rule, for SQL readers and
 * for the entity.
 */
public final class LatestPress {

    /** Joins the latest DTMF record of call {@code c} as {@code p} (the index call_event_by_call, read backwards). */
    public static final String JOIN = """
            LEFT JOIN LATERAL (SELECT e.payload, e.at FROM call_event e WHERE e.call_id = c.id AND e.type = 'DTMF'
                                ORDER BY e.id DESC LIMIT 1) p ON true""";
    public static final String CURRENT_NODE =
            "CASE WHEN p.payload -> 'entered' IS NOT NULL THEN COALESCE(p.payload ->> 'gather', p.payload -> 'entered' ->> -1) "
                    + "ELSE c.current_node END";
    public static final String ATTEMPTS = "COALESCE(p.payload -> 'attempts', c.attempts)";
    public static final String UPDATED_AT = "GREATEST(c.updated_at, p.at)";

    private LatestPress() {
    }

    /** The call as readers see it, from its row and its events (oldest first). */
    record Seen(String currentNode, JsonNode attempts, Instant updatedAt) {
    }

    static Seen of(Call call, List<CallEvent> events) {
        for (int i = events.size() - 1; i >= 0; i--) {
            CallEvent e = events.get(i);
            if (e.type != CallEvent.Type.DTMF) {
                continue;
            }
            if (e.payload == null || !e.payload.has("entered")) {
                break;
            }
            JsonNode entered = e.payload.get("entered");
            String node = e.payload.hasNonNull("gather") ? e.payload.get("gather").asText()
                    : entered.isEmpty() ? null : entered.get(entered.size() - 1).asText();
            JsonNode attempts = e.payload.has("attempts") ? e.payload.get("attempts") : call.attempts;
            Instant updated = call.updatedAt == null || e.at.isAfter(call.updatedAt) ? e.at : call.updatedAt;
            return new Seen(node, attempts, updated);
        }
        return new Seen(call.currentNode, call.attempts, call.updatedAt);
    }
}
