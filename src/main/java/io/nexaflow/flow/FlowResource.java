package io.nexaflow.flow;

import io.nexaflow.expr.Variables;
import io.nexaflow.api.Examples;
import io.nexaflow.api.OpenApiDocument;
import io.nexaflow.api.Page;
import io.nexaflow.api.PageParams;
import io.nexaflow.engine.Diagram;
import io.nexaflow.flow.FlowDtos.FlowRequest;
import io.nexaflow.flow.FlowDtos.FlowView;
import io.nexaflow.flow.FlowDtos.PublishRequest;
import io.nexaflow.flow.FlowDtos.RevisionView;
import io.nexaflow.flow.FlowDtos.ValidateRequest;
import io.nexaflow.flow.FlowDtos.ValidationView;
import io.nexaflow.problem.Problem;
import io.nexaflow.problem.ProblemException;
import io.nexaflow.security.Roles;
import io.quarkus.security.identity.SecurityIdentity;
import jakarta.annotation.security.RolesAllowed;
import jakarta.ws.rs.BeanParam;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.PUT;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.UriInfo;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.ExampleObject;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.parameters.RequestBody;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.security.SecurityRequirement;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

import java.util.List;
import java.util.Map;
import java.util.UUID;

import static io.nexaflow.problem.ProblemException.requireBody;

@Path("/v1/flows")
@Tag(name = "Flows")
@SecurityRequirement(name = OpenApiDocument.API_KEY)
@Produces(MediaType.APPLICATION_JSON)
@Consumes(MediaType.APPLICATION_JSON)
@APIResponse(responseCode = "401", ref = OpenApiDocument.UNAUTHORIZED)
@APIResponse(responseCode = "403", ref = OpenApiDocument.FORBIDDEN)
public class FlowResource {

    private final FlowService flows;
    private final RevisionPrograms programs;
    private final FlowDryRun simulator;
    private final FlowChecks checks;
    private final SecurityIdentity identity;

    public FlowResource(FlowService flows, RevisionPrograms programs, FlowDryRun simulator, FlowChecks checks,
                        SecurityIdentity identity) {
        this.flows = flows;
        this.programs = programs;
        this.simulator = simulator;
        this.checks = checks;
        this.identity = identity;
    }

    @GET
    @RolesAllowed({Roles.OPERATOR, Roles.AUDITOR})
    @Operation(operationId = "listFlows", summary = "List flows",
            description = "Newest first, in pages; pass `next` back as `cursor`.")
    @APIResponse(responseCode = "200", description = "A page of flows (without definitions)")
    @APIResponse(responseCode = "400", ref = OpenApiDocument.BAD_REQUEST)
    public Page<FlowView> list(@BeanParam PageParams page) {
        return flows.list(page.request());
    }

    @POST
    @RolesAllowed(Roles.ADMIN)
    @Operation(operationId = "createFlow", summary = "Create a flow",
            description = "Validates the definition and stores it as revision 1 "
            + "(published when `publish` is true).")
    @RequestBody(required = true, content = @Content(schema = @Schema(implementation = FlowRequest.class),
            examples = @ExampleObject(name = "vendor demo IVR", value = Examples.SEED_IVR_REQUEST)))
    @APIResponse(responseCode = "201", description = "Created; `Location` names the flow",
            content = @Content(schema = @Schema(implementation = FlowView.class),
                    examples = @ExampleObject(name = "the demo IVR, published", value = Examples.FLOW_CREATED)))
    @APIResponse(responseCode = "400", ref = OpenApiDocument.BAD_REQUEST)
    @APIResponse(responseCode = "409", ref = OpenApiDocument.CONFLICT)
    @APIResponse(responseCode = "422", ref = OpenApiDocument.INVALID)
    public Response create(FlowRequest request, UriInfo uri) {
        FlowView flow = flows.create(requireBody(request), who());
        return Response.created(uri.getAbsolutePathBuilder().path(flow.id().toString()).build()).entity(flow).build();
    }

    @GET
    @Path("{id}")
    @RolesAllowed({Roles.OPERATOR, Roles.AUDITOR})
    @Operation(operationId = "getFlow", summary = "Get a flow",
            description = "With the definition of its latest revision, and its active "
            + "(published) and latest revision numbers.")
    @APIResponse(responseCode = "200", description = "The flow")
    @APIResponse(responseCode = "404", ref = OpenApiDocument.NOT_FOUND)
    public FlowView get(@PathParam("id") UUID id) {
        return flows.get(id);
    }

    @PUT
    @Path("{id}")
    @RolesAllowed(Roles.ADMIN)
    @Operation(operationId = "updateFlow", summary = "Update a flow",
            description = "Takes the whole flow again (`name` included) and stores its definition as a new "
            + "revision, published when `publish` is true; an unchanged definition stores none (`newRevision` "
            + "false). Running calls keep the revision they started on.")
    @RequestBody(required = true, content = @Content(schema = @Schema(implementation = FlowRequest.class),
            examples = @ExampleObject(name = "vendor demo IVR", value = Examples.SEED_IVR_REQUEST)))
    @APIResponse(responseCode = "200", description = "The flow, with the new revision as latest; `newRevision` "
            + "says whether one was stored")
    @APIResponse(responseCode = "400", ref = OpenApiDocument.BAD_REQUEST)
    @APIResponse(responseCode = "404", ref = OpenApiDocument.NOT_FOUND)
    @APIResponse(responseCode = "409", ref = OpenApiDocument.CONFLICT)
    @APIResponse(responseCode = "422", ref = OpenApiDocument.INVALID)
    public FlowView update(@PathParam("id") UUID id, FlowRequest request) {
        return flows.update(id, requireBody(request), who());
    }

    @DELETE
    @Path("{id}")
    @RolesAllowed(Roles.ADMIN)
    @Operation(operationId = "deleteFlow", summary = "Delete a flow",
            description = "Refused while calls are running on it. "
            + "Its revisions stay for the audit trail of past calls.")
    @APIResponse(responseCode = "204", description = "Deleted")
    @APIResponse(responseCode = "404", ref = OpenApiDocument.NOT_FOUND)
    @APIResponse(responseCode = "409", ref = OpenApiDocument.CONFLICT)
    public void delete(@PathParam("id") UUID id) {
        flows.delete(id, who());
    }

    @GET
    @Path("{id}/versions")
    @RolesAllowed({Roles.OPERATOR, Roles.AUDITOR})
    @Operation(operationId = "listFlowRevisions", summary = "List a flow's revisions",
            description = "Newest first: who stored each, when, "
            + "with what comment, and which one is published.")
    @APIResponse(responseCode = "200", description = "The revisions")
    @APIResponse(responseCode = "404", ref = OpenApiDocument.NOT_FOUND)
    public List<RevisionView> revisions(@PathParam("id") UUID id) {
        return flows.revisions(id);
    }

    @GET
    @Path("{id}/versions/{version}")
    @RolesAllowed({Roles.OPERATOR, Roles.AUDITOR})
    @Operation(operationId = "getFlowRevision", summary = "Get one revision", description = "With its definition.")
    @APIResponse(responseCode = "200", description = "The revision")
    @APIResponse(responseCode = "404", ref = OpenApiDocument.NOT_FOUND)
    public RevisionView revision(@PathParam("id") UUID id, @PathParam("version") int version) {
        return flows.revision(id, version);
    }

    @POST
    @Path("{id}/publish")
    @RolesAllowed(Roles.ADMIN)
    @Operation(operationId = "publishFlowRevision", summary = "Publish a revision",
            description = "New calls run on it. Publishing an older revision "
            + "is the rollback.")
    @RequestBody(required = true, content = @Content(schema = @Schema(implementation = PublishRequest.class),
            examples = @ExampleObject(name = "publish revision 1", value = "{\"version\": 1}")))
    @APIResponse(responseCode = "200", description = "The flow, with the new active revision")
    @APIResponse(responseCode = "400", ref = OpenApiDocument.BAD_REQUEST)
    @APIResponse(responseCode = "404", ref = OpenApiDocument.NOT_FOUND)
    @APIResponse(responseCode = "422", ref = OpenApiDocument.INVALID)
    public FlowView publish(@PathParam("id") UUID id, PublishRequest request) {
        return flows.publish(id, requireBody(request).version(), who());
    }

    @POST
    @Path("validate")
    @RolesAllowed({Roles.OPERATOR, Roles.AUDITOR})
    @Operation(operationId = "validateFlowDefinition", summary = "Validate a definition",
            description = "Checks a definition without storing anything and "
            + "lists every error and warning, each with a JSON pointer into the request body.")
    @RequestBody(required = true, content = @Content(schema = @Schema(implementation = ValidateRequest.class),
            examples = @ExampleObject(name = "vendor demo IVR", value = Examples.VALIDATE_REQUEST)))
    @APIResponse(responseCode = "200", description = "The verdict (`valid` false lists the errors)")
    @APIResponse(responseCode = "400", ref = OpenApiDocument.BAD_REQUEST)
    public ValidationView validate(ValidateRequest request) {
        return flows.validate(requireBody(request).definition());
    }

    @POST
    @Path("{id}/simulate")
    @RolesAllowed(Roles.OPERATOR)
    @Operation(operationId = "simulateFlow", summary = "Dry-run a flow",
            description = "Runs a revision (the published one unless `version` names "
            + "one) with the given inputs and returns every step: the gather that got each input, how it was routed, "
            + "the nodes entered and the exact verb JSON Nexafone would be answered. Data-driven flows start with "
            + "`variables`, their http nodes answer from `http` (mocks by node id; nothing is sent), and each step "
            + "shows the variables after it. Touches neither Nexafone, a business's API nor the calls table.")
    @RequestBody(required = true, content = @Content(schema = @Schema(implementation = FlowDryRun.SimulationRequest.class),
            examples = @ExampleObject(name = "time out, press 7, press 2", value = "{\"inputs\": [\"\", \"7\", \"2\"]}")))
    @APIResponse(responseCode = "200", description = "The trace",
            content = @Content(schema = @Schema(implementation = FlowDryRun.Simulation.class)))
    @APIResponse(responseCode = "400", ref = OpenApiDocument.BAD_REQUEST)
    @APIResponse(responseCode = "404", ref = OpenApiDocument.NOT_FOUND)
    public FlowDryRun.Simulation simulate(@PathParam("id") UUID id, FlowDryRun.SimulationRequest request) {
        requireBody(request);
        if (request.inputs() != null && request.inputs().size() > 1000) {
            throw ProblemException.invalid("Invalid simulation", List.of(new Problem.FieldError("/inputs",
                    "at most 1000 inputs")));
        }
        Map<String, Object> variables = Map.of();
        if (request.variables() != null && !request.variables().isNull()) {
            List<Problem.FieldError> problems = Variables.check(request.variables(), "/variables");
            if (!problems.isEmpty()) {
                throw ProblemException.invalid("Invalid simulation", problems);
            }
            variables = Variables.fromJson(request.variables());
        }
        FlowRevision revision = flows.revisionToInspect(id, request.version());
        return simulator.run(programs.of(revision), revision.version, request.inputs(), variables,
                request.http() == null ? Map.of() : request.http());
    }

    @GET
    @Path("{id}/diagram")
    @Produces({"text/vnd.mermaid", MediaType.TEXT_PLAIN})
    @RolesAllowed({Roles.OPERATOR, Roles.AUDITOR})
    @Operation(operationId = "getFlowDiagram", summary = "A flow as a diagram",
            description = "Mermaid `graph TD` of a revision (the published one "
            + "unless `version` names one); routes are labelled with their digits. Paste it into any Mermaid viewer.")
    @APIResponse(responseCode = "200", description = "The Mermaid source")
    @APIResponse(responseCode = "404", ref = OpenApiDocument.NOT_FOUND)
    public String diagram(@PathParam("id") UUID id, @QueryParam("version") Integer version) {
        return Diagram.mermaid(programs.of(flows.revisionToInspect(id, version)).flow());
    }

    @POST
    @Path("{id}/preflight")
    @RolesAllowed(Roles.OPERATOR)
    @Operation(operationId = "preflightFlow", summary = "Check a flow before live calls",
            description = "From the vendor's testing checklist: every "
            + "audio URL of the revision must answer 2xx over HTTPS with an audio content type (checked concurrently, "
            + "with short timeouts), and NEXAFLOW_PUBLIC_URL must be HTTPS so Nexafone can post gather results.")
    @APIResponse(responseCode = "200", description = "Each check and the verdict (`ok`)",
            content = @Content(schema = @Schema(implementation = FlowChecks.Preflight.class)))
    @APIResponse(responseCode = "404", ref = OpenApiDocument.NOT_FOUND)
    public FlowChecks.Preflight preflight(@PathParam("id") UUID id, @QueryParam("version") Integer version) {
        FlowRevision revision = flows.revisionToInspect(id, version);
        return checks.check(programs.of(revision).flow(), revision.version);
    }

    private String who() {
        return identity.getPrincipal().getName();
    }
}
