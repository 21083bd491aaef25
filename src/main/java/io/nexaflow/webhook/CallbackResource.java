package io.nexaflow.webhook;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.nexaflow.api.OpenApiDocument;
import io.nexaflow.problem.Problem;
import io.nexaflow.state.CallbackVerbs;
import io.smallrye.mutiny.Uni;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.ExampleObject;
import org.eclipse.microprofile.openapi.annotations.parameters.Parameter;
import org.eclipse.microprofile.openapi.annotations.parameters.RequestBody;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.security.SecurityRequirement;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;
import org.jboss.logging.Logger;
import org.jboss.resteasy.reactive.NoCache;
import org.jboss.resteasy.reactive.server.ServerExceptionMapper;

/** The endpoint Nexafone posts gather results to (the vendor page's path). Authenticated by the state token. */
@Path(CallbackVerbs.PATH)
@Tag(name = "Webhooks")
public class CallbackResource {

    private static final Logger LOG = Logger.getLogger(CallbackResource.class);

    private final CallbackHandler handler;
    private final ObjectMapper json;

    public CallbackResource(CallbackHandler handler, ObjectMapper json) {
        this.handler = handler;
        this.json = json;
    }

    @POST
    @NoCache
    @Consumes(MediaType.WILDCARD)
    @Produces(MediaType.APPLICATION_JSON)
    @Operation(operationId = "handleGatherCallback", summary = "Gather callback",
            description = "Nexafone posts the digits a caller pressed; nexaflow answers "
            + "the next verbs of the call's flow. Internal failures answer the fallback verb with 200, never a 5xx.")
    @RequestBody(content = @Content(examples = @ExampleObject(name = "caller pressed 2",
            value = "{\"callId\": \"c-123\", \"dtmf\": \"2\", \"to\": {\"channelId\": \"ch-1\"}}")))
    @SecurityRequirement(name = OpenApiDocument.STATE_TOKEN)
    @APIResponse(responseCode = "200", description = "The verb to execute next")
    @APIResponse(responseCode = "400", description = "Not a callback body")
    @APIResponse(responseCode = "403", description = "Missing, forged or altered state token")
    public Uni<Response> handle(@QueryParam("s") @Parameter(description = "Signed state token") String token,
                                byte[] body) {
        return handler.handle(token, body).map(answer -> switch (answer.status()) {
            case 200 -> Response.ok(answer.body(), MediaType.APPLICATION_JSON).build();
            case 403 -> problem(Problem.of(403, "forged-callback", "Forbidden",
                    "missing, forged or altered state token"));
            default -> problem(Problem.of(answer.status(), "malformed-callback", "Bad request", answer.body()));
        }).onFailure().recoverWithItem(this::fallback);
    }

    /** Whatever fails around this endpoint (body reading included), the platform hears the fallback verb. */
    @ServerExceptionMapper
    public Response fallback(Throwable failure) {
        LOG.errorf(failure, "callback failed; answering the fallback verb");
        return Response.ok(handler.fallbackVerb(), MediaType.APPLICATION_JSON).build();
    }

    private Response problem(Problem problem) {
        try {
            return Response.status(problem.status()).type(Problem.MEDIA_TYPE)
                    .entity(json.writeValueAsString(problem.withInstance(CallbackVerbs.PATH))).build();
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }
}
