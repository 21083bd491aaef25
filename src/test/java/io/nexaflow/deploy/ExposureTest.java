package io.nexaflow.deploy;

import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.networking.v1.HTTPIngressPath;
import io.fabric8.kubernetes.api.model.networking.v1.Ingress;
import io.fabric8.kubernetes.api.model.networking.v1.IngressRule;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicy;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicyPort;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

/** What the outside world reaches: the webhook and the API over HTTPS; never metrics, health or the sandbox. */
class ExposureTest {

    private static final Set<String> PUBLIC = Set.of("/api", "/v1", "/q/swagger-ui", "/q/openapi");
    /** Requests that must not reach nexaflow through the Ingress. */
    private static final List<String> PRIVATE = List.of("/q/metrics", "/q/health", "/q/health/ready", "/sandbox",
            "/sandbox/auth/get-access-token/x", "/q/dev-ui", "/", "/console", "/console/login",
            "/webjars/mermaid/11.14.0/dist/mermaid.min.js");

    @Test
    void theIngressRoutesTheWebhookAndTheApiOverTls() {
        Ingress ingress = Manifests.of("overlays/prod").one(Ingress.class, Manifests.APP);
        List<HTTPIngressPath> paths = ingress.getSpec().getRules().stream()
                .flatMap(rule -> rule.getHttp().getPaths().stream()).toList();
        assertThat(paths).extracting(HTTPIngressPath::getPath).containsExactlyInAnyOrderElementsOf(PUBLIC);
        assertThat(routed(paths, "/api/handle-dtmf")).as("the gather webhook").isTrue();
        assertThat(routed(paths, "/v1/flows")).isTrue();
        assertThat(routed(paths, "/q/swagger-ui/index.html")).isTrue();
        assertThat(routed(paths, "/q/openapi")).isTrue();
        for (String path : PRIVATE) {
            assertThat(routed(paths, path)).as("%s is routed publicly", path).isFalse();
        }
        assertThat(ingress.getSpec().getDefaultBackend()).as("a default backend would expose every path").isNull();

        assertThat(ingress.getSpec().getTls()).isNotEmpty();
        for (IngressRule rule : ingress.getSpec().getRules()) {
            assertThat(rule.getHost()).as("a rule without a host matches every host").isNotBlank();
            assertThat(ingress.getSpec().getTls()).as("TLS for %s", rule.getHost())
                    .anyMatch(tls -> tls.getHosts().contains(rule.getHost()) && tls.getSecretName() != null);
        }
        String publicUrl = Environment.of(Manifests.of("overlays/prod")).literal("NEXAFLOW_PUBLIC_URL").orElseThrow();
        assertThat(publicUrl).as("NEXAFLOW_PUBLIC_URL is the Ingress's HTTPS host")
                .isIn(ingress.getSpec().getRules().stream().map(r -> "https://" + r.getHost()).toList());
    }

    /** The console is off in prod; its component turns it on and routes it as the API is routed, nothing more. */
    @Test
    void theConsoleComponentRoutesTheConsoleLikeTheApi() throws java.io.IOException {
        assertThat(Environment.of(Manifests.of("overlays/prod")).literal("NEXAFLOW_CONSOLE_ENABLED")).isEmpty();
        Manifests withConsole = Manifests.prodWith("console");
        assertThat(Environment.of(withConsole).literal("NEXAFLOW_CONSOLE_ENABLED")).contains("true");

        Ingress plain = Manifests.of("overlays/prod").one(Ingress.class, Manifests.APP);
        Ingress ingress = withConsole.one(Ingress.class, Manifests.APP);
        List<HTTPIngressPath> paths = ingress.getSpec().getRules().stream()
                .flatMap(rule -> rule.getHttp().getPaths().stream()).toList();
        Set<String> expected = new java.util.HashSet<>(PUBLIC);
        expected.addAll(Set.of("/console", "/webjars/mermaid"));
        assertThat(paths).extracting(HTTPIngressPath::getPath).containsExactlyInAnyOrderElementsOf(expected);
        assertThat(routed(paths, "/console/flows")).isTrue();
        assertThat(routed(paths, "/webjars/mermaid/11.14.0/dist/mermaid.min.js")).isTrue();
        assertThat(routed(paths, "/webjars/other/1.0/x.js")).isFalse();
        HTTPIngressPath api = paths.stream().filter(p -> p.getPath().equals("/v1")).findFirst().orElseThrow();
        assertThat(paths).filteredOn(p -> p.getPath().startsWith("/console") || p.getPath().startsWith("/webjars"))
                .allSatisfy(p -> {
                    assertThat(p.getPathType()).isEqualTo("Prefix");
                    assertThat(p.getBackend()).isEqualTo(api.getBackend());
                });
        assertThat(ingress.getSpec().getTls()).isEqualTo(plain.getSpec().getTls());
        assertThat(ingress.getMetadata().getAnnotations()).isEqualTo(plain.getMetadata().getAnnotations());
        assertThat(ingress.getSpec().getRules()).extracting(IngressRule::getHost)
                .isEqualTo(plain.getSpec().getRules().stream().map(IngressRule::getHost).toList());
    }

    @Test
    void theNetworkPolicyLetsInOnlyTheApplicationPort() {
        Manifests prod = Manifests.of("overlays/prod");
        NetworkPolicy policy = prod.one(NetworkPolicy.class, Manifests.APP);
        assertThat(policy.getSpec().getPolicyTypes()).contains("Ingress", "Egress");
        int port = prod.appContainer().getPorts().get(0).getContainerPort();
        assertThat(policy.getSpec().getIngress()).isNotEmpty().allSatisfy(rule -> {
            assertThat(rule.getFrom()).as("ingress from named sources, not from everywhere").isNotEmpty();
            assertThat(rule.getPorts()).extracting(NetworkPolicyPort::getPort).extracting(IntOrString::getIntVal).containsOnly(port);
        });
        List<Integer> egressPorts = policy.getSpec().getEgress().stream().flatMap(rule -> rule.getPorts().stream())
                .map(p -> p.getPort().getIntVal()).toList();
        assertThat(egressPorts).as("DNS, PostgreSQL, HTTPS to Nexafone").contains(53, 5432, 443);
    }

    /** Kubernetes path matching: Exact, or Prefix by whole path elements ("/api" matches "/api/x", not "/apix"). */
    static boolean routed(List<HTTPIngressPath> paths, String request) {
        return paths.stream().anyMatch(p -> switch (p.getPathType()) {
            case "Exact" -> request.equals(p.getPath());
            case "Prefix" -> p.getPath().equals("/") || request.equals(p.getPath())
                    || request.startsWith(p.getPath().endsWith("/") ? p.getPath() : p.getPath() + "/");
            default -> true; // ImplementationSpecific: assume the worst
        });
    }
}
