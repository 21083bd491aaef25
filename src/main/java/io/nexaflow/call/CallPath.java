package io.nexaflow.call;

/**
 * A call's path through its flow, read from the audit trail (docs/architecture.md, "Campaign results"): the
 * ORIGINATING STATUS event names the nodes the first turn entered ({@code entered}), and each DTMF event those its
 * answer entered. The rule itself is the SQL function {@code call_event_step} (db/migration V11), stored in
 * call_event.step and indexed with its call (call_event_steps); this class names it for every SQL reader: the
 * campaign export and the flow analytics.
 */
public final class CallPath {

    /**
     * The step of call_event {@code e}, as a jsonb object: a step of the path (it has {@code entered}), an http
     * node's request ({@code ok}), or NULL for any other event. Only rows with a step are in call_event_steps.
     */
    public static final String STEP = "e.step";

    /** True for the events of call_event {@code e} that move the call along its path. */
    public static final String EVENTS = "(e.step IS NOT NULL AND (e.step -> 'entered') IS NOT NULL)";

    /** The nodes event {@code e} entered, in order, as a jsonb array (empty for none). */
    public static final String ENTERED = "(e.step -> 'entered')";

    private CallPath() {
    }

    /** A scalar subquery: the path of the call whose id is the SQL expression {@code call}, as a text array. */
    public static String nodes(String call) {
        return """
                (SELECT array_agg(t.node ORDER BY e.id, t.n) FROM call_event e
                   CROSS JOIN LATERAL jsonb_array_elements_text(%s) WITH ORDINALITY AS t (node, n)
                  WHERE e.call_id = %s AND %s)""".formatted(ENTERED, call, EVENTS);
    }
}
