package io.nexaflow.sandbox;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.nexaflow.problem.Problem.FieldError;
import io.nexaflow.sandbox.CallSimulator.Originated;
import io.nexaflow.sandbox.SandboxDtos.OriginateResponse;
import io.nexaflow.sandbox.SandboxDtos.PlatformError;
import io.nexaflow.sandbox.SandboxDtos.TokenRequest;
import io.nexaflow.sandbox.SandboxDtos.TokenResponse;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.enums.SchemaType;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.ExampleObject;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.parameters.Parameter;
import org.eclipse.microprofile.openapi.annotations.parameters.RequestBody;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;
import org.jboss.logging.Logger;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The Nexafone platform's own endpoints, under /sandbox: the token endpoint and the Voice API's originate. Errors come
 * back the way the platform sends them ({@code {message, errors}}), not as nexaflow problem documents.
 */
@Path("/sandbox")
@Tag(name = "Sandbox", description = "An emulator of the Nexafone platform for dev mode and tests (off in prod): "
        + "the platform's token and originate endpoints, then simulated calls you can press keys in, script, and read.")
@Produces(MediaType.APPLICATION_JSON)
@Consumes(MediaType.APPLICATION_JSON)
public class SandboxPlatformResource {

    private static final Logger LOG = Logger.getLogger(SandboxPlatformResource.class);
    private static final String BEARER = "bearer ";
    static final String REFUSED = "The platform cannot place this call";

    private final IssuedTokens tokens;
    private final CallSimulator calls;
    private final ObjectMapper json;

    public SandboxPlatformResource(IssuedTokens tokens, CallSimulator calls, ObjectMapper json) {
        this.tokens = tokens;
        this.calls = calls;
        this.json = json;
    }

    @POST
    @Path("auth/get-access-token/{accountId}")
    @Operation(operationId = "getSandboxAccessToken", summary = "Get an access token (platform)",
            description = "As the platform's token endpoint: the account, "
            + "key and secret must match `nexaflow.sandbox.account-id/api-key/api-secret` (by default nexaflow's own "
            + "`nexafone.*` credentials). Tokens expire after `nexaflow.sandbox.token-ttl`.")
    @RequestBody(required = true, content = @Content(schema = @Schema(implementation = TokenRequest.class),
            examples = @ExampleObject(name = "sandbox defaults", value = SandboxExamples.TOKEN_REQUEST)))
    @APIResponse(responseCode = "200", description = "A bearer token",
            content = @Content(schema = @Schema(implementation = TokenResponse.class)))
    @APIResponse(responseCode = "400", description = "The body is not {apiKey, apiSecret}",
            content = @Content(schema = @Schema(implementation = PlatformError.class)))
    @APIResponse(responseCode = "401", description = "Account, key or secret do not match",
            content = @Content(schema = @Schema(implementation = PlatformError.class)))
    public Response accessToken(@PathParam("accountId") @Parameter(description = "The account id", example = "sandbox-account")
                                String accountId, String body) {
        JsonNode request = read(body);
        if (request == null || !request.isObject()) {
            return error(400, new PlatformError("The body must be a JSON object {apiKey, apiSecret}",
                    List.of(new FieldError("", "must be a JSON object"))));
        }
        List<FieldError> errors = new ArrayList<>();
        for (String field : List.of("apiKey", "apiSecret")) {
            JsonNode value = request.get(field);
            if (value == null || !value.isTextual() || value.asText().isEmpty()) {
                errors.add(new FieldError("/" + field, "is required (a string)"));
            }
        }
        if (!errors.isEmpty()) {
            return error(400, new PlatformError("Invalid request", errors));
        }
        return tokens.issue(accountId, request.get("apiKey").asText(), request.get("apiSecret").asText())
                .map(issued -> Response.ok(new TokenResponse(issued.accessToken(), issued.ttl().toSeconds())).build())
                .orElseGet(() -> {
                    LOG.warnf("Sandbox token refused for account '%s'", accountId);
                    return error(401, PlatformError.of("Invalid account, API key or API secret"));
                });
    }

    @POST
    @Path("voice/v1/calls")
    @Operation(operationId = "originateSandboxCall", summary = "Originate a call (platform)",
            description = "As the platform's Voice API: needs "
            + "'Authorization: Bearer <accessToken>', validates the payload strictly against the vendor's reference "
            + "(every problem listed with a JSON pointer), then plays the call asynchronously. Follow it at "
            + "`GET /sandbox/calls/{callId}`.")
    @RequestBody(required = true, content = @Content(schema = @Schema(type = SchemaType.OBJECT,
            description = "{from, to, accountId, recordCall:{enable}, action:<verb>, timeout}"),
            examples = @ExampleObject(name = "vendor Advanced blueprint", value = SandboxExamples.ADVANCED_PAYLOAD)))
    @APIResponse(responseCode = "200", description = "Accepted; the call is queued",
            content = @Content(schema = @Schema(implementation = OriginateResponse.class)))
    @APIResponse(responseCode = "400", description = "The payload is not what the platform accepts, or it names a "
            + "number the platform cannot call (outcome `fail`, see `POST /sandbox/numbers`)",
            content = @Content(schema = @Schema(implementation = PlatformError.class), examples = {
                    @ExampleObject(name = "invalid payload", value = SandboxExamples.INVALID_PAYLOAD),
                    @ExampleObject(name = "refused number", value = SandboxExamples.REFUSED_NUMBER)}))
    @APIResponse(responseCode = "401", description = "Missing, unknown or expired access token",
            content = @Content(schema = @Schema(implementation = PlatformError.class)))
    @APIResponse(responseCode = "429", description = "The sandbox holds its maximum of running calls",
            content = @Content(schema = @Schema(implementation = PlatformError.class)))
    public Response originate(@HeaderParam(HttpHeaders.AUTHORIZATION) @Parameter(hidden = true) String authorization,
                              String body) {
        Optional<String> account = bearer(authorization).flatMap(tokens::account);
        if (account.isEmpty()) {
            return Response.fromResponse(error(401, PlatformError.of(authorization == null
                            ? "Missing access token: send 'Authorization: Bearer <accessToken>'"
                            : "Invalid or expired access token")))
                    .header(HttpHeaders.WWW_AUTHENTICATE, "Bearer").build();
        }
        JsonNode payload = read(body);
        if (payload == null) {
            return error(400, new PlatformError("The body is not JSON", List.of(new FieldError("", "must be a JSON object"))));
        }
        Originated result = calls.originate(payload, account.get());
        if (result instanceof Originated.Accepted accepted) {
            return Response.ok(new OriginateResponse(accepted.callId(), "queued")).build();
        }
        if (result instanceof Originated.Rejected rejected) {
            List<FieldError> errors = rejected.errors();
            return error(400, new PlatformError(errors.size() == 1
                    ? "Invalid payload: " + errors.get(0).pointer() + " " + errors.get(0).message()
                    : "Invalid payload: " + errors.size() + " problems", errors));
        }
        if (result instanceof Originated.Refused refused) {
            return error(400, new PlatformError(REFUSED, refused.errors()));
        }
        return error(429, PlatformError.of(((Originated.Full) result).message()));
    }

    private static Optional<String> bearer(String header) {
        if (header == null || !header.regionMatches(true, 0, BEARER, 0, BEARER.length())) {
            return Optional.empty();
        }
        String token = header.substring(BEARER.length()).trim();
        return token.isEmpty() ? Optional.empty() : Optional.of(token);
    }

    /** The body as JSON, or null when it is empty or not JSON (the caller answers with the platform's error shape). */
    private JsonNode read(String body) {
        if (body == null || body.isBlank()) {
            return null;
        }
        try {
            return json.readTree(body);
        } catch (JsonProcessingException e) {
            return null;
        }
    }

    private static Response error(int status, PlatformError error) {
        return Response.status(status).type(MediaType.APPLICATION_JSON).entity(error).build();
    }
}
