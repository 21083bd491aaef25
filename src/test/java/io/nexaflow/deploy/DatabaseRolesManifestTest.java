package io.nexaflow.deploy;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.Volume;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Both overlays run nexaflow as a role that is not the owner of the tables (README, "Database roles"): Flyway
 * migrates as the owner, retention deletes as a role the runtime role may take but does not inherit.
 */
class DatabaseRolesManifestTest {

    @Test
    void prodRunsAsACloudNativePgManagedRoleThatIsNotTheOwner() {
        Manifests prod = Manifests.of("overlays/prod");
        GenericKubernetesResource cluster = prod.custom("postgresql.cnpg.io/v1", "Cluster").get(0);
        Environment env = Environment.of(prod);
        List<String> runtimeSecret = env.secretKeyRef("QUARKUS_DATASOURCE_USERNAME");
        assertThat(runtimeSecret.get(0)).as("not the owner's Secret").isNotEqualTo(cluster.getMetadata().getName() + "-app");
        assertThat(env.secretKeyRef("QUARKUS_DATASOURCE_PASSWORD")).containsExactly(runtimeSecret.get(0), "password");
        String retentionRole = env.configMapValues().get("NEXAFLOW_RETENTION_ROLE");

        List<Map<String, Object>> roles = cluster.get("spec", "managed", "roles");
        Map<String, Object> retention = role(roles, retentionRole);
        assertThat(retention).containsEntry("ensure", "present").containsEntry("login", false);
        Map<String, Object> runtime = roles.stream().filter(r -> r != retention).findFirst().orElseThrow();
        assertThat(runtime.get("name")).as("the runtime role is not the owner")
                .isNotEqualTo(cluster.get("spec", "bootstrap", "initdb", "owner"));
        assertThat(runtime).containsEntry("ensure", "present").containsEntry("login", true)
                .as("takes retention's privileges only with SET ROLE").containsEntry("inherit", false)
                .containsEntry("inRoles", List.of(retentionRole))
                .containsEntry("passwordSecret", Map.of("name", runtimeSecret.get(0)));
        assertThat(roles).hasSize(2);
    }

    @Test
    void devMakesTheSameRolesWithAnInitScript() {
        Manifests dev = Manifests.of("overlays/dev");
        Environment env = Environment.of(dev);
        Map<String, String> config = env.configMapValues();
        StatefulSet postgresql = dev.all(StatefulSet.class).get(0);
        PodSpec pod = postgresql.getSpec().getTemplate().getSpec();
        Container database = pod.getContainers().get(0);

        assertThat(config.get("QUARKUS_FLYWAY_USERNAME")).as("Flyway migrates as the database's owner")
                .isEqualTo(value(database, "POSTGRES_USER"));
        assertThat(env.secretKeyRef("QUARKUS_FLYWAY_PASSWORD")).isEqualTo(secretKeyRef(database, "POSTGRES_PASSWORD"));
        assertThat(config.get("QUARKUS_DATASOURCE_USERNAME")).isNotEqualTo(config.get("QUARKUS_FLYWAY_USERNAME"));
        assertThat(env.secretKeyRef("QUARKUS_DATASOURCE_PASSWORD")).isEqualTo(secretKeyRef(database, "RUNTIME_PASSWORD"));

        String initVolume = database.getVolumeMounts().stream()
                .filter(m -> m.getMountPath().equals("/docker-entrypoint-initdb.d")).findFirst().orElseThrow().getName();
        Volume volume = pod.getVolumes().stream().filter(v -> v.getName().equals(initVolume)).findFirst().orElseThrow();
        ConfigMap init = dev.configMap(volume.getConfigMap().getName());
        assertThat(init.getData()).hasSize(1);
        String script = init.getData().values().iterator().next();
        String runtime = config.get("QUARKUS_DATASOURCE_USERNAME");
        String retention = config.get("NEXAFLOW_RETENTION_ROLE");
        assertThat(script).contains("ON_ERROR_STOP=1", "$RUNTIME_PASSWORD")
                .contains("CREATE ROLE " + retention + " NOLOGIN;")
                .contains("CREATE ROLE " + runtime + " LOGIN NOINHERIT PASSWORD :'runtime_password' IN ROLE "
                        + retention + ";");
    }

    private static Map<String, Object> role(List<Map<String, Object>> roles, String name) {
        return roles.stream().filter(r -> name.equals(r.get("name"))).findFirst()
                .orElseThrow(() -> new AssertionError("no managed role " + name));
    }

    private static String value(Container container, String name) {
        return env(container, name).getValue();
    }

    private static List<String> secretKeyRef(Container container, String name) {
        EnvVar env = env(container, name);
        return List.of(env.getValueFrom().getSecretKeyRef().getName(), env.getValueFrom().getSecretKeyRef().getKey());
    }

    private static EnvVar env(Container container, String name) {
        return container.getEnv().stream().filter(e -> e.getName().equals(name)).findFirst()
                .orElseThrow(() -> new AssertionError(container.getName() + " has no " + name));
    }
}
