package io.nexaflow.security;

import io.nexaflow.db.Timestamps;
import io.nexaflow.api.OpenApiDocument;
import io.nexaflow.problem.Problem.FieldError;
import io.nexaflow.problem.ProblemException;
import io.quarkus.panache.common.Sort;
import io.quarkus.security.identity.SecurityIdentity;
import jakarta.annotation.security.RolesAllowed;
import jakarta.transaction.Transactional;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.UriInfo;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.ExampleObject;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.parameters.RequestBody;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.security.SecurityRequirement;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;
import org.jboss.logging.Logger;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

import static io.nexaflow.problem.ProblemException.requireBody;

@Path("/v1/keys")
@Tag(name = "API keys")
@SecurityRequirement(name = OpenApiDocument.API_KEY)
@Produces(MediaType.APPLICATION_JSON)
@Consumes(MediaType.APPLICATION_JSON)
@RolesAllowed(Roles.ADMIN)
@APIResponse(responseCode = "401", ref = OpenApiDocument.UNAUTHORIZED)
@APIResponse(responseCode = "403", ref = OpenApiDocument.FORBIDDEN)
public class ApiKeyResource {

    private static final Logger LOG = Logger.getLogger(ApiKeyResource.class);

    private final SecurityIdentity identity;

    public ApiKeyResource(SecurityIdentity identity) {
        this.identity = identity;
    }

    @Schema(name = "ApiKeyRequest")
    public record KeyRequest(@Schema(required = true, example = "ops-console") String name,
                             @Schema(required = true, enumeration = {Roles.ADMIN, Roles.OPERATOR, Roles.AUDITOR})
                             String role) {
    }

    @Schema(name = "ApiKey")
    public record KeyView(UUID id, String name, String role,
                          @Schema(description = "First characters of the key, to tell keys apart") String prefix,
                          String createdBy, Instant createdAt,
                          @Schema(nullable = true) Instant revokedAt,
                          @Schema(description = "The key itself: shown once, in the answer to its creation", nullable = true)
                          String key) {
    }

    @POST
    @Transactional
    @Operation(operationId = "createApiKey", summary = "Create an API key",
            description = "The answer holds the key; it is shown only this once.")
    @RequestBody(required = true, content = @Content(schema = @Schema(implementation = KeyRequest.class),
            examples = @ExampleObject(name = "operator key", value = "{\"name\": \"ops-console\", \"role\": \"operator\"}")))
    @APIResponse(responseCode = "201", description = "Created")
    @APIResponse(responseCode = "400", ref = OpenApiDocument.BAD_REQUEST)
    @APIResponse(responseCode = "422", ref = OpenApiDocument.INVALID)
    public Response create(KeyRequest request, UriInfo uri) {
        requireBody(request);
        List<FieldError> errors = new ArrayList<>();
        if (request.name() == null || request.name().isBlank() || request.name().length() > 100) {
            errors.add(new FieldError("/name", "is required, 1–100 characters"));
        }
        if (!Roles.isRole(request.role())) {
            errors.add(new FieldError("/role", "must be one of admin, operator, auditor"));
        }
        if (!errors.isEmpty()) {
            throw ProblemException.invalid("Invalid API key request", errors);
        }
        String key = KeyHash.newKey();
        ApiKey stored = new ApiKey();
        stored.id = UUID.randomUUID();
        stored.name = request.name().trim();
        stored.role = request.role();
        stored.keyHash = KeyHash.sha256(key);
        stored.keyPrefix = KeyHash.prefix(key);
        stored.createdBy = identity.getPrincipal().getName();
        stored.createdAt = Timestamps.now();
        stored.persist();
        LOG.infof("API key %s '%s' (%s) created by %s", stored.keyPrefix, stored.name, stored.role, stored.createdBy);
        return Response.created(uri.getAbsolutePathBuilder().path(stored.id.toString()).build())
                .entity(view(stored, key)).build();
    }

    @GET
    @Transactional
    @Operation(operationId = "listApiKeys", summary = "List API keys", description = "Without the keys themselves.")
    @APIResponse(responseCode = "200", description = "All keys, newest first")
    public List<KeyView> list() {
        List<ApiKey> keys = ApiKey.listAll(Sort.descending("createdAt"));
        return keys.stream().map(k -> view(k, null)).toList();
    }

    @DELETE
    @Path("{id}")
    @Transactional
    @Operation(operationId = "revokeApiKey", summary = "Revoke an API key",
            description = "The key stops working at once.")
    @APIResponse(responseCode = "204", description = "Revoked")
    @APIResponse(responseCode = "404", ref = OpenApiDocument.NOT_FOUND)
    public void revoke(@PathParam("id") UUID id) {
        ApiKey key = ApiKey.findById(id);
        if (key == null) {
            throw ProblemException.notFound("No API key " + id);
        }
        if (key.revokedAt == null) {
            key.revokedAt = Timestamps.now();
            LOG.infof("API key %s '%s' revoked by %s", key.keyPrefix, key.name, identity.getPrincipal().getName());
        }
    }

    private static KeyView view(ApiKey k, String key) {
        return new KeyView(k.id, k.name, k.role, k.keyPrefix, k.createdBy, k.createdAt, k.revokedAt, key);
    }
}
