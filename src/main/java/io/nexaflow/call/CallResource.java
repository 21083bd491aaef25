package io.nexaflow.call;

import io.nexaflow.api.Examples;
import io.nexaflow.api.OpenApiDocument;
import io.nexaflow.api.Page;
import io.nexaflow.api.PageParams;
import io.nexaflow.api.PageRequest;
import io.nexaflow.export.ExportFormat;
import io.nexaflow.call.CallDtos.CallView;
import io.nexaflow.call.CallDtos.EventView;
import io.nexaflow.call.CallDtos.OriginateRequest;
import io.nexaflow.number.PhoneNumbers;
import io.nexaflow.problem.ProblemException;
import io.nexaflow.security.Roles;
import io.quarkus.security.identity.SecurityIdentity;
import jakarta.annotation.security.RolesAllowed;
import jakarta.ws.rs.BeanParam;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.UriInfo;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.enums.SchemaType;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.ExampleObject;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.parameters.Parameter;
import org.eclipse.microprofile.openapi.annotations.parameters.RequestBody;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.security.SecurityRequirement;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

import java.util.UUID;

import static io.nexaflow.problem.ProblemException.requireBody;

@Path("/v1/calls")
@Tag(name = "Calls")
@SecurityRequirement(name = OpenApiDocument.API_KEY)
@Produces(MediaType.APPLICATION_JSON)
@Consumes(MediaType.APPLICATION_JSON)
@APIResponse(responseCode = "401", ref = OpenApiDocument.UNAUTHORIZED)
@APIResponse(responseCode = "403", ref = OpenApiDocument.FORBIDDEN)
public class CallResource {

    static final String FLOW_CALL = """
            {"from": "+911203135800", "to": "+919650612345", "flowId": "6f1c1a52-3d47-4c5e-9a76-2f0d3c8b1e11",
             "recordCall": true, "timeout": 30}""";
    static final String CLICK_TO_CALL = """
            {"from": "+911203135800", "to": "+919650612345", "bridgeTo": "+919817812345", "dialTimeout": 15,
             "recordCall": true, "timeout": 30}""";
    static final String RAW_CALL = """
            {"from": "+911203135800", "to": "+919650612345",
             "action": {"type": "play", "data": {"audioUrl": "https://nexafone.com/audio-prompts/thanks_for_call_plz_wait.wav",
                        "action": {"type": "hangup", "data": {}}}}}""";

    static final String CALL_CSV = """
            id,callId,kind,status,flowId,flowVersion,from,to,currentNode,attempts,bridgedTo,error,createdAt,updatedAt,endedAt,anonymisedAt
            0b5c4a1e-7f2d-4c69-b1c5-3a9e8d2f6a10,nf-7d1e52c0,FLOW,COMPLETED,6f1c1a52-3d47-4c5e-9a76-2f0d3c8b1e11,3,+911203135800,+919650612345,bye,"{""menu"":1}",+917217812345,,2026-11-27T10:15:02.123456Z,2026-11-27T10:15:41.004211Z,2026-11-27T10:15:41.004211Z,
            """;

    /** The page size of a call's events when none is asked for (the `limit` parameter documents it). */
    private static final int EVENTS_PER_PAGE = 100;

    private final OriginateService originate;
    private final CallHistory history;
    private final PhoneNumbers numbers;
    private final SecurityIdentity identity;

    public CallResource(OriginateService originate, CallHistory history, PhoneNumbers numbers,
                        SecurityIdentity identity) {
        this.originate = originate;
        this.history = history;
        this.numbers = numbers;
        this.identity = identity;
    }

    @GET
    @RolesAllowed(Roles.AUDITOR)
    @Operation(operationId = "listCalls", summary = "Find calls",
            description = "Newest first, in pages: pass `next` back as `cursor`. A cursor "
            + "is a position, not an offset: calls placed after the first page never shift the pages that follow. "
            + "Filters combine with AND; numbers are matched exactly after normalisation to E.164.")
    @APIResponse(responseCode = "200", description = "A page of calls (without their events)")
    @APIResponse(responseCode = "400", ref = OpenApiDocument.BAD_REQUEST)
    public Page<CallView> list(@BeanParam CallFilter.Params filter, @BeanParam PageParams page) {
        CallFilter parsed = filter.parse(numbers);
        return history.calls(parsed, page.request());
    }

    @GET
    @Path("export")
    @RolesAllowed(Roles.AUDITOR)
    @Produces({ExportFormat.CSV_TYPE, ExportFormat.NDJSON_TYPE})
    @Operation(operationId = "exportCalls", summary = "Export calls",
            description = "Every call the filters match, newest first, as a download: "
            + "CSV (RFC 4180, with a header row; a text a spreadsheet would run as a formula gets a leading ') by "
            + "default, NDJSON (one call per line, the shape of `GET /v1/calls` items) with "
            + "`Accept: application/x-ndjson`. Streamed from the database as it is read, so any range "
            + "can be exported; the rows are one consistent snapshot.")
    @APIResponse(responseCode = "200", description = "The calls; `Content-Disposition` names the file",
            content = {
                    @Content(mediaType = ExportFormat.CSV_TYPE, schema = @Schema(type = SchemaType.STRING),
                            examples = @ExampleObject(name = "one call", value = CALL_CSV)),
                    @Content(mediaType = ExportFormat.NDJSON_TYPE, schema = @Schema(implementation = CallView.class))})
    @APIResponse(responseCode = "400", ref = OpenApiDocument.BAD_REQUEST)
    @APIResponse(responseCode = "406", ref = OpenApiDocument.NOT_ACCEPTABLE)
    public Response export(@BeanParam CallFilter.Params filter, @Context HttpHeaders headers) {
        CallFilter parsed = filter.parse(numbers);
        ExportFormat format = ExportFormat.accepting(headers.getAcceptableMediaTypes());
        return history.exportCalls(parsed, format, identity.getPrincipal().getName()).download();
    }

    @POST
    @RolesAllowed(Roles.OPERATOR)
    @Operation(operationId = "originateCall", summary = "Originate a call",
            description = "Places a call through Nexafone: a flow call (`flowId`), a "
            + "ClickToCall bridge (`bridgeTo`) or a raw verb (`action`). The call is stored before Nexafone hears of "
            + "it. With an `Idempotency-Key`, a retry returns the same call (200) and never places a second one.")
    @RequestBody(required = true, content = @Content(schema = @Schema(implementation = OriginateRequest.class),
            examples = {
                    @ExampleObject(name = "flow call", value = FLOW_CALL),
                    @ExampleObject(name = "ClickToCall", value = CLICK_TO_CALL),
                    @ExampleObject(name = "raw verb", value = RAW_CALL)}))
    @APIResponse(responseCode = "202", description = "Nexafone accepted the call; `Location` names it",
            content = @Content(schema = @Schema(implementation = CallView.class),
                    examples = @ExampleObject(name = "a flow call, ringing", value = Examples.CALL_PLACED)))
    @APIResponse(responseCode = "200", description = "An earlier request with this Idempotency-Key placed this call",
            content = @Content(schema = @Schema(implementation = CallView.class)))
    @APIResponse(responseCode = "400", ref = OpenApiDocument.BAD_REQUEST)
    @APIResponse(responseCode = "404", ref = OpenApiDocument.NOT_FOUND)
    @APIResponse(responseCode = "409", ref = OpenApiDocument.CONFLICT)
    @APIResponse(responseCode = "422", ref = OpenApiDocument.INVALID)
    @APIResponse(responseCode = "502", description = "Nexafone refused or failed; the call is FAILED (`instance` names it)",
            content = @Content(mediaType = "application/problem+json"))
    @APIResponse(responseCode = "503", description = "Nexafone credentials are not configured",
            content = @Content(mediaType = "application/problem+json"))
    @APIResponse(responseCode = "504", description = "No answer from Nexafone in time; the call is UNKNOWN and is not "
            + "retried", content = @Content(mediaType = "application/problem+json"))
    public Response originate(OriginateRequest request,
                              @HeaderParam("Idempotency-Key") @Parameter(description = "Makes retries safe (≤ 200 chars)")
                              String idempotencyKey,
                              UriInfo uri) {
        if (idempotencyKey != null && (idempotencyKey.isBlank() || idempotencyKey.length() > 200)) {
            throw ProblemException.badRequest("Idempotency-Key must be 1–200 characters");
        }
        OriginateService.Originated placed = originate.originate(requireBody(request), idempotencyKey,
                identity.getPrincipal().getName());
        CallView view = CallView.of(placed.call());
        return Response.status(placed.created() ? 202 : 200)
                .location(uri.getBaseUriBuilder().path("v1/calls").path(placed.call().id.toString()).build())
                .entity(view).build();
    }

    @GET
    @Path("{id}")
    @RolesAllowed({Roles.OPERATOR, Roles.AUDITOR})
    @Operation(operationId = "getCall", summary = "Get a call",
            description = "With its audit trail: every status change, the originate "
            + "request and response, every key pressed, every verb sent.")
    @APIResponse(responseCode = "200", description = "The call and its events",
            content = @Content(schema = @Schema(implementation = CallView.class),
                    examples = @ExampleObject(name = "a flow call where 1 was pressed",
                            value = Examples.CALL_WITH_EVENTS)))
    @APIResponse(responseCode = "404", ref = OpenApiDocument.NOT_FOUND)
    public CallView get(@PathParam("id") UUID id) {
        return history.callWithEvents(id);
    }

    @GET
    @Path("{id}/events")
    @RolesAllowed({Roles.OPERATOR, Roles.AUDITOR})
    @Operation(operationId = "listCallEvents", summary = "A call's events",
            description = "Oldest first, in pages: pass `next` back as `after`.")
    @APIResponse(responseCode = "200", description = "A page of events")
    @APIResponse(responseCode = "400", ref = OpenApiDocument.BAD_REQUEST)
    @APIResponse(responseCode = "404", ref = OpenApiDocument.NOT_FOUND)
    public Page<EventView> events(@PathParam("id") UUID id,
                                  @QueryParam("after") @Parameter(description = "`next` of the previous page") Long after,
                                  @QueryParam("limit") @Parameter(description = "Page size, 1–500 (default 100)")
                                  Integer limit) {
        int size = PageRequest.limit(limit, EVENTS_PER_PAGE);
        return history.events(id, new PageRequest<>(after == null ? 0L : after, size));
    }
}
