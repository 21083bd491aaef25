package io.nexaflow.sandbox;

import io.quarkus.smallrye.openapi.OpenApiFilter;
import org.eclipse.microprofile.config.ConfigProvider;
import org.eclipse.microprofile.openapi.OASFactory;
import org.eclipse.microprofile.openapi.OASFilter;
import org.eclipse.microprofile.openapi.models.OpenAPI;
import org.eclipse.microprofile.openapi.models.Operation;
import org.eclipse.microprofile.openapi.models.PathItem;
import org.eclipse.microprofile.openapi.models.media.Content;
import org.eclipse.microprofile.openapi.models.media.Schema;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.stream.Stream;

/**
 * The OpenAPI document lists the sandbox only where it is enabled (enabled is runtime configuration): its paths,
 * its tag, and the schemas only its paths use.
 */
@OpenApiFilter(stages = OpenApiFilter.RunStage.RUNTIME_STARTUP)
public class SandboxOpenApiFilter implements OASFilter {

    private static final String SCHEMA_REF = "#/components/schemas/";

    @Override
    public void filterOpenAPI(OpenAPI openAPI) {
        boolean enabled = ConfigProvider.getConfig().getOptionalValue("nexaflow.sandbox.enabled", Boolean.class).orElse(false);
        if (enabled || openAPI.getPaths() == null) {
            return;
        }
        Map<String, PathItem> paths = openAPI.getPaths().getPathItems();
        List<String> sandboxPaths = paths.keySet().stream().filter(SandboxGate::isSandboxPath).toList();
        Set<String> sandboxSchemas = schemasUsedBy(openAPI, sandboxPaths.stream().map(paths::get));
        sandboxPaths.forEach(openAPI.getPaths()::removePathItem);
        Stream<PathItem> remaining = Stream.concat(openAPI.getPaths().getPathItems().values().stream(),
                Stream.of(componentsAsPathItem(openAPI)));
        Set<String> stillUsed = schemasUsedBy(openAPI, remaining);
        sandboxSchemas.stream().filter(name -> !stillUsed.contains(name))
                .forEach(openAPI.getComponents()::removeSchema);
        if (openAPI.getTags() != null) {
            List.copyOf(openAPI.getTags()).stream().filter(tag -> "Sandbox".equals(tag.getName())).forEach(openAPI::removeTag);
        }
    }

    /** The shared responses as one operation, so that what they use counts as used. */
    private static PathItem componentsAsPathItem(OpenAPI openAPI) {
        Operation shared = OASFactory.createOperation();
        var responses = OASFactory.createAPIResponses();
        if (openAPI.getComponents() != null && openAPI.getComponents().getResponses() != null) {
            openAPI.getComponents().getResponses().forEach(responses::addAPIResponse);
        }
        return OASFactory.createPathItem().GET(shared.responses(responses));
    }

    /** Names of the component schemas the operations refer to, directly or through other schemas. */
    private static Set<String> schemasUsedBy(OpenAPI openAPI, Stream<PathItem> items) {
        List<Schema> pending = new ArrayList<>(); // a stack that takes the nulls absent parts give
        items.filter(Objects::nonNull).flatMap(item -> item.getOperations().values().stream()).forEach(operation -> {
            if (operation.getParameters() != null) {
                operation.getParameters().forEach(p -> {
                    pending.add(p.getSchema());
                    content(p.getContent(), pending);
                });
            }
            if (operation.getRequestBody() != null) {
                content(operation.getRequestBody().getContent(), pending);
            }
            if (operation.getResponses() != null && operation.getResponses().getAPIResponses() != null) {
                operation.getResponses().getAPIResponses().values().forEach(r -> content(r.getContent(), pending));
            }
        });
        Map<String, Schema> schemas = openAPI.getComponents() == null || openAPI.getComponents().getSchemas() == null
                ? Map.of() : openAPI.getComponents().getSchemas();
        Set<String> used = new HashSet<>();
        while (!pending.isEmpty()) {
            Schema schema = pending.remove(pending.size() - 1);
            if (schema == null) {
                continue;
            }
            String ref = schema.getRef();
            if (ref != null && ref.startsWith(SCHEMA_REF) && used.add(ref.substring(SCHEMA_REF.length()))) {
                pending.add(schemas.get(ref.substring(SCHEMA_REF.length())));
            }
            if (schema.getProperties() != null) {
                pending.addAll(schema.getProperties().values());
            }
            pending.add(schema.getItems());
            pending.add(schema.getAdditionalPropertiesSchema());
            pending.add(schema.getNot());
            Stream.of(schema.getAllOf(), schema.getAnyOf(), schema.getOneOf())
                    .filter(Objects::nonNull).forEach(pending::addAll);
        }
        return used;
    }

    private static void content(Content content, List<Schema> pending) {
        if (content != null && content.getMediaTypes() != null) {
            content.getMediaTypes().values().forEach(type -> pending.add(type.getSchema()));
        }
    }
}
