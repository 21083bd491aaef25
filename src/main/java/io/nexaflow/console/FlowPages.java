package io.nexaflow.console;

import io.nexaflow.analytics.FlowAnalytics;
import io.nexaflow.analytics.FlowAnalyticsView;
import io.nexaflow.api.PageParams;
import io.nexaflow.call.CallFilter;
import io.nexaflow.flow.FlowService;
import io.nexaflow.problem.Problem;
import io.nexaflow.security.ConsoleSessions;
import io.nexaflow.security.Roles;
import jakarta.ws.rs.BeanParam;
import jakarta.ws.rs.CookieParam;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/**
 * Flows as pages: the list, and a flow with a revision picker, its revision history and its diagram annotated
 * with what callers did (analytics.FlowAnalytics, the same counts as GET /v1/flows/{id}/analytics). Roles as in
 * the API's flow reads.
 */
@Path("/console/flows")
@Produces(MediaType.TEXT_HTML)
public class FlowPages {

    private static final String[] READERS = {Roles.OPERATOR, Roles.AUDITOR};

    private final ConsoleAccess access;
    private final FlowService flows;
    private final FlowAnalytics analytics;
    private final FlowDiagrams diagrams;

    public FlowPages(ConsoleAccess access, FlowService flows, FlowAnalytics analytics, FlowDiagrams diagrams) {
        this.access = access;
        this.flows = flows;
        this.analytics = analytics;
        this.diagrams = diagrams;
    }

    @GET
    public Response list(@CookieParam(ConsoleSessions.COOKIE) String cookie, @BeanParam PageParams page) {
        return access.page(cookie, READERS, viewer -> {
            var found = flows.list(page.request());
            return Pages.respond(200, Pages.flows(viewer, found.items(), found.next()));
        });
    }

    @GET
    @Path("{id}")
    public Response flow(@CookieParam(ConsoleSessions.COOKIE) String cookie, @PathParam("id") UUID id,
                         @QueryParam("version") String version, @QueryParam("from") String from,
                         @QueryParam("to") String to) {
        return access.page(cookie, READERS, viewer -> {
            List<Problem.FieldError> errors = new ArrayList<>();
            Integer revision = CallFilter.Params.revision("version", version, errors);
            Instant since = CallFilter.Params.instant("from", from, errors);
            Instant until = CallFilter.Params.instant("to", to, errors);
            CallFilter.Params.refuse(errors);
            var flow = flows.get(id);
            FlowAnalyticsView counted = analytics.compute(id, revision, since, until);
            String diagram = diagrams.annotated(diagrams.definition(id, counted.version()), counted);
            var page = new Pages.FlowPage(flow, counted.version(), flows.revisions(id), flows.publications(id),
                    counted.from().toString(), counted.to().toString(), diagram, summary(counted));
            return Pages.respond(200, Pages.flow(viewer, page));
        });
    }

    private static String summary(FlowAnalyticsView counted) {
        var t = counted.totals();
        return t.calls() + " calls (" + t.completed() + " completed, " + t.running() + " running, " + t.failed()
                + " failed, " + t.unknown() + " unknown); " + t.keyPresses() + " inputs, " + t.invalid() + " invalid, "
                + t.timeouts() + " timeouts, " + t.maxAttempts() + " attempts run out, " + t.httpErrors()
                + " failed requests";
    }
}
