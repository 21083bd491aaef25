package io.nexaflow.call;

/**
 * A call's path through its flow, read from the audit trail (docs/architecture.md, "Campaign results"): the
 * ORIGINATING STATUS event names the nodes the first turn entered ({@code entered}), and each DTMF event those its
 * answer entered. The one owner of that rule for every SQL reader: the campaign export and the flow analytics.
 */
public final class CallPath {

    /** True for the events of call_event {@code e} that move the call along its path. */
    public static final String EVENTS =
            "(e.type = 'DTMF' OR (e.type = 'STATUS' AND e.payload ->> 'to' = 'ORIGINATING'))";

    /** The nodes event {@code e} entered, in order, as a jsonb array (empty for none). */
    public static final String ENTERED = "COALESCE(e.payload -> 'entered', '[]'::jsonb)";

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
