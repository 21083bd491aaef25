package io.nexaflow.campaign;

import io.nexaflow.analytics.AnalyticsRange;
import io.nexaflow.analytics.FlowAnalytics;
import io.nexaflow.analytics.FlowAnalyticsView;
import io.nexaflow.api.Examples;
import io.nexaflow.api.OpenApiDocument;
import io.nexaflow.api.Page;
import io.nexaflow.api.PageParams;
import io.nexaflow.api.PageRequest;
import io.nexaflow.campaign.Campaign.Action;
import io.nexaflow.campaign.Campaign.ContactState;
import io.nexaflow.campaign.CampaignDtos.CampaignRequest;
import io.nexaflow.campaign.CampaignDtos.CampaignView;
import io.nexaflow.campaign.CampaignDtos.ContactResult;
import io.nexaflow.campaign.CampaignDtos.ContactView;
import io.nexaflow.export.ExportFormat;
import io.smallrye.common.annotation.Blocking;
import io.smallrye.mutiny.Multi;
import jakarta.ws.rs.core.Context;
import org.jboss.resteasy.reactive.RestStreamElementType;
import io.nexaflow.campaign.CampaignDtos.ImportResult;
import io.nexaflow.problem.Problem;
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

import java.io.InputStream;
import java.time.Instant;
import java.util.EnumSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.UUID;

import static io.nexaflow.problem.ProblemException.requireBody;

/**
 * The campaign API. Thin on purpose: the rules live in {@link CampaignService} and {@link Campaign}, so the dialer
 * of the next release reads the same ones.
 */
@Path("/v1/campaigns")
@Tag(name = "Campaigns", description = "Outbound campaigns: a contact list called through a flow, paced, within "
        + "calling hours, with retries; dialled by every replica at once with PostgreSQL as the coordinator.")
@SecurityRequirement(name = OpenApiDocument.API_KEY)
@Produces(MediaType.APPLICATION_JSON)
@Consumes(MediaType.APPLICATION_JSON)
@APIResponse(responseCode = "401", ref = OpenApiDocument.UNAUTHORIZED)
@APIResponse(responseCode = "403", ref = OpenApiDocument.FORBIDDEN)
public class CampaignResource {

    static final String CREATE = """
            {"name": "November payment reminders", "flowId": "6f1c1a52-3d47-4c5e-9a76-2f0d3c8b1e11",
             "from": "+911203135800", "timezone": "Asia/Kolkata",
             "windows": [{"days": ["MON", "TUE", "WED", "THU", "FRI"], "start": "09:00", "end": "21:00"},
                         {"days": ["SAT"], "start": "10:00", "end": "14:00"}],
             "callsPerSecond": 5, "maxConcurrent": 50,
             "retry": {"maxAttempts": 3, "delaySeconds": 900, "on": ["NO_ANSWER", "FAILED"]},
             "noAnswerAfterSeconds": 45}""";
    static final String CONTACTS_CSV = """
            number,name,amount
            +919650612345,Asha,1250.50
            09817812345,Ravi,300
            """;
    static final String CONTACT_LINE = """
            {"number": "+919650612345", "variables": {"name": "Asha", "amount": 1250.5}}""";
    static final String IMPORTED = """
            {"accepted": 2, "suppressed": 0, "duplicates": 1, "rejected": 1,
             "errors": [{"line": 4, "message": "number: '12345' is not a valid number in region IN"}]}""";

    static final String EXPORTED_CSV = "id,number,state,attempts,lastOutcome,lastError,lastCallId,path,variables,"
            + "collected\r\n1,+919650612345,COMPLETED,1,ANSWERED,,0b0f8a8e-6f43-4c1e-9b1f-1f3c1e1a2b3c,"
            + "greet > menu > paid > bye,\"{\"\"name\"\":\"\"Asha\"\"}\",\"{\"\"name\"\":\"\"Asha\"\",\"\"choice\"\":\"\"1\"\"}\"\r\n";
    /** A campaign's contacts page when no size is asked for. */
    private static final int CONTACTS_PER_PAGE = 100;

    private final CampaignService campaigns;
    private final ProgressStream progress;
    private final FlowAnalytics analytics;
    private final SecurityIdentity identity;

    public CampaignResource(CampaignService campaigns, ProgressStream progress, FlowAnalytics analytics,
                            SecurityIdentity identity) {
        this.campaigns = campaigns;
        this.progress = progress;
        this.analytics = analytics;
        this.identity = identity;
    }

    @POST
    @RolesAllowed(Roles.OPERATOR)
    @Operation(operationId = "createCampaign", summary = "Create a campaign",
            description = "Stored as a DRAFT: upload its contacts, then start it. Every problem of the request is "
            + "reported at once, each with a JSON pointer.")
    @RequestBody(required = true, content = @Content(schema = @Schema(implementation = CampaignRequest.class),
            examples = @ExampleObject(name = "payment reminders", value = CREATE)))
    @APIResponse(responseCode = "201", description = "Created; `Location` names the campaign",
            content = @Content(schema = @Schema(implementation = CampaignView.class)))
    @APIResponse(responseCode = "400", ref = OpenApiDocument.BAD_REQUEST)
    @APIResponse(responseCode = "422", ref = OpenApiDocument.INVALID)
    public Response create(CampaignRequest request, UriInfo uri) {
        CampaignView campaign = campaigns.create(requireBody(request), who());
        return Response.created(uri.getAbsolutePathBuilder().path(campaign.id().toString()).build())
                .entity(campaign).build();
    }

    @GET
    @RolesAllowed({Roles.OPERATOR, Roles.AUDITOR})
    @Operation(operationId = "listCampaigns", summary = "List campaigns",
            description = "Newest first, in pages; pass `next` back as `cursor`. Without progress: ask for one "
            + "campaign for its counts.")
    @APIResponse(responseCode = "200", description = "A page of campaigns")
    @APIResponse(responseCode = "400", ref = OpenApiDocument.BAD_REQUEST)
    public Page<CampaignView> list(@BeanParam PageParams page) {
        return campaigns.list(page.request());
    }

    @GET
    @Path("{id}")
    @RolesAllowed({Roles.OPERATOR, Roles.AUDITOR})
    @Operation(operationId = "getCampaign", summary = "Get a campaign",
            description = "With its progress: how many contacts are in each state.")
    @APIResponse(responseCode = "200", description = "The campaign")
    @APIResponse(responseCode = "404", ref = OpenApiDocument.NOT_FOUND)
    public CampaignView get(@PathParam("id") UUID id) {
        return campaigns.get(id);
    }

    @POST
    @Path("{id}/contacts")
    @RolesAllowed(Roles.OPERATOR)
    @Consumes({UploadReader.CSV, UploadReader.NDJSON})
    @Operation(operationId = "uploadCampaignContacts", summary = "Upload contacts",
            description = "CSV with a header row and a `number` column (every other column becomes a string "
            + "variable of the contact, `{{vars.COLUMN}}` in the flow), or NDJSON: one `{\"number\", \"variables\"}` "
            + "a line. Read as it arrives, up to 200 MiB. Numbers are normalised to E.164; a number already in the "
            + "campaign is a duplicate and dropped (the first line wins); a suppressed number is stored as "
            + "SUPPRESSED and never dialled. Invalid rows are rejected and listed; the rest are stored, all in one "
            + "transaction. Allowed while the campaign is DRAFT, RUNNING or PAUSED.")
    @RequestBody(required = true, content = {
            @Content(mediaType = UploadReader.CSV, schema = @Schema(type = SchemaType.STRING),
                    examples = @ExampleObject(name = "two contacts", value = CONTACTS_CSV)),
            // Each line is a ContactLine; the example shows one line, as OpenAPI has no type for a stream of them.
            @Content(mediaType = UploadReader.NDJSON, schema = @Schema(implementation = CampaignDtos.ContactLine.class),
                    examples = @ExampleObject(name = "one line", value = CONTACT_LINE))})
    @APIResponse(responseCode = "200", description = "What was stored",
            content = @Content(schema = @Schema(implementation = ImportResult.class),
                    examples = @ExampleObject(name = "one duplicate, one bad number", value = IMPORTED)))
    @APIResponse(responseCode = "400", ref = OpenApiDocument.BAD_REQUEST)
    @APIResponse(responseCode = "404", ref = OpenApiDocument.NOT_FOUND)
    @APIResponse(responseCode = "409", ref = OpenApiDocument.CONFLICT)
    @APIResponse(responseCode = "413", description = "The upload is over 200 MiB",
            content = @Content(mediaType = Problem.MEDIA_TYPE))
    @APIResponse(responseCode = "422", description = "The upload as a whole is unusable (no `number` column, "
            + "broken CSV); nothing was stored", content = @Content(mediaType = Problem.MEDIA_TYPE))
    public ImportResult contacts(@PathParam("id") UUID id, @HeaderParam(HttpHeaders.CONTENT_TYPE) MediaType type,
                                 InputStream body) {
        String media = type.getType() + "/" + type.getSubtype();
        return campaigns.importContacts(id, media.toLowerCase(Locale.ROOT), body, who());
    }

    @GET
    @Path("{id}/contacts")
    @RolesAllowed({Roles.OPERATOR, Roles.AUDITOR})
    @Operation(operationId = "listCampaignContacts", summary = "A campaign's contacts",
            description = "In upload order, in pages: pass `next` back as `after`.")
    @APIResponse(responseCode = "200", description = "A page of contacts")
    @APIResponse(responseCode = "400", ref = OpenApiDocument.BAD_REQUEST)
    @APIResponse(responseCode = "404", ref = OpenApiDocument.NOT_FOUND)
    public Page<ContactView> contactList(
            @PathParam("id") UUID id,
            @QueryParam("state") @Parameter(description = "Contact state; repeat it (or separate with commas) for "
                    + "several", schema = @Schema(type = SchemaType.ARRAY, implementation = ContactState.class))
            List<String> state,
            @QueryParam("after") @Parameter(description = "`next` of the previous page") Long after,
            @QueryParam("limit") @Parameter(description = "Page size, 1–500 (default 100)") Integer limit) {
        int size = PageRequest.limit(limit, CONTACTS_PER_PAGE);
        return campaigns.contacts(id, states(state), new PageRequest<>(after == null ? 0L : after, size));
    }

    @GET
    @Path("{id}/export")
    @RolesAllowed({Roles.OPERATOR, Roles.AUDITOR})
    @Produces({ExportFormat.CSV_TYPE, ExportFormat.NDJSON_TYPE})
    @Operation(operationId = "exportCampaign", summary = "Export a campaign's results",
            description = "Every contact in upload order with how it went: state, attempts, the last attempt's "
            + "outcome and call, the nodes that call went through and the variables it collected (sensitive ones "
            + "masked). CSV unless `Accept: application/x-ndjson`; streamed, one consistent snapshot.")
    @APIResponse(responseCode = "200", description = "The contacts, streamed",
            content = {
                    @Content(mediaType = ExportFormat.CSV_TYPE, schema = @Schema(type = SchemaType.STRING),
                            example = EXPORTED_CSV),
                    @Content(mediaType = ExportFormat.NDJSON_TYPE,
                            schema = @Schema(implementation = ContactResult.class))})
    @APIResponse(responseCode = "404", ref = OpenApiDocument.NOT_FOUND)
    public Response export(@PathParam("id") UUID id, @Context HttpHeaders headers) {
        return campaigns.export(id, ExportFormat.accepting(headers.getAcceptableMediaTypes()), who()).download();
    }

    @GET
    @Path("{id}/analytics")
    @RolesAllowed({Roles.OPERATOR, Roles.AUDITOR})
    @Produces(MediaType.APPLICATION_JSON)
    @Operation(operationId = "getCampaignAnalytics", summary = "Per-node analytics of a campaign's calls",
            description = "`GET /v1/flows/{id}/analytics` over the calls this campaign placed, on the revision it "
            + "pinned at start (before its start: the flow's published one, with no calls). `from` defaults to the "
            + "campaign's start (at most 92 days before `to`), `to` to now.")
    @APIResponse(responseCode = "200", description = "The analytics",
            content = @Content(schema = @Schema(implementation = FlowAnalyticsView.class),
                    examples = @ExampleObject(name = "a week of the demo IVR", value = Examples.FLOW_ANALYTICS)))
    @APIResponse(responseCode = "400", ref = OpenApiDocument.BAD_REQUEST)
    @APIResponse(responseCode = "404", ref = OpenApiDocument.NOT_FOUND)
    public FlowAnalyticsView analytics(@PathParam("id") UUID id, @BeanParam AnalyticsRange range) {
        range.checked();
        CampaignView campaign = campaigns.get(id);
        Instant to = range.until() != null ? range.until() : Instant.now();
        Instant from = range.since();
        if (from == null && campaign.startedAt() != null) {
            Instant earliest = to.minus(FlowAnalytics.MAX_SPAN);
            from = campaign.startedAt().isBefore(earliest) ? earliest : campaign.startedAt();
        }
        return analytics.compute(campaign.flowId(), campaign.flowVersion(), from, to, Campaign.caller(id));
    }

    @GET
    @Path("{id}/progress")
    @RolesAllowed({Roles.OPERATOR, Roles.AUDITOR})
    @Blocking
    @Produces(MediaType.SERVER_SENT_EVENTS)
    @RestStreamElementType(MediaType.APPLICATION_JSON)
    @Operation(operationId = "streamCampaignProgress", summary = "Follow a campaign's progress",
            description = "Server-sent events: the campaign with its progress at once, then every second; the "
            + "stream ends after the event that shows it COMPLETED or CANCELLED.")
    @APIResponse(responseCode = "200", description = "One `data:` event per second, each a Campaign",
            content = @Content(mediaType = MediaType.SERVER_SENT_EVENTS,
                    schema = @Schema(implementation = CampaignView.class)))
    @APIResponse(responseCode = "404", ref = OpenApiDocument.NOT_FOUND)
    public Multi<CampaignView> progress(@PathParam("id") UUID id) {
        return progress.follow(id);
    }

    @POST
    @Path("{id}/start")
    @RolesAllowed(Roles.OPERATOR)
    @Operation(operationId = "startCampaign", summary = "Start a campaign",
            description = "DRAFT → RUNNING. Pins the flow's published revision: publishing later does not change "
            + "the campaign. Needs at least one PENDING contact.")
    @APIResponse(responseCode = "200", description = "The campaign, RUNNING")
    @APIResponse(responseCode = "404", ref = OpenApiDocument.NOT_FOUND)
    @APIResponse(responseCode = "409", ref = OpenApiDocument.CONFLICT)
    public CampaignView start(@PathParam("id") UUID id) {
        return campaigns.act(id, Action.START, who());
    }

    @POST
    @Path("{id}/pause")
    @RolesAllowed(Roles.OPERATOR)
    @Operation(operationId = "pauseCampaign", summary = "Pause a campaign",
            description = "RUNNING → PAUSED: no new calls start; calls under way go on.")
    @APIResponse(responseCode = "200", description = "The campaign, PAUSED")
    @APIResponse(responseCode = "404", ref = OpenApiDocument.NOT_FOUND)
    @APIResponse(responseCode = "409", ref = OpenApiDocument.CONFLICT)
    public CampaignView pause(@PathParam("id") UUID id) {
        return campaigns.act(id, Action.PAUSE, who());
    }

    @POST
    @Path("{id}/resume")
    @RolesAllowed(Roles.OPERATOR)
    @Operation(operationId = "resumeCampaign", summary = "Resume a campaign",
            description = "PAUSED → RUNNING, on the revision pinned at start.")
    @APIResponse(responseCode = "200", description = "The campaign, RUNNING")
    @APIResponse(responseCode = "404", ref = OpenApiDocument.NOT_FOUND)
    @APIResponse(responseCode = "409", ref = OpenApiDocument.CONFLICT)
    public CampaignView resume(@PathParam("id") UUID id) {
        return campaigns.act(id, Action.RESUME, who());
    }

    @POST
    @Path("{id}/cancel")
    @RolesAllowed(Roles.OPERATOR)
    @Operation(operationId = "cancelCampaign", summary = "Cancel a campaign",
            description = "DRAFT, RUNNING or PAUSED → CANCELLED, for good: contacts still waiting (PENDING, "
            + "RETRY_WAIT) become CANCELLED; calls under way go on.")
    @APIResponse(responseCode = "200", description = "The campaign, CANCELLED")
    @APIResponse(responseCode = "404", ref = OpenApiDocument.NOT_FOUND)
    @APIResponse(responseCode = "409", ref = OpenApiDocument.CONFLICT)
    public CampaignView cancel(@PathParam("id") UUID id) {
        return campaigns.act(id, Action.CANCEL, who());
    }

    private static Set<ContactState> states(List<String> asked) {
        Set<ContactState> states = EnumSet.noneOf(ContactState.class);
        for (String value : asked == null ? List.<String>of() : asked) {
            for (String name : value.split(",")) {
                if (name.isBlank()) {
                    continue;
                }
                try {
                    states.add(ContactState.valueOf(name.trim().toUpperCase(Locale.ROOT)));
                } catch (IllegalArgumentException e) {
                    throw ProblemException.badRequest("'state': '" + name.trim() + "' is not one of "
                            + List.of(ContactState.values()));
                }
            }
        }
        return states;
    }

    private String who() {
        return identity.getPrincipal().getName();
    }
}
