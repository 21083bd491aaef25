package io.nexaflow.telemetry;

import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanContext;
import org.jboss.logging.MDC;

import java.util.UUID;

/**
 * What ties a call's log lines and spans together: its id (and Nexafone's callId) in the MDC, which the JSON log
 * prints under {@code mdc}, and as span attributes. Quarkus puts {@code traceId} and {@code spanId} in the MDC on
 * request threads; on the threads nexaflow runs itself (group commit, journal, dialer) {@link #of} puts the given
 * span's. Used as {@code try (var logged = CallContext.of(call, callId, span)) { LOG... }}: the previous values
 * come back on close, so a pooled thread never keeps a call that is not its own. Never a number or digits here.
 */
public final class CallContext implements AutoCloseable {

    /** MDC key and span attribute: nexaflow's call id (a UUID). */
    public static final String CALL = "callId";
    /** MDC key and span attribute: Nexafone's callId, once the platform gave one. */
    public static final String NEXAFONE_CALL = "nexafoneCallId";
    public static final String TRACE_ID = "traceId";
    public static final String SPAN_ID = "spanId";

    public static final AttributeKey<String> CALL_ATTRIBUTE = AttributeKey.stringKey("nexaflow.call.id");
    public static final AttributeKey<String> NEXAFONE_CALL_ATTRIBUTE = AttributeKey.stringKey("nexafone.call.id");

    private static final String[] KEYS = {CALL, NEXAFONE_CALL, TRACE_ID, SPAN_ID};

    private final Object[] previous = new Object[KEYS.length];

    private CallContext(Object... values) {
        for (int i = 0; i < KEYS.length; i++) {
            previous[i] = MDC.get(KEYS[i]);
            if (values[i] != null) {
                MDC.put(KEYS[i], values[i]);
            }
        }
    }

    /** The call (and its Nexafone callId, when known) in the MDC until closed; the span's ids when it is real. */
    public static CallContext of(UUID call, String nexafoneCallId, Span span) {
        SpanContext ids = span == null ? SpanContext.getInvalid() : span.getSpanContext();
        return new CallContext(call == null ? null : call.toString(), nexafoneCallId,
                ids.isValid() ? ids.getTraceId() : null, ids.isValid() ? ids.getSpanId() : null);
    }

    /** The call in the MDC until closed, with the current span's ids when there is one. */
    public static CallContext of(UUID call, String nexafoneCallId) {
        return of(call, nexafoneCallId, Span.current());
    }

    /** Puts the call in the MDC for the rest of this request (request threads, whose MDC is the request's own). */
    public static void enter(UUID call, String nexafoneCallId) {
        if (call != null) {
            MDC.put(CALL, call.toString());
        }
        if (nexafoneCallId != null) {
            MDC.put(NEXAFONE_CALL, nexafoneCallId);
        }
    }

    /** Names the call on a span: nexaflow's id and, when known, Nexafone's callId. */
    public static Span tag(Span span, UUID call, String nexafoneCallId) {
        if (call != null) {
            span.setAttribute(CALL_ATTRIBUTE, call.toString());
        }
        if (nexafoneCallId != null) {
            span.setAttribute(NEXAFONE_CALL_ATTRIBUTE, nexafoneCallId);
        }
        return span;
    }

    @Override
    public void close() {
        for (int i = 0; i < KEYS.length; i++) {
            if (previous[i] == null) {
                MDC.remove(KEYS[i]);
            } else {
                MDC.put(KEYS[i], previous[i]);
            }
        }
    }
}
