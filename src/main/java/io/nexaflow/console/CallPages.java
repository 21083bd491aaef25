package io.nexaflow.console;

import com.fasterxml.jackson.databind.JsonNode;
import io.nexaflow.api.PageParams;
import io.nexaflow.call.CallDtos.CallView;
import io.nexaflow.call.CallDtos.EventView;
import io.nexaflow.call.CallFilter;
import io.nexaflow.call.CallHistory;
import io.nexaflow.export.ExportFormat;
import io.nexaflow.number.PhoneNumbers;
import io.nexaflow.security.ConsoleSessions;
import io.nexaflow.security.Roles;
import jakarta.ws.rs.BeanParam;
import jakarta.ws.rs.CookieParam;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/**
 * Calls and DTMF history as pages, with the filters of GET /v1/calls and /v1/dtmf (call.CallFilter) and the same
 * exports; a call's page shows its timeline and its path on its flow's diagram. Roles as in the API.
 */
@Path("/console")
@Produces(MediaType.TEXT_HTML)
public class CallPages {

    private static final String[] AUDITORS = {Roles.AUDITOR};
    private static final String[] READERS = {Roles.OPERATOR, Roles.AUDITOR};

    private final ConsoleAccess access;
    private final CallHistory history;
    private final PhoneNumbers numbers;
    private final FlowDiagrams diagrams;

    public CallPages(ConsoleAccess access, CallHistory history, PhoneNumbers numbers, FlowDiagrams diagrams) {
        this.access = access;
        this.history = history;
        this.numbers = numbers;
        this.diagrams = diagrams;
    }

    @GET
    @Path("calls")
    public Response calls(@CookieParam(ConsoleSessions.COOKIE) String cookie, @BeanParam CallFilter.Params filter,
                          @BeanParam PageParams page) {
        return access.page(cookie, AUDITORS, viewer -> {
            var found = history.calls(filter.parse(numbers), page.request());
            return Pages.respond(200, Pages.calls(viewer, filter, found.items(), found.next(), query(filter)));
        });
    }

    @GET
    @Path("calls/export.{format}")
    @Produces({ExportFormat.CSV_TYPE, ExportFormat.NDJSON_TYPE, MediaType.TEXT_HTML})
    public Response exportCalls(@CookieParam(ConsoleSessions.COOKIE) String cookie, @PathParam("format") String format,
                                @BeanParam CallFilter.Params filter) {
        return access.page(cookie, AUDITORS, viewer ->
                history.exportCalls(filter.parse(numbers), format(format), viewer.name()).download());
    }

    @GET
    @Path("calls/{id}")
    public Response call(@CookieParam(ConsoleSessions.COOKIE) String cookie, @PathParam("id") UUID id) {
        return access.page(cookie, READERS, viewer -> {
            CallView call = history.callWithEvents(id);
            List<String> path = history.path(id);
            String diagram = call.flowId() == null ? null : diagrams.path(call.flowId(), call.flowVersion(), path);
            return Pages.respond(200, Pages.call(viewer, call, Timeline.of(call.events()), path, diagram));
        });
    }

    @GET
    @Path("dtmf")
    public Response dtmf(@CookieParam(ConsoleSessions.COOKIE) String cookie, @BeanParam CallFilter.Params filter,
                         @BeanParam PageParams page) {
        return access.page(cookie, AUDITORS, viewer -> {
            var found = history.dtmf(filter.parse(numbers), page.request());
            return Pages.respond(200, Pages.dtmf(viewer, filter, found.items(), found.next(), query(filter)));
        });
    }

    @GET
    @Path("dtmf/export.{format}")
    @Produces({ExportFormat.CSV_TYPE, ExportFormat.NDJSON_TYPE, MediaType.TEXT_HTML})
    public Response exportDtmf(@CookieParam(ConsoleSessions.COOKIE) String cookie, @PathParam("format") String format,
                               @BeanParam CallFilter.Params filter) {
        return access.page(cookie, AUDITORS, viewer ->
                history.exportDtmf(filter.parse(numbers), format(format), viewer.name()).download());
    }

    private static ExportFormat format(String extension) {
        for (ExportFormat format : ExportFormat.values()) {
            if (format.extension().equals(extension)) {
                return format;
            }
        }
        throw io.nexaflow.problem.ProblemException.notFound("No export format '" + extension + "'");
    }

    /** The filters as a query string, for the next page's link and the export buttons. */
    static String query(CallFilter.Params filter) {
        List<String> parts = new ArrayList<>();
        add(parts, "from", filter.from);
        add(parts, "to", filter.to);
        add(parts, "flowId", filter.flowId);
        add(parts, "flowVersion", filter.flowVersion);
        if (filter.status != null) {
            filter.status.forEach(s -> add(parts, "status", s));
        }
        add(parts, "since", filter.since);
        add(parts, "until", filter.until);
        return String.join("&", parts);
    }

    private static void add(List<String> parts, String name, String value) {
        if (value != null && !value.isBlank()) {
            parts.add(name + "=" + URLEncoder.encode(value, StandardCharsets.UTF_8));
        }
    }

    /** A call's audit trail as a person reads it: what happened, in one line each. */
    static final class Timeline {

        private Timeline() {
        }

        static List<Pages.Step> of(List<EventView> events) {
            return events == null ? List.of() : events.stream().map(e -> new Pages.Step(e.seq(),
                    e.at() == null ? "" : e.at().toString(), e.type(), e.node(), what(e))).toList();
        }

        private static String what(EventView e) {
            JsonNode p = e.payload();
            return switch (e.type()) {
                case "STATUS" -> text(p, "from", "start") + " → " + text(p, "to", "?")
                        + (p != null && p.hasNonNull("reason") ? " (" + p.get("reason").asText() + ")" : "");
                case "DTMF" -> "pressed " + (e.dtmf() == null ? "(anonymised)" : e.dtmf().isEmpty() ? "nothing"
                        : "“" + e.dtmf() + "”") + " at " + e.node() + " (attempt " + e.attempt() + ") → " + e.route()
                        + (p != null && p.hasNonNull("reason") ? " (" + p.get("reason").asText() + ")" : "");
                case "VERB_SENT" -> "answered " + verbs(p);
                case "ORIGINATE_REQUEST" -> "asked Nexafone to place the call";
                case "ORIGINATE_RESPONSE" -> "Nexafone answered the originate";
                case "HTTP_REQUEST" -> text(p, "method", "") + " " + text(p, "url", "") + " → "
                        + (p != null && p.hasNonNull("status") ? p.get("status").asText() : text(p, "error", "?"))
                        + (p != null && p.hasNonNull("latencyMs") ? " in " + p.get("latencyMs").asText() + " ms" : "");
                case "DIAL" -> "dialled";
                default -> e.type().toLowerCase(java.util.Locale.ROOT).replace('_', ' ');
            };
        }

        /** The verbs of an answer, outermost first: "gather → play". */
        private static String verbs(JsonNode verb) {
            List<String> types = new ArrayList<>();
            for (JsonNode v = verb; v != null && v.hasNonNull("type") && types.size() < 20;
                 v = v.path("data").get("action")) {
                types.add(v.get("type").asText());
            }
            return types.isEmpty() ? "a verb" : String.join(" → ", types);
        }

        private static String text(JsonNode payload, String field, String absent) {
            return payload != null && payload.hasNonNull(field) ? payload.get(field).asText() : absent;
        }
    }
}
