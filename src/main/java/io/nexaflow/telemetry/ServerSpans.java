package io.nexaflow.telemetry;

import io.opentelemetry.api.OpenTelemetry;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.context.Context;
import io.opentelemetry.context.Scope;
import io.opentelemetry.context.propagation.TextMapGetter;
import io.opentelemetry.context.propagation.TextMapPropagator;
import io.quarkus.vertx.http.HttpServerOptionsCustomizer;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.tracing.TracingPolicy;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Singleton;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * The server span of every request to the application (callbacks, the API, the console), with the caller's
 * {@code traceparent} as its parent when one came. Quarkus' own Vert.x instrumentation stays on for the HTTP
 * client (the REST client's spans to Nexafone), and is switched off for the HTTP server here (its tracing policy):
 * it works out some fifteen attributes of every request (the URL parsed, forwarded headers, the client's address)
 * before the sampler decides, and on the callback path that alone cost more than the 5% of throughput tracing may
 * take (bench/FINDINGS.md, "Tracing"). Here a request that is not sampled costs a span id and the context attached
 * (so its children follow the decision, and its log lines carry the trace id); a sampled one gets the method,
 * scheme, path, route and status, never the query string (the callback's carries its state token).
 */
@Singleton
public class ServerSpans implements HttpServerOptionsCustomizer {

    static final AttributeKey<String> METHOD = AttributeKey.stringKey("http.request.method");
    static final AttributeKey<String> SCHEME = AttributeKey.stringKey("url.scheme");
    static final AttributeKey<String> PATH = AttributeKey.stringKey("url.path");
    static final AttributeKey<String> ROUTE = AttributeKey.stringKey("http.route");
    static final AttributeKey<Long> STATUS = AttributeKey.longKey("http.response.status_code");
    /** Where Quarkus REST leaves the matched resource's path template (its observability handler). */
    private static final String PATH_TEMPLATE = "UrlPathTemplate";
    /** Quarkus' own endpoints (health, metrics, OpenAPI), which Quarkus' instrumentation did not trace either. */
    private static final String NON_APPLICATION = "/q/";

    private static final TextMapGetter<HttpServerRequest> HEADERS = new TextMapGetter<>() {
        @Override
        public Iterable<String> keys(HttpServerRequest request) {
            return request.headers().names();
        }

        @Override
        public String get(HttpServerRequest request, String key) {
            return request == null ? null : request.getHeader(key);
        }
    };

    private final Tracer tracer;
    private final TextMapPropagator propagator;
    private final boolean disabled;

    public ServerSpans(Tracing tracing, OpenTelemetry openTelemetry,
                       @ConfigProperty(name = TracingSwitch.DISABLED, defaultValue = "false") boolean disabled) {
        this.tracer = tracing.tracer();
        this.propagator = openTelemetry.getPropagators().getTextMapPropagator();
        this.disabled = disabled;
    }

    @Override
    public void customizeHttpServer(HttpServerOptions options) {
        if (!disabled) {
            options.setTracingPolicy(TracingPolicy.IGNORE);
        }
    }

    @Override
    public void customizeHttpsServer(HttpServerOptions options) {
        customizeHttpServer(options);
    }

    @Override
    public void customizeDomainSocketServer(HttpServerOptions options) {
        customizeHttpServer(options);
    }

    void install(@Observes Router router) {
        if (!disabled) {
            // Before every other handler: authentication's refusals are requests too.
            router.route().order(Integer.MIN_VALUE).handler(this::handle);
        }
    }

    void handle(RoutingContext routing) {
        HttpServerRequest request = routing.request();
        if (request.path().startsWith(NON_APPLICATION)) {
            routing.next();
            return;
        }
        Context parent = propagator.extract(Context.root(), request, HEADERS);
        String method = request.method().name();
        Span span = tracer.spanBuilder(method).setSpanKind(SpanKind.SERVER).setParent(parent).startSpan();
        // Current for the whole request, sampled or not: the callback's and the originate's spans are its children
        // and follow its sampling decision (the parent-based sampler), and log lines carry its trace id.
        Scope current = parent.with(span).makeCurrent();
        io.vertx.core.Context requestContext = Vertx.currentContext();
        if (span.isRecording()) {
            span.setAttribute(METHOD, method);
            span.setAttribute(SCHEME, request.scheme());
            span.setAttribute(PATH, request.path());
        }
        routing.addEndHandler(ended -> {
            if (span.isRecording()) {
                String route = requestContext == null ? null : requestContext.getLocal(PATH_TEMPLATE);
                if (route != null) {
                    span.setAttribute(ROUTE, route);
                    span.updateName(method + " " + route);
                }
                int status = routing.response().getStatusCode();
                span.setAttribute(STATUS, (long) status);
                if (status >= 500 || ended.failed()) {
                    span.setStatus(StatusCode.ERROR);
                }
                span.end();
            }
            current.close();
        });
        routing.next();
    }
}
