package io.nexaflow.console;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.nexaflow.config.NexaflowConfig;
import io.nexaflow.problem.Problem;
import io.quarkus.vertx.http.runtime.filters.Filters;
import io.vertx.core.http.HttpHeaders;
import io.vertx.ext.web.RoutingContext;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.ws.rs.NotFoundException;
import jakarta.ws.rs.container.ResourceInfo;
import org.jboss.resteasy.reactive.server.ServerRequestFilter;

/**
 * The console's front door, in front of its pages and of the static files it serves (its CSS and script, Mermaid
 * from the WebJar): with the console off (prod, unless NEXAFLOW_CONSOLE_ENABLED=true) they answer the 404 of any
 * unknown path; with it on, every answer carries headers that keep the browser to the service's own files.
 */
@ApplicationScoped
public class ConsoleGate {

    /** Scripts, styles and connections from this service only; Mermaid writes style attributes into its SVG. */
    static final String CONTENT_SECURITY_POLICY = "default-src 'none'; script-src 'self'; "
            + "style-src 'self' 'unsafe-inline'; img-src 'self' data:; font-src 'self'; connect-src 'self'; "
            + "form-action 'self'; frame-ancestors 'none'; base-uri 'none'";

    private final boolean enabled;
    private final ObjectMapper json;

    public ConsoleGate(NexaflowConfig config, ObjectMapper json) {
        this.enabled = config.console().enabled();
        this.json = json;
    }

    void register(@Observes Filters filters) {
        // Before the static files and the REST layer.
        filters.register(this::filter, 1000);
    }

    private void filter(RoutingContext context) {
        String path = context.normalizedPath();
        if (!isConsolePath(path)) {
            context.next();
            return;
        }
        if (!enabled) {
            context.response().setStatusCode(404).putHeader(HttpHeaders.CONTENT_TYPE, Problem.MEDIA_TYPE)
                    .end(write(Problem.notFound(path)));
            return;
        }
        context.response().putHeader("Content-Security-Policy", CONTENT_SECURITY_POLICY)
                .putHeader("X-Content-Type-Options", "nosniff")
                .putHeader("Referrer-Policy", "no-referrer")
                .putHeader("X-Frame-Options", "DENY");
        context.next();
    }

    /** Also by resource class, in case a path spelling slips past the check above. */
    @ServerRequestFilter
    public void hideResources(ResourceInfo resource) {
        if (!enabled && resource.getResourceClass() != null
                && resource.getResourceClass().getPackageName().equals(ConsoleGate.class.getPackageName())) {
            throw new NotFoundException();
        }
    }

    /** /console and below, and the WebJars it loads Mermaid from. */
    static boolean isConsolePath(String path) {
        return path != null && (path.equals("/console") || path.startsWith("/console/")
                || path.startsWith("/webjars/"));
    }

    private String write(Problem problem) {
        try {
            return json.writeValueAsString(problem);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }
}
