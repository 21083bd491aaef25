package io.nexaflow.campaign;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.JsonNode;
import io.nexaflow.campaign.Campaign.ContactState;
import org.eclipse.microprofile.openapi.annotations.enums.SchemaType;
import org.eclipse.microprofile.openapi.annotations.media.Schema;

import java.math.BigDecimal;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/** The shapes of the campaign and suppression API. */
public final class CampaignDtos {

    /** An upload answers with this many of its errors at most; the counts cover them all. */
    public static final int MAX_ERRORS = 100;

    private CampaignDtos() {
    }

    @Schema(name = "CampaignRequest", description = "A campaign to create; it starts as a DRAFT")
    public record CampaignRequest(
            @Schema(required = true, description = "1–200 characters", example = "November payment reminders")
            String name,
            @Schema(required = true, description = "The flow each call runs; its published revision is pinned when "
                    + "the campaign starts") UUID flowId,
            @Schema(required = true, description = "Calling number: E.164, or national in NEXAFLOW_DEFAULT_REGION",
                    example = "+911203135800") String from,
            @Schema(required = true, description = "IANA timezone the windows are read in", example = "Asia/Kolkata")
            String timezone,
            @Schema(required = true, description = "When calls may start (1–50 windows); a time in any window is "
                    + "open") List<CallingWindows.Spec> windows,
            @Schema(required = true, description = "Calls started per second across all replicas, over 0 and at "
                    + "most 100", example = "5", exclusiveMinimum = true, minimum = "0", maximum = "100")
            BigDecimal callsPerSecond,
            @Schema(required = true, description = "Calls of this campaign at once, 1–1000", minimum = "1",
                    maximum = "1000", example = "50") Integer maxConcurrent,
            @Schema(description = "When to dial a contact again; absent: once only") RetryPolicy retry,
            @Schema(description = "Seconds after the originate with no gather callback that make an attempt "
                    + "NO_ANSWER, 10–600; 60 when absent", minimum = "10", maximum = "600")
            Integer noAnswerAfterSeconds) {
    }

    @Schema(name = "RetryPolicy")
    public record RetryPolicy(
            @Schema(required = true, description = "Attempts per contact in all, 1–10 (1: no retries)",
                    minimum = "1", maximum = "10", example = "3") Integer maxAttempts,
            @Schema(required = true, description = "Seconds between attempts, 60 or more", minimum = "60",
                    example = "900") Integer delaySeconds,
            @Schema(description = "The outcomes retried, of FAILED, UNKNOWN and NO_ANSWER; none when absent",
                    type = SchemaType.ARRAY, implementation = Campaign.RetryOn.class,
                    example = "[\"NO_ANSWER\", \"FAILED\"]") List<String> on) {

        static final RetryPolicy ONCE = new RetryPolicy(1, 60, List.of());
    }

    @Schema(name = "Campaign")
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record CampaignView(
            UUID id,
            String name,
            UUID flowId,
            @Schema(description = "The flow revision pinned at start (absent before)") Integer flowVersion,
            String from,
            String timezone,
            List<CallingWindows.Spec> windows,
            BigDecimal callsPerSecond,
            int maxConcurrent,
            RetryPolicy retry,
            int noAnswerAfterSeconds,
            Campaign.State state,
            @Schema(description = "Name of the API key that created it") String createdBy,
            Instant createdAt,
            Instant updatedAt,
            Instant startedAt,
            @Schema(description = "When it was cancelled or completed") Instant endedAt,
            @Schema(description = "Its contacts by state (single-campaign reads and actions only)") Progress progress) {

        CampaignView withProgress(Progress counted) {
            return new CampaignView(id, name, flowId, flowVersion, from, timezone, windows, callsPerSecond,
                    maxConcurrent, retry, noAnswerAfterSeconds, state, createdBy, createdAt, updatedAt, startedAt,
                    endedAt, counted);
        }
    }

    @Schema(name = "CampaignProgress")
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record Progress(
            @Schema(description = "Contacts in each state; every state is listed, zeros included",
                    example = "{\"PENDING\": 1200, \"DIALING\": 0, \"IN_PROGRESS\": 0, \"COMPLETED\": 0, "
                            + "\"NO_ANSWER\": 0, \"FAILED\": 0, \"RETRY_WAIT\": 0, \"CANCELLED\": 0, "
                            + "\"SUPPRESSED\": 3}") Map<ContactState, Long> states,
            @Schema(description = "All contacts") long total,
            @Schema(description = "Calls started per second over the last minute (or since the start, when "
                    + "sooner), by every replica (RUNNING and PAUSED campaigns)", example = "4.9") BigDecimal ratePerSecond,
            @Schema(description = "When the contacts still waiting will all have been dialled once, at the rate "
                    + "achieved (the rate asked for until there is one) and counting only open calling hours; "
                    + "retries still to come are not in it. RUNNING campaigns only, and only within 60 windows")
            Instant estimatedEnd,
            @Schema(description = "Why it is not dialling at its pace, when it is not (RUNNING campaigns only)")
            Held held) {
    }

    @Schema(name = "CampaignHeld")
    public record Held(Campaign.Held reason, @Schema(description = "Since when") Instant since) {
    }

    @Schema(name = "CampaignContact")
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record ContactView(
            @Schema(description = "Position in the campaign: contacts are listed in upload order") long id,
            @Schema(description = "E.164") String number,
            @Schema(description = "The contact's flow variables") JsonNode variables,
            ContactState state,
            int attempts,
            @Schema(description = "When it may be dialled next") Instant nextAttemptAt,
            @Schema(description = "How its last attempt went: ANSWERED, PLACED (a flow without gathers), "
                    + "NO_ANSWER, FAILED or UNKNOWN") String lastOutcome,
            @Schema(description = "Why its last attempt failed, or why its fate is not known yet") String lastError,
            @Schema(description = "The call of its latest attempt") UUID lastCallId,
            @Schema(description = "Its line in the upload (the header is line 1)") Integer line,
            Instant updatedAt) {
    }

    @Schema(name = "CampaignContactResult", description = "One contact in a campaign export: how it went")
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record ContactResult(
            @Schema(description = "Position in the campaign (upload order)") long id,
            @Schema(description = "E.164") String number,
            @Schema(description = "The contact's flow variables, as uploaded") JsonNode variables,
            ContactState state,
            @Schema(description = "Attempts made") int attempts,
            @Schema(description = "How its last attempt went: ANSWERED, PLACED (a flow without gathers), "
                    + "NO_ANSWER, FAILED or UNKNOWN") String lastOutcome,
            @Schema(description = "Why its last attempt failed, when it did") String lastError,
            @Schema(description = "The call of its last attempt") UUID lastCallId,
            @Schema(description = "Nodes that call went through, in order (absent when nobody answered); in "
                    + "CSV joined with ' > '") List<String> path,
            @Schema(description = "The call's variables when it ended, sensitive ones masked: what the flow "
                    + "collected") JsonNode collected) {
    }

    @Schema(name = "ContactLine", description = "One line of an NDJSON contact upload")
    public record ContactLine(
            @Schema(required = true, description = "E.164, or national in NEXAFLOW_DEFAULT_REGION",
                    example = "+919650612345") String number,
            @Schema(description = "Flow variables of this contact: a flat object of strings, numbers and booleans")
            Map<String, Object> variables) {
    }

    @Schema(name = "ImportResult", description = "What an upload stored")
    public record ImportResult(
            @Schema(description = "Rows stored; suppressed numbers are stored too (as SUPPRESSED) and counted here")
            long accepted,
            @Schema(description = "Of the accepted, how many are suppressed and will not be dialled") long suppressed,
            @Schema(description = "Rows not stored because their number is already there (in this upload or before)")
            long duplicates,
            @Schema(description = "Rows not stored because they are invalid") long rejected,
            @Schema(description = "Why rows were rejected: the first " + MAX_ERRORS) List<LineError> errors) {
    }

    @Schema(name = "LineError")
    public record LineError(
            @Schema(description = "Line of the upload; the CSV header is line 1") long line,
            @Schema(example = "number: '12345' is not a valid number in region IN") String message) {
    }

    @Schema(name = "SuppressionRequest")
    public record SuppressionRequest(
            @Schema(required = true, description = "The number never to dial; normalised to E.164",
                    example = "+919650612345") String number,
            @Schema(description = "Why (at most 500 characters)", example = "opted out by SMS") String reason) {
    }

    @Schema(name = "Suppression")
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record SuppressionView(
            @Schema(description = "E.164") String number,
            String reason,
            @Schema(description = "Name of the API key that added it") String createdBy,
            Instant createdAt) {
    }
}
