package io.nexaflow.analytics;

import org.eclipse.microprofile.openapi.annotations.media.Schema;

import java.time.Instant;
import java.util.List;
import java.util.UUID;

/**
 * What callers did in one revision of a flow over a time range, node by node: operators look for the menu that
 * confuses callers and the place they hang up, and a diagram puts these counts on its nodes and arrows. Counted
 * over the flow calls of that revision placed in {@code [from, to)}; no number or caller-entered digits appear.
 */
@Schema(name = "FlowAnalytics")
public record FlowAnalyticsView(
        @Schema(required = true) UUID flowId,
        @Schema(required = true, description = "The revision counted") int version,
        @Schema(required = true, description = "Calls placed from this instant on (inclusive)") Instant from,
        @Schema(required = true, description = "Calls placed before this instant (exclusive)") Instant to,
        @Schema(required = true) Totals totals,
        @Schema(required = true, description = "Every node of the revision, in the definition's order")
        List<NodeStats> nodes,
        @Schema(required = true, description = "The arrows of the flow's diagram (`GET /v1/flows/{id}/diagram`)")
        List<EdgeStats> edges) {

    /** The whole range at once. */
    @Schema(name = "FlowAnalyticsTotals")
    public record Totals(
            @Schema(required = true, description = "Flow calls of this revision placed in the range") long calls,
            @Schema(required = true, description = "Calls that reached a caller: in progress or completed, or "
                    + "one whose gather answered") long placed,
            @Schema(required = true) long completed,
            @Schema(required = true, description = "Queued, originating or in progress") long running,
            @Schema(required = true, description = "Certainly not placed") long failed,
            @Schema(required = true, description = "No answer from Nexafone in time: may have been placed")
            long unknown,
            @Schema(required = true, description = "Gather inputs received (timeouts included)") long keyPresses,
            @Schema(required = true) long invalid,
            @Schema(required = true) long timeouts,
            @Schema(required = true, description = "Times a gather's attempts ran out") long maxAttempts,
            @Schema(required = true, description = "Requests of http nodes that failed") long httpErrors) {
    }

    /** One node: how many came, what they pressed, where it went wrong, and how many ended there. */
    @Schema(name = "FlowAnalyticsNode")
    public record NodeStats(
            @Schema(required = true, description = "The node's id in the flow definition") String node,
            @Schema(required = true, description = "Its node type") String type,
            @Schema(required = true, description = "Calls that entered it at least once") long entered,
            @Schema(required = true, description = "Times it was entered (a repeated menu counts each time)")
            long visits,
            @Schema(required = true, description = "Gathers: inputs that routed, per route") List<KeyStats> keys,
            @Schema(required = true, description = "Gathers: inputs that were pressed but led nowhere valid")
            long invalid,
            @Schema(required = true, description = "Gathers: inputs with nothing pressed") long timeout,
            @Schema(required = true, description = "Gathers: times its attempts ran out") long maxAttempts,
            @Schema(required = true, description = "http nodes: requests that failed") long httpErrors,
            @Schema(required = true, description = "Ended calls whose last node this was: where callers hang up, "
                    + "or the flow ended") long ended,
            @Schema(required = true, description = "Calls still running whose last node this is (waiting at it)")
            long waiting,
            @Schema(description = "Gathers: median milliseconds from the answer that sent a caller here (for the "
                    + "first gather, from the originate) to the input; null when nothing was pressed here",
                    nullable = true)
            Long medianMs) {
    }

    /** The inputs of one route of a gather. */
    @Schema(name = "FlowAnalyticsKeys")
    public record KeyStats(
            @Schema(required = true, description = "The route's digits as the flow names them, or `default` for "
                    + "any other valid input") String keys,
            @Schema(required = true, description = "The node it led to") String to,
            @Schema(required = true) long presses) {
    }

    /** One arrow of the diagram and the calls that took it. */
    @Schema(name = "FlowAnalyticsEdge")
    public record EdgeStats(
            @Schema(required = true) String from,
            @Schema(required = true) String to,
            @Schema(description = "As the diagram labels it: route digits and field names (`onTimeout`), joined; "
                    + "null for `next`", nullable = true) String label,
            @Schema(required = true, description = "Calls that went from `from` straight to `to` at least once")
            long calls) {
    }
}
