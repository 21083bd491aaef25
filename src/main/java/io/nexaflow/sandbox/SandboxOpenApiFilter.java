package io.nexaflow.sandbox;

import io.quarkus.smallrye.openapi.OpenApiFilter;
import org.eclipse.microprofile.config.ConfigProvider;
import org.eclipse.microprofile.openapi.OASFilter;
import org.eclipse.microprofile.openapi.models.OpenAPI;

import java.util.List;

/** The OpenAPI document lists the sandbox only where it is enabled (enabled is runtime configuration). */
@OpenApiFilter(stages = OpenApiFilter.RunStage.RUNTIME_STARTUP)
public class SandboxOpenApiFilter implements OASFilter {

    @Override
    public void filterOpenAPI(OpenAPI openAPI) {
        boolean enabled = ConfigProvider.getConfig().getOptionalValue("nexaflow.sandbox.enabled", Boolean.class).orElse(false);
        if (enabled || openAPI.getPaths() == null) {
            return;
        }
        List.copyOf(openAPI.getPaths().getPathItems().keySet()).stream()
                .filter(SandboxGate::isSandboxPath)
                .forEach(openAPI.getPaths()::removePathItem);
        if (openAPI.getTags() != null) {
            List.copyOf(openAPI.getTags()).stream().filter(tag -> "Sandbox".equals(tag.getName())).forEach(openAPI::removeTag);
        }
    }
}
