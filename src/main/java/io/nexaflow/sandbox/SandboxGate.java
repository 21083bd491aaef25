package io.nexaflow.sandbox;

import io.nexaflow.config.NexaflowConfig;
import jakarta.ws.rs.NotFoundException;
import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.container.ResourceInfo;
import org.jboss.resteasy.reactive.server.ServerRequestFilter;

import java.util.regex.Pattern;

/**
 * With the sandbox disabled, its endpoints do not exist: every /sandbox request gets the same 404 as any unknown path
 * (not a 405 or 415 that would give them away).
 */
public class SandboxGate {

    private static final Pattern SLASHES = Pattern.compile("/{2,}");

    private final boolean enabled;

    public SandboxGate(NexaflowConfig config) {
        this.enabled = config.sandbox().enabled();
    }

    @ServerRequestFilter(preMatching = true)
    public void hidePaths(ContainerRequestContext request) {
        if (!enabled && isSandboxPath(request.getUriInfo().getPath())) {
            throw new NotFoundException();
        }
    }

    /** Also by resource class, in case a path spelling slips past the prefix check above. */
    @ServerRequestFilter
    public void hideResources(ResourceInfo resource) {
        if (!enabled && resource.getResourceClass() != null
                && resource.getResourceClass().getPackageName().equals(SandboxGate.class.getPackageName())) {
            throw new NotFoundException();
        }
    }

    static boolean isSandboxPath(String path) {
        // Runs on every request in prod, the webhook's included: no regex unless the path names the sandbox.
        if (path == null || !path.contains("sandbox")) {
            return false;
        }
        String collapsed = SLASHES.matcher(path).replaceAll("/");
        return collapsed.equals("/sandbox") || collapsed.startsWith("/sandbox/") || collapsed.startsWith("/sandbox;");
    }
}
