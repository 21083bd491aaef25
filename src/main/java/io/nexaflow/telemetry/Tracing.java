package io.nexaflow.telemetry;

import io.opentelemetry.api.OpenTelemetry;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanContext;
import io.opentelemetry.api.trace.Tracer;
import jakarta.inject.Singleton;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * nexaflow's tracer: Quarkus' OpenTelemetry when tracing is on, a no-op one when it is off. Quarkus' "disabled"
 * SDK still makes recording spans (it only drops them), so with tracing off the hot path would pay for every
 * span; the no-op tracer makes non-recording spans, which the code checks before doing any tracing work.
 */
@Singleton
public class Tracing {

    /** The instrumentation scope of nexaflow's own spans. */
    public static final String SCOPE = "io.nexaflow";
    /** A tracer that makes no-op spans: tracing off, and the tests that build a class outside CDI. */
    public static final Tracer OFF = OpenTelemetry.noop().getTracer(SCOPE);

    private final Tracer tracer;

    public Tracing(OpenTelemetry openTelemetry,
                   @ConfigProperty(name = TracingSwitch.DISABLED, defaultValue = "false") boolean disabled) {
        this.tracer = disabled ? OFF : openTelemetry.getTracer(SCOPE);
    }

    public Tracer tracer() {
        return tracer;
    }

    /**
     * Whether a span started now may be recorded: not under a parent the sampler dropped, since the samplers drop
     * its children too (parent-based ones by the parent, ratio ones by the same trace id). The callback path asks
     * first and skips building a span that would be dropped (bench/FINDINGS.md, "Tracing").
     */
    public static boolean mayRecord() {
        SpanContext parent = Span.current().getSpanContext();
        return !parent.isValid() || parent.isSampled();
    }
}
