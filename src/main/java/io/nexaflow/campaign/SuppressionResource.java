package io.nexaflow.campaign;

import io.nexaflow.api.OpenApiDocument;
import io.nexaflow.api.Page;
import io.nexaflow.api.PageParams;
import io.nexaflow.campaign.CampaignDtos.ImportResult;
import io.nexaflow.campaign.CampaignDtos.SuppressionRequest;
import io.nexaflow.campaign.CampaignDtos.SuppressionView;
import io.nexaflow.problem.Problem;
import io.nexaflow.security.Roles;
import io.quarkus.security.identity.SecurityIdentity;
import jakarta.annotation.security.RolesAllowed;
import jakarta.ws.rs.BeanParam;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.enums.SchemaType;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.ExampleObject;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.parameters.RequestBody;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.security.SecurityRequirement;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

import java.io.InputStream;

import static io.nexaflow.problem.ProblemException.requireBody;

/** Numbers no campaign dials; the same upload shape and answer as contacts, so one client handles both. */
@Path("/v1/suppressions")
@Tag(name = "Campaigns")
@SecurityRequirement(name = OpenApiDocument.API_KEY)
@Produces(MediaType.APPLICATION_JSON)
@APIResponse(responseCode = "401", ref = OpenApiDocument.UNAUTHORIZED)
@APIResponse(responseCode = "403", ref = OpenApiDocument.FORBIDDEN)
public class SuppressionResource {

    static final String SUPPRESSIONS_CSV = """
            number,reason
            +919650612345,opted out by SMS
            09817812345,do-not-disturb registry
            """;

    private final SuppressionStore suppressions;
    private final SecurityIdentity identity;

    public SuppressionResource(SuppressionStore suppressions, SecurityIdentity identity) {
        this.suppressions = suppressions;
        this.identity = identity;
    }

    @POST
    @RolesAllowed(Roles.OPERATOR)
    @Consumes(MediaType.APPLICATION_JSON)
    @Operation(operationId = "addSuppression", summary = "Suppress a number",
            description = "No campaign dials it: contacts waiting to be dialled with it become SUPPRESSED, and "
            + "later uploads store it as SUPPRESSED. A number already suppressed is a duplicate (its reason stays).")
    @RequestBody(required = true, content = @Content(schema = @Schema(implementation = SuppressionRequest.class)))
    @APIResponse(responseCode = "200", description = "What was stored",
            content = @Content(schema = @Schema(implementation = ImportResult.class)))
    @APIResponse(responseCode = "400", ref = OpenApiDocument.BAD_REQUEST)
    @APIResponse(responseCode = "422", ref = OpenApiDocument.INVALID)
    public ImportResult add(SuppressionRequest request) {
        return suppressions.add(requireBody(request), who());
    }

    @POST
    @RolesAllowed(Roles.OPERATOR)
    @Consumes(UploadReader.CSV)
    @Operation(operationId = "uploadSuppressions", summary = "Suppress a list of numbers",
            description = "CSV with a header row, a `number` column and optionally a `reason` column (others are "
            + "ignored), read as it arrives, up to 200 MiB, stored in one transaction.")
    @RequestBody(required = true, content = @Content(mediaType = UploadReader.CSV,
            schema = @Schema(type = SchemaType.STRING),
            examples = @ExampleObject(name = "two numbers", value = SUPPRESSIONS_CSV)))
    @APIResponse(responseCode = "200", description = "What was stored",
            content = @Content(schema = @Schema(implementation = ImportResult.class)))
    @APIResponse(responseCode = "400", ref = OpenApiDocument.BAD_REQUEST)
    @APIResponse(responseCode = "413", description = "The upload is over 200 MiB",
            content = @Content(mediaType = Problem.MEDIA_TYPE))
    @APIResponse(responseCode = "422", description = "The upload as a whole is unusable (no `number` column, "
            + "broken CSV); nothing was stored", content = @Content(mediaType = Problem.MEDIA_TYPE))
    public ImportResult upload(InputStream body) {
        return suppressions.importCsv(body, who());
    }

    @GET
    @RolesAllowed({Roles.OPERATOR, Roles.AUDITOR})
    @Operation(operationId = "listSuppressions", summary = "List suppressed numbers",
            description = "Newest first, in pages; pass `next` back as `cursor`.")
    @APIResponse(responseCode = "200", description = "A page of suppressions")
    @APIResponse(responseCode = "400", ref = OpenApiDocument.BAD_REQUEST)
    public Page<SuppressionView> list(@BeanParam PageParams page) {
        return suppressions.list(page.request());
    }

    @DELETE
    @Path("{number}")
    @RolesAllowed(Roles.OPERATOR)
    @Operation(operationId = "deleteSuppression", summary = "Lift a suppression",
            description = "Later uploads dial the number again; contacts already SUPPRESSED stay so. The number is "
            + "read like any other (URL-encode the '+' as %2B).")
    @APIResponse(responseCode = "204", description = "Lifted")
    @APIResponse(responseCode = "400", ref = OpenApiDocument.BAD_REQUEST)
    @APIResponse(responseCode = "404", ref = OpenApiDocument.NOT_FOUND)
    public void delete(@PathParam("number") String number) {
        suppressions.delete(number, who());
    }

    private String who() {
        return identity.getPrincipal().getName();
    }
}
