package io.nexaflow.call;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.time.Instant;

/**
 * The one builder of a status change and its {@code {from, to, reason}} STATUS event: for entities through
 * {@link #apply}, for set-based SQL through {@link #sqlEvent}. Moves are checked against {@link Call.Status#allows}.
 */
public record StatusChange(Call.Status from, Call.Status to, String reason) {

    public StatusChange {
        if (to == null) {
            throw new IllegalArgumentException("a status change needs a target status");
        }
    }

    /** A change the lifecycle allows; anything else is a bug in the caller. */
    public static StatusChange of(Call.Status from, Call.Status to, String reason) {
        if (!Call.Status.allows(from, to)) {
            throw new IllegalStateException("a call cannot move from " + from + " to " + to);
        }
        return new StatusChange(from, to, reason);
    }

    /** Entering a final status ends the call. */
    public boolean ends() {
        return Call.Status.FINAL.contains(to);
    }

    /** The STATUS event's payload: {@code from} always present (null for a new call), {@code reason} when given. */
    public ObjectNode payload() {
        ObjectNode payload = JsonNodeFactory.instance.objectNode();
        payload.put("from", from == null ? null : from.name());
        payload.put("to", to.name());
        if (reason != null) {
            payload.put("reason", reason);
        }
        return payload;
    }

    /** Moves a managed entity and persists the STATUS event, in the caller's transaction. */
    public void apply(Call call, Instant at) {
        apply(call, at, null);
    }

    /**
     * As {@link #apply(Call, Instant)}, the event also naming the nodes the call's first turn entered (a flow
     * call's ORIGINATING), so its path through the flow reads from the audit trail as DTMF events continue it.
     */
    public void apply(Call call, Instant at, java.util.List<String> entered) {
        ObjectNode payload = payload();
        if (entered != null) {
            entered.forEach(payload.putArray("entered")::add);
        }
        CallEvent.of(call.id, CallEvent.Type.STATUS, payload, at).persist();
        call.status = to;
        call.updatedAt = at;
        if (ends()) {
            call.endedAt = at;
        }
    }

    /** Records a new call's first status (QUEUED) as an event; the row itself is written by its creator. */
    public static void created(Call call, Instant at) {
        CallEvent.of(call.id, CallEvent.Type.STATUS, of(null, Call.Status.QUEUED, null).payload(), at).persist();
    }

    /**
     * The STATUS event's payload as an SQL expression, for statements that move many calls at once; each
     * argument is an SQL expression (a column, a parameter, a literal). Same keys as {@link #payload()}.
     */
    public static String sqlEvent(String fromSql, String toSql, String reasonSql) {
        return "jsonb_build_object('from', " + fromSql + ", 'to', " + toSql + ", 'reason', " + reasonSql + ")";
    }

    /** A status as an SQL literal. */
    public static String sql(Call.Status status) {
        return "'" + status.name() + "'";
    }
}
