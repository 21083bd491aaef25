package io.nexaflow.analytics;

import io.nexaflow.call.CallFilter;
import io.nexaflow.problem.Problem;
import jakarta.ws.rs.QueryParam;
import org.eclipse.microprofile.openapi.annotations.parameters.Parameter;

import java.time.Instant;
import java.util.List;

/**
 * The time range of an analytics request ({@code from}, {@code to}), checked at the edge of both analytics
 * endpoints (this package's and the campaign's): a value that is not an instant is a 400 naming the parameter.
 */
public class AnalyticsRange {

    @QueryParam("from")
    @Parameter(description = "Count calls placed from this instant on (inclusive), ISO-8601 with an offset; "
            + "default: a week before `to`", example = "2026-11-01T00:00:00Z")
    public String from;

    @QueryParam("to")
    @Parameter(description = "Count calls placed before this instant (exclusive); default: now. The range may "
            + "span at most 92 days", example = "2026-11-08T00:00:00Z")
    public String to;

    private Instant since;
    private Instant until;

    /** Parses both, adding what is wrong to {@code errors}. */
    public AnalyticsRange parse(List<Problem.FieldError> errors) {
        since = CallFilter.Params.instant("from", from, errors);
        until = CallFilter.Params.instant("to", to, errors);
        return this;
    }

    /** Parses both; a 400 problem document when either is wrong. */
    public AnalyticsRange checked() {
        List<Problem.FieldError> errors = new java.util.ArrayList<>();
        parse(errors);
        CallFilter.Params.refuse(errors);
        return this;
    }

    public Instant since() {
        return since;
    }

    public Instant until() {
        return until;
    }
}
