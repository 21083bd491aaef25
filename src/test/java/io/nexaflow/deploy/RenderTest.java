package io.nexaflow.deploy;

import com.fasterxml.jackson.databind.JsonNode;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.EnvFromSource;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.LabelSelector;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServicePort;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import io.fabric8.kubernetes.api.model.autoscaling.v2.HorizontalPodAutoscaler;
import io.fabric8.kubernetes.api.model.networking.v1.Ingress;
import io.fabric8.kubernetes.api.model.networking.v1.IngressBackend;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicy;
import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudget;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.IOException;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/** Both overlays (and the base) render with kustomize into well-formed objects that refer to each other correctly. */
class RenderTest {

    /** Made by others: CloudNativePG makes <cluster>-app; the cluster's operator makes nexaflow-secrets (k8s/README.md). */
    private static final Map<String, Set<String>> EXTERNAL_SECRETS = Map.of(
            "overlays/dev", Set.of(),
            "overlays/prod", Set.of("nexaflow-secrets", "nexaflow-db-app", "nexaflow-db-runtime"));

    /** Custom resources the typed model cannot check; each is checked by hand below. */
    private static final Set<String> CUSTOM_KINDS = Set.of("postgresql.cnpg.io/v1 Cluster", "monitoring.coreos.com/v1 ServiceMonitor");

    @ParameterizedTest
    @ValueSource(strings = {"base", "overlays/dev", "overlays/prod"})
    void everyDocumentIsAKubernetesObjectWithKnownFieldsOnly(String kustomization) {
        Manifests manifests = Manifests.of(kustomization);
        assertThat(manifests.documents).isNotEmpty();
        Set<String> seen = new HashSet<>();
        for (JsonNode document : manifests.documents) {
            assertThat(document.path("apiVersion").asText()).as("apiVersion of %s", document).isNotBlank();
            assertThat(document.path("kind").asText()).as("kind of %s", document).isNotBlank();
            assertThat(document.path("metadata").path("name").asText()).as("metadata.name of %s", document).isNotBlank();
            assertThat(seen.add(document.path("kind").asText() + "/" + document.path("metadata").path("name").asText()))
                    .as("one object per kind and name: %s", document.path("metadata").path("name")).isTrue();
        }
        for (GenericKubernetesResource custom : manifests.all(GenericKubernetesResource.class)) {
            assertThat(custom.getApiVersion() + " " + custom.getKind())
                    .as("a kind the Kubernetes model does not know (misspelt apiVersion or kind?)").isIn(CUSTOM_KINDS);
        }
        assertThat(manifests.unknownFields()).as("fields Kubernetes would reject or ignore").isEmpty();
    }

    @ParameterizedTest
    @ValueSource(strings = {"overlays/dev", "overlays/prod"})
    void objectsReferToObjectsThatExist(String overlay) {
        Manifests manifests = Manifests.of(overlay);
        Deployment app = manifests.app();
        Map<String, String> podLabels = app.getSpec().getTemplate().getMetadata().getLabels();
        assertThat(selects(app.getSpec().getSelector(), podLabels)).as("the Deployment selects its own pods").isTrue();
        assertThat(app.getSpec().getTemplate().getSpec().getContainers()).extracting(Container::getImage)
                .allSatisfy(image -> assertThat(image).isNotBlank());

        Service service = manifests.one(Service.class, Manifests.APP);
        assertThat(podLabels).containsAllEntriesOf(service.getSpec().getSelector());
        Set<String> containerPorts = new HashSet<>();
        manifests.appContainer().getPorts().forEach(p -> {
            containerPorts.add(p.getName());
            containerPorts.add(String.valueOf(p.getContainerPort()));
        });
        for (ServicePort port : service.getSpec().getPorts()) {
            assertThat(containerPorts).as("Service port %s targets a container port", port.getName())
                    .contains(port.getTargetPort().getStrVal() != null ? port.getTargetPort().getStrVal()
                            : String.valueOf(port.getTargetPort().getIntVal()));
        }

        for (HorizontalPodAutoscaler hpa : manifests.all(HorizontalPodAutoscaler.class)) {
            assertThat(hpa.getSpec().getScaleTargetRef().getKind()).isEqualTo("Deployment");
            manifests.one(Deployment.class, hpa.getSpec().getScaleTargetRef().getName());
            assertThat(hpa.getSpec().getMinReplicas()).isLessThanOrEqualTo(hpa.getSpec().getMaxReplicas());
        }
        for (PodDisruptionBudget pdb : manifests.all(PodDisruptionBudget.class)) {
            assertThat(selects(pdb.getSpec().getSelector(), podLabels)).as("PodDisruptionBudget selects the pods").isTrue();
        }
        for (NetworkPolicy policy : manifests.all(NetworkPolicy.class)) {
            assertThat(selects(policy.getSpec().getPodSelector(), podLabels)).as("NetworkPolicy selects the pods").isTrue();
        }
        for (Ingress ingress : manifests.all(Ingress.class)) {
            ingress.getSpec().getRules().forEach(rule -> rule.getHttp().getPaths().forEach(path -> {
                IngressBackend backend = path.getBackend();
                Service target = manifests.one(Service.class, backend.getService().getName());
                assertThat(target.getSpec().getPorts()).as("Ingress path %s names a port of its Service", path.getPath())
                        .anyMatch(p -> p.getName().equals(backend.getService().getPort().getName())
                                || p.getPort().equals(backend.getService().getPort().getNumber()));
            }));
        }

        for (PodSpec pod : podSpecs(manifests)) {
            for (Container container : pod.getContainers()) {
                for (EnvFromSource from : container.getEnvFrom() == null ? List.<EnvFromSource>of() : container.getEnvFrom()) {
                    if (from.getConfigMapRef() != null) {
                        manifests.configMap(from.getConfigMapRef().getName());
                    }
                    if (from.getSecretRef() != null) {
                        assertSecretExists(manifests, overlay, from.getSecretRef().getName(), null);
                    }
                }
                for (EnvVar env : container.getEnv() == null ? List.<EnvVar>of() : container.getEnv()) {
                    if (env.getValueFrom() != null && env.getValueFrom().getSecretKeyRef() != null) {
                        assertSecretExists(manifests, overlay, env.getValueFrom().getSecretKeyRef().getName(),
                                env.getValueFrom().getSecretKeyRef().getKey());
                    }
                    if (env.getValueFrom() != null && env.getValueFrom().getConfigMapKeyRef() != null) {
                        ConfigMap map = manifests.configMap(env.getValueFrom().getConfigMapKeyRef().getName());
                        assertThat(map.getData()).containsKey(env.getValueFrom().getConfigMapKeyRef().getKey());
                    }
                }
            }
        }
    }

    @Test
    void devRunsOnePostgresqlWithAVolumeAndTheSandbox() {
        Manifests dev = Manifests.of("overlays/dev");
        assertThat(dev.all(StatefulSet.class)).hasSize(1);
        StatefulSet postgresql = dev.all(StatefulSet.class).get(0);
        assertThat(postgresql.getSpec().getReplicas()).isEqualTo(1);
        assertThat(postgresql.getSpec().getVolumeClaimTemplates()).hasSize(1)
                .allSatisfy(claim -> assertThat(claim.getSpec().getResources().getRequests()).containsKey("storage"));
        String claim = postgresql.getSpec().getVolumeClaimTemplates().get(0).getMetadata().getName();
        assertThat(postgresql.getSpec().getTemplate().getSpec().getContainers().get(0).getVolumeMounts())
                .anyMatch(m -> m.getName().equals(claim));
        Service service = dev.one(Service.class, postgresql.getSpec().getServiceName());
        assertThat(postgresql.getSpec().getTemplate().getMetadata().getLabels()).containsAllEntriesOf(service.getSpec().getSelector());

        Map<String, String> config = Environment.of(dev).configMapValues();
        assertThat(config.get("QUARKUS_DATASOURCE_JDBC_URL"))
                .isEqualTo("jdbc:postgresql://" + service.getMetadata().getName() + ":5432/nexaflow");
        assertThat(config).containsEntry("NEXAFLOW_SANDBOX_ENABLED", "true");
        assertThat(dev.app().getSpec().getReplicas()).isEqualTo(1);
        assertThat(dev.all(Ingress.class)).as("dev is reached with port-forward").isEmpty();
    }

    @Test
    void prodRunsACloudNativePgClusterOfThreeAndUsesItsSecretAndPrimaryService() {
        Manifests prod = Manifests.of("overlays/prod");
        List<GenericKubernetesResource> clusters = prod.custom("postgresql.cnpg.io/v1", "Cluster");
        assertThat(clusters).hasSize(1);
        GenericKubernetesResource cluster = clusters.get(0);
        String name = cluster.getMetadata().getName();
        Map<String, Object> spec = cluster.get("spec");
        assertThat(spec).containsEntry("instances", 3);
        assertThat(cluster.<String>get("spec", "bootstrap", "initdb", "database")).isEqualTo("nexaflow");

        Environment env = Environment.of(prod);
        assertThat(env.configMapValues().get("QUARKUS_DATASOURCE_JDBC_URL"))
                .as("CloudNativePG's read-write Service follows the primary")
                .isEqualTo("jdbc:postgresql://" + name + "-rw:5432/" + cluster.get("spec", "bootstrap", "initdb", "database"));
        assertThat(env.secretKeyRef("QUARKUS_FLYWAY_USERNAME")).as("migrations run as the owner CloudNativePG made")
                .containsExactly(name + "-app", "username");
        assertThat(env.secretKeyRef("QUARKUS_FLYWAY_PASSWORD")).containsExactly(name + "-app", "password");
        assertThat(env.configMapValues()).containsEntry("NEXAFLOW_SANDBOX_ENABLED", "false");
        assertThat(prod.appContainer().getImage()).as("a pushed image, not the base's placeholder").contains("/");
    }

    @Test
    void prodNeverAppliesPlaceholderSecrets() {
        Manifests prod = Manifests.of("overlays/prod");
        for (Secret secret : prod.all(Secret.class)) {
            assertThat(Manifests.values(secret).values()).as("Secret %s", secret.getMetadata().getName())
                    .noneMatch(v -> v.contains("change-me"));
        }
        assertThat(prod.find(Secret.class, "nexaflow-secrets"))
                .as("applying the template would overwrite the operator's real secret").isEmpty();
    }

    @Test
    void theServiceMonitorComponentRendersWithProd() throws IOException {
        Manifests withMonitor = Manifests.prodWith("servicemonitor");
        List<GenericKubernetesResource> monitors = withMonitor.custom("monitoring.coreos.com/v1", "ServiceMonitor");
        assertThat(monitors).hasSize(1);
        Service service = withMonitor.one(Service.class, Manifests.APP);
        Map<String, Object> selector = monitors.get(0).get("spec", "selector", "matchLabels");
        assertThat(service.getMetadata().getLabels()).containsAllEntriesOf(stringMap(selector));
        List<Map<String, Object>> endpoints = monitors.get(0).get("spec", "endpoints");
        assertThat(endpoints).singleElement().satisfies(e -> {
            assertThat(e).containsEntry("path", "/q/metrics");
            assertThat(service.getSpec().getPorts()).extracting(ServicePort::getName).contains((String) e.get("port"));
        });
    }

    private static void assertSecretExists(Manifests manifests, String overlay, String name, String key) {
        if (EXTERNAL_SECRETS.get(overlay).contains(name)) {
            return;
        }
        Secret secret = manifests.one(Secret.class, name);
        if (key != null) {
            assertThat(Manifests.values(secret)).as("Secret %s", name).containsKey(key);
        }
    }

    static boolean selects(LabelSelector selector, Map<String, String> labels) {
        return selector != null && selector.getMatchLabels() != null && !selector.getMatchLabels().isEmpty()
                && labels.entrySet().containsAll(selector.getMatchLabels().entrySet())
                && (selector.getMatchExpressions() == null || selector.getMatchExpressions().isEmpty());
    }

    static List<PodSpec> podSpecs(Manifests manifests) {
        return Stream.concat(
                manifests.all(Deployment.class).stream().map(d -> d.getSpec().getTemplate().getSpec()),
                manifests.all(StatefulSet.class).stream().map(s -> s.getSpec().getTemplate().getSpec())).toList();
    }

    private static Map<String, String> stringMap(Map<String, Object> map) {
        return map.entrySet().stream().collect(Collectors.toMap(Map.Entry::getKey, e -> String.valueOf(e.getValue())));
    }
}
