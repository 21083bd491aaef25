package io.nexaflow.support;

import com.fasterxml.jackson.databind.JsonNode;
import io.nexaflow.db.Timestamps;
import io.nexaflow.call.Call;
import io.nexaflow.engine.FlowProgram;
import io.nexaflow.engine.Turn;
import io.nexaflow.flow.FlowRevision;
import io.nexaflow.flow.RevisionPrograms;
import io.nexaflow.state.CallbackVerbs;
import io.quarkus.narayana.jta.QuarkusTransaction;
import io.restassured.RestAssured;
import io.restassured.http.ContentType;
import io.restassured.response.Response;
import jakarta.enterprise.context.ApplicationScoped;

import java.net.URI;
import java.util.Map;
import java.util.UUID;

/**
 * Calls in progress, as if Nexafone had accepted them, for tests of the webhook: the call row and the verb
 * Nexafone was sent, whose gather action is the callback URL the platform would post to.
 */
@ApplicationScoped
public class LiveCalls {

    public record LiveCall(UUID id, String callId, UUID revision, JsonNode verb) {
    }

    private final RevisionPrograms programs;
    private final CallbackVerbs urls;

    public LiveCalls(RevisionPrograms programs, CallbackVerbs urls) {
        this.programs = programs;
        this.urls = urls;
    }

    public LiveCall start(String flowId, int version) {
        UUID id = UUID.randomUUID();
        String callId = "c-" + UUID.randomUUID();
        FlowRevision revision = QuarkusTransaction.requiringNew().call(() ->
                FlowRevision.<FlowRevision>find("flowId = ?1 and version = ?2", UUID.fromString(flowId), version)
                        .firstResult());
        FlowProgram program = programs.of(revision);
        Turn start = program.start();
        QuarkusTransaction.requiringNew().run(() -> {
            Call call = new Call();
            call.id = id;
            call.platformCallId = callId;
            call.kind = Call.Kind.FLOW;
            call.flowId = revision.flowId;
            call.flowVersion = revision.version;
            call.revisionId = revision.id;
            call.fromNumber = "+911203135800";
            call.toNumber = "+919650612345";
            call.status = Call.Status.IN_PROGRESS;
            call.currentNode = start.gather();
            call.attempts = Flows.JSON.valueToTree(start.attempts().asMap());
            call.createdAt = Timestamps.now();
            call.updatedAt = call.createdAt;
            call.persist();
        });
        return new LiveCall(id, callId, revision.id, Flows.parse(urls.signAndRender(program, id, revision.id, start, null)));
    }

    /** The URL of the gather that ends a verb chain: where Nexafone posts the digits. */
    public static String gatherAction(JsonNode verb) {
        JsonNode at = verb;
        while (at != null && !at.isMissingNode()) {
            if ("gather".equals(at.path("type").asText())) {
                return at.at("/data/action").asText();
            }
            at = at.at("/data/action");
        }
        throw new AssertionError("no gather in " + verb);
    }

    /** Posts a callback like Nexafone does: {callId, dtmf, to: {channelId}} to the gather's action URL. */
    public static Response press(String actionUrl, String callId, String dtmf, String channelId) {
        Map<String, Object> to = channelId == null ? Map.of() : Map.of("channelId", channelId);
        Map<String, Object> body = dtmf == null ? Map.of("callId", callId, "to", to)
                : Map.of("callId", callId, "dtmf", dtmf, "to", to);
        URI url = URI.create(actionUrl);
        return RestAssured.given().contentType(ContentType.JSON).body(body)
                .post(url.getRawPath() + "?" + url.getRawQuery());
    }
}
