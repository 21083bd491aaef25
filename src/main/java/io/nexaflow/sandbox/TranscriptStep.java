package io.nexaflow.sandbox;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.JsonNode;
import io.nexaflow.problem.Problem.FieldError;
import org.eclipse.microprofile.openapi.annotations.media.Schema;

import java.time.Instant;
import java.util.List;

/** One line of a sandbox call's transcript; which fields are present depends on {@code kind}. */
@JsonInclude(JsonInclude.Include.NON_NULL)
@Schema(name = "SandboxStep", description = "One step of a simulated call. Kinds: queued, leg, play, gather, dtmf, "
        + "gathered, webhook, dial, dialed, hangup, ended.")
public record TranscriptStep(
        @Schema(description = "1, 2, 3… in the order the steps happened") int seq,
        Instant at,
        @Schema(example = "gather") String kind,
        @Schema(description = "leg: which leg rang", enumeration = {"from", "to"}) String leg,
        @Schema(description = "leg and dialed: ringing, answered, busy, no-answer or failed") String outcome,
        @Schema(description = "leg answered: the channel id of that leg; gather: the channelId the verb named") String channelId,
        @Schema(description = "play, gather, dial, hangup: where the verb sat in the document it came in",
                example = "/action/data/action") String pointer,
        @Schema(description = "play, gather, dial, hangup: the verb JSON as received") JsonNode verb,
        @Schema(description = "play: the audio played; gather: its prompt") String audioUrl,
        @Schema(description = "leg, dial, dialed: the number called") String number,
        @Schema(description = "dtmf: keys pressed; gathered: the digits sent to the webhook") String digits,
        @Schema(description = "dtmf: who pressed them", enumeration = {"api", "script"}) String source,
        @Schema(description = "gathered: max-digits, terminator, timeout or digit-timeout; ended: why the call ended")
        String reason,
        @Schema(description = "webhook: the callback and its answer") Webhook webhook,
        @Schema(description = "play, dialed, webhook: how long it took (simulated time for play and dial)") Long durationMs,
        @Schema(description = "A note, or the error that ended the call") String message,
        @Schema(description = "ended by an invalid verb: what the validator found in it") List<FieldError> errors) {

    /** The gather callback as sent, and what came back (status and body, or the error that prevented an answer). */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    @Schema(name = "SandboxWebhook")
    public record Webhook(
            @Schema(example = "http://127.0.0.1:8080/api/handle-dtmf?s=…") String url,
            @Schema(description = "Exactly the body posted: {callId, dtmf, to:{channelId}}") JsonNode request,
            @Schema(description = "HTTP status of the answer; absent when none came") Integer status,
            @Schema(description = "The answer's body: JSON when it parsed, else its text") JsonNode response,
            @Schema(description = "Why no usable answer came") String error) {
    }

    static Builder kind(String kind) {
        return new Builder(kind);
    }

    /** Steps have many optional fields; each kind sets a few of them. */
    static final class Builder {
        private final String kind;
        private String leg;
        private String outcome;
        private String channelId;
        private String pointer;
        private JsonNode verb;
        private String audioUrl;
        private String number;
        private String digits;
        private String source;
        private String reason;
        private Webhook webhook;
        private Long durationMs;
        private String message;
        private List<FieldError> errors;

        private Builder(String kind) {
            this.kind = kind;
        }

        Builder leg(String leg, String outcome) {
            this.leg = leg;
            this.outcome = outcome;
            return this;
        }

        Builder outcome(String outcome) {
            this.outcome = outcome;
            return this;
        }

        Builder channelId(String channelId) {
            this.channelId = channelId;
            return this;
        }

        Builder verb(String pointer, JsonNode verb) {
            this.pointer = pointer;
            this.verb = verb;
            return this;
        }

        Builder audioUrl(String audioUrl) {
            this.audioUrl = audioUrl;
            return this;
        }

        Builder number(String number) {
            this.number = number;
            return this;
        }

        Builder digits(String digits, String source) {
            this.digits = digits;
            this.source = source;
            return this;
        }

        Builder reason(String reason) {
            this.reason = reason;
            return this;
        }

        Builder webhook(Webhook webhook) {
            this.webhook = webhook;
            return this;
        }

        Builder durationMs(long durationMs) {
            this.durationMs = durationMs;
            return this;
        }

        Builder message(String message) {
            this.message = message;
            return this;
        }

        Builder errors(List<FieldError> errors) {
            this.errors = errors == null || errors.isEmpty() ? null : List.copyOf(errors);
            return this;
        }

        TranscriptStep build(int seq, Instant at) {
            return new TranscriptStep(seq, at, kind, leg, outcome, channelId, pointer, verb, audioUrl, number, digits, source,
                    reason, webhook, durationMs, message, errors);
        }
    }
}
