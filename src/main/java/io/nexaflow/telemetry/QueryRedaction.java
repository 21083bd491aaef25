package io.nexaflow.telemetry;

import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.context.Context;
import io.opentelemetry.sdk.trace.ReadWriteSpan;
import io.opentelemetry.sdk.trace.ReadableSpan;
import io.opentelemetry.sdk.trace.SpanProcessor;
import jakarta.enterprise.context.ApplicationScoped;

/**
 * Query strings never leave in a span: the callback's carries the state token, a list of calls may filter by a
 * phone number, and a flow's request to a business may put the caller's number or digits in its URL. The HTTP
 * instrumentation records them as {@code url.query} and in {@code url.full}; this processor (picked up by the
 * OpenTelemetry extension as a CDI bean) replaces the query with {@code redacted} as each span starts.
 */
@ApplicationScoped
public class QueryRedaction implements SpanProcessor {

    static final AttributeKey<String> QUERY = AttributeKey.stringKey("url.query");
    static final AttributeKey<String> FULL = AttributeKey.stringKey("url.full");
    static final String REDACTED = "redacted";

    @Override
    public void onStart(Context parent, ReadWriteSpan span) {
        if (span.getAttribute(QUERY) != null) {
            span.setAttribute(QUERY, REDACTED);
        }
        String full = span.getAttribute(FULL);
        if (full != null && full.indexOf('?') >= 0) {
            span.setAttribute(FULL, full.substring(0, full.indexOf('?') + 1) + REDACTED);
        }
    }

    @Override
    public boolean isStartRequired() {
        return true;
    }

    @Override
    public void onEnd(ReadableSpan span) {
    }

    @Override
    public boolean isEndRequired() {
        return false;
    }
}
