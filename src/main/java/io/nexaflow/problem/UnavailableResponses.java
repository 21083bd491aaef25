package io.nexaflow.problem;

import io.quarkus.smallrye.openapi.OpenApiFilter;
import org.eclipse.microprofile.openapi.OASFactory;
import org.eclipse.microprofile.openapi.OASFilter;
import org.eclipse.microprofile.openapi.models.OpenAPI;
import org.eclipse.microprofile.openapi.models.Operation;
import org.eclipse.microprofile.openapi.models.PathItem;
import org.eclipse.microprofile.openapi.models.headers.Header;
import org.eclipse.microprofile.openapi.models.media.Schema;
import org.eclipse.microprofile.openapi.models.responses.APIResponse;

import java.util.Map;

/**
 * Every operation of the management API ({@code /v1}) may answer 503 with {@code Retry-After} while PostgreSQL
 * cannot be reached ({@link DatabaseUnavailable}); the OpenAPI document says so once, as the shared response
 * {@value #NAME}, referenced by each operation. An operation that already documents a 503 of its own keeps it,
 * and its description gains the database case.
 */
@OpenApiFilter(stages = OpenApiFilter.RunStage.BUILD)
public class UnavailableResponses implements OASFilter {

    public static final String NAME = "Unavailable";
    private static final String DESCRIPTION = "The database cannot be reached right now (a failover or switchover): "
            + "retry after `Retry-After` seconds";

    @Override
    public void filterOpenAPI(OpenAPI openAPI) {
        if (openAPI.getPaths() == null) {
            return;
        }
        if (openAPI.getComponents() == null) {
            openAPI.components(OASFactory.createComponents());
        }
        Header retryAfter = OASFactory.createHeader().description("Seconds to wait before retrying")
                .schema(OASFactory.createSchema().addType(Schema.SchemaType.INTEGER)
                        .examples(java.util.List.of(DatabaseUnavailable.RETRY_AFTER_SECONDS)));
        openAPI.getComponents().addResponse(NAME, OASFactory.createAPIResponse().description(DESCRIPTION)
                .addHeader("Retry-After", retryAfter)
                .content(OASFactory.createContent().addMediaType(Problem.MEDIA_TYPE, OASFactory.createMediaType()
                        .schema(OASFactory.createSchema().ref("#/components/schemas/Problem")))));
        for (Map.Entry<String, PathItem> path : openAPI.getPaths().getPathItems().entrySet()) {
            if (!path.getKey().startsWith("/v1/")) {
                continue;
            }
            for (Operation operation : path.getValue().getOperations().values()) {
                APIResponse own = operation.getResponses().getAPIResponse("503");
                if (own == null) {
                    operation.getResponses().addAPIResponse("503",
                            OASFactory.createAPIResponse().ref(NAME));
                } else if (own.getRef() == null && !own.getDescription().contains("database")) {
                    own.description(own.getDescription() + "; or " + Character.toLowerCase(DESCRIPTION.charAt(0))
                            + DESCRIPTION.substring(1));
                    own.addHeader("Retry-After", retryAfter);
                }
            }
        }
    }
}
