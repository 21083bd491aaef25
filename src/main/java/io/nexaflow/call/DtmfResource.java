package io.nexaflow.call;

import io.nexaflow.api.OpenApiDocument;
import io.nexaflow.api.Page;
import io.nexaflow.api.PageParams;
import io.nexaflow.export.ExportFormat;
import io.nexaflow.call.CallDtos.DtmfView;
import io.nexaflow.number.PhoneNumbers;
import io.nexaflow.security.Roles;
import io.quarkus.security.identity.SecurityIdentity;
import jakarta.annotation.security.RolesAllowed;
import jakarta.ws.rs.BeanParam;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.enums.SchemaType;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.ExampleObject;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.security.SecurityRequirement;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

/** Every key pressed on every call: the gather callbacks of the audit trail, across calls. */
@Path("/v1/dtmf")
@Tag(name = "Calls")
@SecurityRequirement(name = OpenApiDocument.API_KEY)
@Produces(MediaType.APPLICATION_JSON)
@APIResponse(responseCode = "401", ref = OpenApiDocument.UNAUTHORIZED)
@APIResponse(responseCode = "403", ref = OpenApiDocument.FORBIDDEN)
public class DtmfResource {

    static final String DTMF_CSV = """
            seq,at,call,callId,flowId,flowVersion,from,to,node,attempt,digits,route,reason
            81234,2026-11-27T10:15:09.512830Z,0b5c4a1e-7f2d-4c69-b1c5-3a9e8d2f6a10,nf-7d1e52c0,6f1c1a52-3d47-4c5e-9a76-2f0d3c8b1e11,3,+911203135800,+919650612345,menu,1,2#,agent,MATCH
            81201,2026-11-27T10:14:51.200113Z,4e0d2b7a-1c3f-4a8e-9d6b-5f2e1a0c9b34,nf-1a9f03bb,6f1c1a52-3d47-4c5e-9a76-2f0d3c8b1e11,3,+911203135800,+919817812345,menu,1,"",invalid,TIMEOUT
            """;

    private final CallHistory history;
    private final PhoneNumbers numbers;
    private final SecurityIdentity identity;

    public DtmfResource(CallHistory history, PhoneNumbers numbers, SecurityIdentity identity) {
        this.history = history;
        this.numbers = numbers;
        this.identity = identity;
    }

    @GET
    @RolesAllowed(Roles.AUDITOR)
    @Operation(operationId = "listDtmfInputs", summary = "DTMF history",
            description = "Every gather input across calls, newest first, in pages "
            + "(pass `next` back as `cursor`): which call, flow and revision, at which gather and attempt, the digits "
            + "as pressed, the node they led to and why. The filters are those of `GET /v1/calls` and apply to the "
            + "input's call; `since`/`until` apply to the time the input arrived.")
    @APIResponse(responseCode = "200", description = "A page of inputs")
    @APIResponse(responseCode = "400", ref = OpenApiDocument.BAD_REQUEST)
    public Page<DtmfView> list(@BeanParam CallFilter.Params filter, @BeanParam PageParams page) {
        CallFilter parsed = filter.parse(numbers);
        return history.dtmf(parsed, page.request());
    }

    @GET
    @Path("export")
    @RolesAllowed(Roles.AUDITOR)
    @Produces({ExportFormat.CSV_TYPE, ExportFormat.NDJSON_TYPE})
    @Operation(operationId = "exportDtmfInputs", summary = "Export DTMF history",
            description = "Every input the filters match, newest first, as a "
            + "download: CSV (RFC 4180, with a header row; an empty `digits` is a timeout, written \"\"; a text a "
            + "spreadsheet would run as a formula gets a leading ') by default, "
            + "NDJSON (one input per line, the shape of `GET /v1/dtmf` items) with `Accept: application/x-ndjson`. "
            + "Streamed from the database as it is read: a month of history costs no more memory than a minute.")
    @APIResponse(responseCode = "200", description = "The inputs; `Content-Disposition` names the file",
            content = {
                    @Content(mediaType = ExportFormat.CSV_TYPE, schema = @Schema(type = SchemaType.STRING),
                            examples = @ExampleObject(name = "two inputs", value = DTMF_CSV)),
                    @Content(mediaType = ExportFormat.NDJSON_TYPE, schema = @Schema(implementation = DtmfView.class))})
    @APIResponse(responseCode = "400", ref = OpenApiDocument.BAD_REQUEST)
    @APIResponse(responseCode = "406", ref = OpenApiDocument.NOT_ACCEPTABLE)
    public Response export(@BeanParam CallFilter.Params filter, @Context HttpHeaders headers) {
        CallFilter parsed = filter.parse(numbers);
        ExportFormat format = ExportFormat.accepting(headers.getAcceptableMediaTypes());
        return history.exportDtmf(parsed, format, identity.getPrincipal().getName()).download();
    }
}
