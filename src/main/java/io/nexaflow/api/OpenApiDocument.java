package io.nexaflow.api;

import io.nexaflow.problem.Problem;
import jakarta.ws.rs.core.Application;
import org.eclipse.microprofile.openapi.annotations.OpenAPIDefinition;
import org.eclipse.microprofile.openapi.annotations.Components;
import org.eclipse.microprofile.openapi.annotations.enums.SecuritySchemeIn;
import org.eclipse.microprofile.openapi.annotations.enums.SecuritySchemeType;
import org.eclipse.microprofile.openapi.annotations.info.Info;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.ExampleObject;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.security.SecurityScheme;
import org.eclipse.microprofile.openapi.annotations.servers.Server;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

/**
 * The front page of the OpenAPI document; Swagger UI's Authorize button takes an API key. The document served in
 * prod is committed as src/main/openapi/openapi.yaml (OpenApiContractTest keeps the two equal).
 */
@OpenAPIDefinition(
        // The version served is the pom's: quarkus.smallrye-openapi.info-version in application.properties.
        info = @Info(title = "nexaflow", version = "0",
                description = "IVR call flows for the Nexafone Voice CPaaS: store and version flows, originate calls, "
                        + "answer Nexafone's gather webhooks, and audit every call and DTMF input.\n\n"
                        + "Management endpoints (/v1) need an API key: press **Authorize** and paste it. "
                        + "Roles: `admin` (flows, keys, everything), `operator` (originate, dry runs), `auditor` (read calls). "
                        + "Errors are RFC 9457 problem documents."),
        servers = @Server(url = "/",
                description = "The host that serves this document (a deployment's NEXAFLOW_PUBLIC_URL)"),
        tags = {
                @Tag(name = "Flows", description = "Call flows, their revisions, and publishing"),
                @Tag(name = "Calls", description = "Originate calls through Nexafone; call and DTMF history, exports"),
                @Tag(name = "API keys", description = "Keys for the management API"),
                @Tag(name = "Webhooks", description = "Called by Nexafone, not by people"),
        },
        components = @Components(
                securitySchemes = {
                        @SecurityScheme(securitySchemeName = OpenApiDocument.API_KEY,
                                type = SecuritySchemeType.HTTP, scheme = "bearer", description = "A nexaflow API key"),
                        @SecurityScheme(securitySchemeName = OpenApiDocument.STATE_TOKEN,
                                type = SecuritySchemeType.APIKEY, in = SecuritySchemeIn.QUERY, apiKeyName = "s",
                                description = "The signed state token nexaflow put in the callback URL it gave "
                                        + "Nexafone; Nexafone sends it back unchanged")},
                responses = {
                        @APIResponse(name = OpenApiDocument.BAD_REQUEST, responseCode = "400",
                                description = "Malformed body or parameter",
                                content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class))),
                        @APIResponse(name = OpenApiDocument.UNAUTHORIZED, responseCode = "401",
                                description = "Missing, unknown or revoked API key",
                                content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class))),
                        @APIResponse(name = OpenApiDocument.FORBIDDEN, responseCode = "403",
                                description = "The key's role does not allow this operation",
                                content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class))),
                        @APIResponse(name = OpenApiDocument.NOT_FOUND, responseCode = "404",
                                description = "No such resource",
                                content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class))),
                        @APIResponse(name = OpenApiDocument.CONFLICT, responseCode = "409",
                                description = "The request conflicts with the current state",
                                content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class))),
                        @APIResponse(name = OpenApiDocument.NOT_ACCEPTABLE, responseCode = "406",
                                description = "Accept names none of the media types the operation produces",
                                content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class))),
                        @APIResponse(name = OpenApiDocument.INVALID, responseCode = "422",
                                description = "The body is well-formed but invalid; every problem is listed with a JSON pointer",
                                content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class),
                                        examples = @ExampleObject(name = "invalid flow", value = Examples.INVALID_FLOW_PROBLEM))),
                }))
public class OpenApiDocument extends Application {

    /** The security scheme of the management API, for {@code @SecurityRequirement}; Swagger UI's Authorize fills it. */
    public static final String API_KEY = "apiKey";

    /** The webhook's security scheme: the state token in the callback URL's query. */
    public static final String STATE_TOKEN = "stateToken";

    /** Names of the shared responses, for {@code @APIResponse(ref = ...)}. */
    public static final String BAD_REQUEST = "BadRequest";
    public static final String UNAUTHORIZED = "Unauthorized";
    public static final String FORBIDDEN = "Forbidden";
    public static final String NOT_FOUND = "NotFound";
    public static final String CONFLICT = "Conflict";
    public static final String NOT_ACCEPTABLE = "NotAcceptable";
    public static final String INVALID = "Invalid";
}
