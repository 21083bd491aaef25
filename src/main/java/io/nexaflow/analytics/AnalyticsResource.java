package io.nexaflow.analytics;

import io.nexaflow.api.Examples;
import io.nexaflow.api.OpenApiDocument;
import io.nexaflow.call.CallFilter;
import io.nexaflow.problem.Problem;
import io.nexaflow.security.Roles;
import jakarta.annotation.security.RolesAllowed;
import jakarta.ws.rs.BeanParam;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.enums.SchemaType;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.ExampleObject;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.parameters.Parameter;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.security.SecurityRequirement;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/**
 * {@code GET /v1/flows/{id}/analytics}: a read of the audit trail, so for auditors (and admins), as the call and
 * DTMF lists; operators see their campaigns' analytics through the campaign.
 */
@Path("/v1/flows/{id}/analytics")
@Produces(MediaType.APPLICATION_JSON)
@Tag(name = "Flows")
@SecurityRequirement(name = OpenApiDocument.API_KEY)
@APIResponse(responseCode = "401", ref = OpenApiDocument.UNAUTHORIZED)
@APIResponse(responseCode = "403", ref = OpenApiDocument.FORBIDDEN)
public class AnalyticsResource {

    private final FlowAnalytics analytics;

    public AnalyticsResource(FlowAnalytics analytics) {
        this.analytics = analytics;
    }

    @GET
    @RolesAllowed(Roles.AUDITOR)
    @Operation(operationId = "getFlowAnalytics", summary = "Per-node analytics of a flow",
            description = "What the calls of one revision did, node by node: calls that entered each node, the "
            + "inputs per route of each gather, invalid inputs, timeouts, attempts run out, failed requests of http "
            + "nodes, calls that ended there (where callers hang up) and the median time callers spent at each "
            + "gather; plus totals, and the arrows of the flow's diagram with the calls that took each. Counted from "
            + "the audit trail over the calls placed in `[from, to)`. No number and no caller-entered digits: a "
            + "route shows the digits the flow names, anything else valid is `default`.")
    @APIResponse(responseCode = "200", description = "The analytics",
            content = @Content(schema = @Schema(implementation = FlowAnalyticsView.class),
                    examples = @ExampleObject(name = "a week of the demo IVR", value = Examples.FLOW_ANALYTICS)))
    @APIResponse(responseCode = "400", ref = OpenApiDocument.BAD_REQUEST)
    @APIResponse(responseCode = "404", ref = OpenApiDocument.NOT_FOUND)
    public FlowAnalyticsView get(@PathParam("id") UUID id,
                                 @QueryParam("version") @Parameter(description = "The revision to count; default: "
                                         + "the published one (else the latest)",
                                         schema = @Schema(type = SchemaType.INTEGER, minimum = "1")) String version,
                                 @BeanParam AnalyticsRange range) {
        List<Problem.FieldError> errors = new ArrayList<>();
        Integer revision = CallFilter.Params.revision("version", version, errors);
        range.parse(errors);
        CallFilter.Params.refuse(errors);
        return analytics.compute(id, revision, range.since(), range.until());
    }
}
