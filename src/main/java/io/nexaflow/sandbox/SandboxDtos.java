package io.nexaflow.sandbox;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.JsonNode;
import io.nexaflow.problem.Problem.FieldError;
import org.eclipse.microprofile.openapi.annotations.media.Schema;

import java.time.Instant;
import java.util.List;

/** Bodies of the sandbox endpoints: the platform's own shapes, and the controls tests and developers use. */
public final class SandboxDtos {

    private SandboxDtos() {
    }

    @Schema(name = "SandboxTokenRequest")
    public record TokenRequest(
            @Schema(required = true, example = "ak_sandbox_key") String apiKey,
            @Schema(required = true, example = "as_sandbox_secret") String apiSecret) {
    }

    @Schema(name = "SandboxTokenResponse")
    public record TokenResponse(
            @Schema(description = "Send as 'Authorization: Bearer <accessToken>'") String accessToken,
            @Schema(description = "Seconds until the token expires", example = "600") long expiresIn) {
    }

    /** Errors as the platform answers them: a message, and for a rejected payload every problem with its pointer. */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    @Schema(name = "SandboxError")
    public record PlatformError(
            @Schema(example = "Invalid payload: 2 problems") String message,
            @Schema(description = "Every problem of a rejected payload, each with a JSON pointer into it") List<FieldError> errors) {

        static PlatformError of(String message) {
            return new PlatformError(message, null);
        }
    }

    @Schema(name = "SandboxCallCreated")
    public record OriginateResponse(
            @Schema(description = "Id of the call; its transcript is at /sandbox/calls/{callId}") String callId,
            @Schema(example = "queued") String status) {
    }

    @Schema(name = "SandboxDtmf")
    public record DtmfRequest(@Schema(required = true, description = "Keys to press, in order (0-9, * and #)", example = "2")
                              String digits) {
    }

    @Schema(name = "SandboxScript")
    public record ScriptRequest(
            @Schema(required = true, description = "What to press at each coming gather, in order; \"\" lets that gather "
                    + "time out", example = "[\"\", \"7\", \"2\"]") List<String> digits) {
    }

    @Schema(name = "SandboxNumberScript")
    public record NumberScriptRequest(
            @Schema(required = true, description = "The number the next call goes to", example = "096506xxxx") String to,
            @Schema(required = true, description = "What the person at that number presses at each gather; \"\" lets a "
                    + "gather time out", example = "[\"2\"]") List<String> digits) {
    }

    @Schema(name = "SandboxNumberScriptQueued")
    public record NumberScriptView(
            @Schema(description = "The number, normalised") String to,
            List<String> digits,
            @Schema(description = "Scripts now waiting for calls to this number, this one included") int pending) {
    }

    @Schema(name = "SandboxNumberOutcome")
    public record NumberOutcome(
            @Schema(required = true, example = "096506xxxx") String number,
            @Schema(required = true, enumeration = {"answer", "busy", "no-answer", "fail"}) String outcome) {
    }

    @Schema(name = "SandboxExpiredTokens")
    public record ExpiredTokens(@Schema(description = "How many live tokens were ended") int expired) {
    }

    @JsonInclude(JsonInclude.Include.NON_NULL)
    @Schema(name = "SandboxCall", description = "A simulated call and its transcript")
    public record SimulatedCallView(
            String callId,
            String accountId,
            String from,
            String to,
            @Schema(description = "recordCall.enable of the payload") boolean recordCall,
            @Schema(enumeration = {"queued", "ringing", "playing", "gathering", "webhook", "dialing", "ended"}) String state,
            @Schema(description = "Why the call ended: hangup, completed (no verb left), from-busy, from-no-answer, "
                    + "from-failed, to-busy, to-no-answer, to-failed, webhook-failed, invalid-verb, step-limit, "
                    + "sandbox-error") String reason,
            @Schema(description = "The error that ended the call, when one did") String error,
            Instant createdAt,
            Instant endedAt,
            @Schema(description = "Script entries not used yet, one per coming gather") List<String> script,
            @Schema(description = "The originate payload as received") JsonNode request,
            List<TranscriptStep> steps) {
    }

    @JsonInclude(JsonInclude.Include.NON_NULL)
    @Schema(name = "SandboxCallSummary")
    public record CallSummary(String callId, String from, String to, String state, String reason, Instant createdAt,
                              Instant endedAt) {
    }
}
