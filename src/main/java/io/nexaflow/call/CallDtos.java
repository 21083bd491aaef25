package io.nexaflow.call;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.JsonNode;
import io.nexaflow.api.Page;
import io.nexaflow.api.PageRequest;
import org.eclipse.microprofile.openapi.annotations.media.Schema;

import java.time.Instant;
import java.util.List;
import java.util.UUID;

/** The shapes of the call API. */
public final class CallDtos {

    private CallDtos() {
    }

    @Schema(name = "OriginateRequest", description = "Give exactly one of: flowId (a flow call), bridgeTo (ClickToCall), "
            + "or action (a raw Nexafone verb).")
    public record OriginateRequest(
            @Schema(required = true, description = "Calling number: E.164, or national in NEXAFLOW_DEFAULT_REGION",
                    example = "+911203135800") String from,
            @Schema(required = true, description = "Called number", example = "+919650612345") String to,
            @Schema(description = "Flow to run; its published revision unless flowVersion names one") UUID flowId,
            @Schema(description = "Revision of the flow to run", minimum = "1") Integer flowVersion,
            @Schema(description = "ClickToCall: the number to bridge the call to", example = "+919817812345")
            String bridgeTo,
            // No schema default: generated clients send defaults, and dialTimeout without bridgeTo is refused.
            @Schema(description = "ClickToCall: seconds to wait for the bridged leg; 15 when absent", minimum = "1",
                    maximum = "600") Integer dialTimeout,
            @Schema(description = "A raw Nexafone verb, sent as given once it passes validation") JsonNode action,
            @Schema(description = "Record the call (recordCall.enable)", defaultValue = "false") Boolean recordCall,
            @Schema(description = "Leg timeout in seconds for outbound dialling", minimum = "1", maximum = "600",
                    defaultValue = "30") Integer timeout,
            @Schema(description = "A flow call's starting variables (`{{vars.NAME}}` in the flow): a flat object of "
                    + "strings, numbers and booleans, at most 4 KiB", example = "{\"amount\": 1250.5, \"name\": \"Asha\"}")
            JsonNode variables) {

        public OriginateRequest(String from, String to, UUID flowId, Integer flowVersion, String bridgeTo,
                                Integer dialTimeout, JsonNode action, Boolean recordCall, Integer timeout) {
            this(from, to, flowId, flowVersion, bridgeTo, dialTimeout, action, recordCall, timeout, null);
        }
    }

    @Schema(name = "Call")
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record CallView(
            UUID id,
            @Schema(description = "Nexafone's callId, once the platform accepted the call") String callId,
            Call.Kind kind,
            Call.Status status,
            UUID flowId,
            Integer flowVersion,
            String from,
            String to,
            @Schema(description = "The gather the call waits at, or the last node it reached") String currentNode,
            @Schema(description = "Gather node → times entered") JsonNode attempts,
            @Schema(description = "The last number a dial bridged to") String bridgedTo,
            @Schema(description = "Why the call failed or is unknown") String error,
            Instant createdAt,
            Instant updatedAt,
            Instant endedAt,
            @Schema(description = "When retention masked the numbers and dropped the digits (absent until then)")
            Instant anonymisedAt,
            @Schema(description = "A flow call's variables after its latest turn: those given to POST /v1/calls, "
                    + "digits saved by gathers, values extracted by requests; sensitive ones read \"***\" "
                    + "(not in lists)", example = "{\"account\": \"***\", \"balance\": 1250.5}")
            JsonNode variables,
            @Schema(description = "The call's audit trail (single-call reads only)") List<EventView> events) {

        /** A call just placed: no key pressed yet, its row says it all. */
        static CallView of(Call call) {
            return new CallView(call.id, call.platformCallId, call.kind, call.status, call.flowId, call.flowVersion,
                    call.fromNumber, call.toNumber, call.currentNode, call.attempts, call.bridgedTo, call.error,
                    call.createdAt, call.updatedAt, call.endedAt, call.anonymisedAt, call.variables, null);
        }

        /** A call with its whole audit trail (records oldest first), where it waits read from its latest press. */
        static CallView of(Call call, List<CallEvent> records) {
            LatestPress.Seen seen = LatestPress.of(call, records);
            List<EventView> events = records.stream().flatMap(e -> EventView.of(e).stream()).toList();
            return new CallView(call.id, call.platformCallId, call.kind, call.status, call.flowId, call.flowVersion,
                    call.fromNumber, call.toNumber, seen.currentNode(), seen.attempts(), call.bridgedTo, call.error,
                    call.createdAt, seen.updatedAt(), call.endedAt, call.anonymisedAt, call.variables, events);
        }
    }

    @Schema(name = "CallEvent")
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record EventView(
            @Schema(description = "Position in the audit trail (increases with time; a DTMF and the VERB_SENT that "
                    + "answered it are stored as one record and share their seq)") long seq,
            @Schema(description = "STATUS, ORIGINATE_REQUEST, ORIGINATE_RESPONSE, DTMF, VERB_SENT, DIAL, "
                    + "CALLBACK_REJECTED, CALLBACK_FALLBACK, CALLBACK_FORGED, HTTP_REQUEST") String type,
            String node,
            Integer attempt,
            String dtmf,
            @Schema(description = "For DTMF: the node the input was routed to") String route,
            JsonNode payload,
            Instant at) {

        /** The events one stored record reads as: itself, and for a DTMF the VERB_SENT that answered it. */
        static List<EventView> of(CallEvent e) {
            EventView event = new EventView(e.id, e.type.name(), e.node, e.attempt, e.dtmf, e.route, e.payload, e.at);
            if (e.verb == null) {
                return List.of(event);
            }
            return List.of(event, new EventView(e.id, CallEvent.Type.VERB_SENT.name(), e.node, e.attempt, null, null,
                    e.verb, e.at));
        }

        /**
         * A page of events from records read with {@code page.fetch()}: at most {@code limit} events, never cut
         * between a DTMF and its VERB_SENT (they share a seq, and the next page starts after it), except that a
         * page of one holds both.
         */
        static Page<EventView> page(List<CallEvent> records, PageRequest<Long> page) {
            List<EventView> events = new java.util.ArrayList<>();
            for (CallEvent record : records) {
                events.addAll(of(record));
            }
            if (events.size() <= page.limit()) {
                return new Page<>(events, null);
            }
            int end = page.limit();
            if (events.get(end).seq() == events.get(end - 1).seq()) {
                end = end > 1 ? end - 1 : end + 1;
            }
            List<EventView> items = List.copyOf(events.subList(0, end));
            return new Page<>(items, items.size() < events.size() ? String.valueOf(items.get(end - 1).seq()) : null);
        }
    }

    @Schema(name = "DtmfInput", description = "One gather callback: what the caller pressed and where it led")
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record DtmfView(
            @Schema(description = "Position in the audit trail (the event's seq)") long seq,
            @Schema(description = "nexaflow's id of the call") UUID call,
            @Schema(description = "Nexafone's callId") String callId,
            UUID flowId,
            @Schema(description = "The flow revision the call ran") Integer flowVersion,
            String from,
            String to,
            @Schema(description = "The gather node that took the input") String node,
            @Schema(description = "Which time this call entered that gather (1 = first)") Integer attempt,
            @Schema(description = "The digits as Nexafone sent them, terminator included; empty on a timeout, "
                    + "absent once retention anonymised the call", example = "1#") String digits,
            @Schema(description = "The node the input was routed to") String route,
            @Schema(description = "Why it went there", enumeration = {"MATCH", "DEFAULT", "TIMEOUT", "INVALID",
                    "REPEAT"}) String reason,
            @Schema(description = "When the callback arrived") Instant at) {
    }
}
