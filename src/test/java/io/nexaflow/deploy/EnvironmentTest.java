package io.nexaflow.deploy;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.Secret;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

/** The Deployment sets only variables the application reads, and every one it needs. */
class EnvironmentTest {

    /**
     * Without these nexaflow cannot run in prod: the database (the prod profile fails fast without its URL), the
     * callback secret (fails fast too), the URL Nexafone calls back, and the Nexafone account it originates with.
     */
    static final List<String> REQUIRED = List.of(
            "QUARKUS_DATASOURCE_JDBC_URL", "QUARKUS_DATASOURCE_USERNAME", "QUARKUS_DATASOURCE_PASSWORD",
            "NEXAFLOW_WEBHOOK_SECRET", "NEXAFLOW_PUBLIC_URL",
            "NEXAFONE_ACCOUNT_ID", "NEXAFONE_API_KEY", "NEXAFONE_API_SECRET");

    /** The Secret template's keys, as issue 7 lists them. */
    static final Set<String> SECRET_KEYS = Set.of("NEXAFONE_API_KEY", "NEXAFONE_API_SECRET", "NEXAFLOW_WEBHOOK_SECRET",
            "NEXAFLOW_ADMIN_API_KEY", "QUARKUS_DATASOURCE_PASSWORD");

    @Test
    void everyVariableInEnvSampleIsReadByTheApplication() {
        List<String> unread = new ArrayList<>();
        for (String name : AppConfig.envSample().keySet()) {
            if (AppConfig.runtimePropertyOf(name).isEmpty() && !AppConfig.envExpressions().contains(name)) {
                unread.add(name);
            }
        }
        assertThat(unread).as(".env.sample variables that set no run-time property of nexaflow or Quarkus").isEmpty();
        assertThat(AppConfig.runtimePropertyOf("QUARKUS_DATASOURCE_JDBC_URL")).contains("quarkus.datasource.jdbc.url");
        assertThat(AppConfig.runtimePropertyOf("NEXAFONE_API_SECRET")).contains("nexafone.api-secret");
    }

    @Test
    void theCheckRecognisesVariablesNobodyReads() {
        assertThat(AppConfig.runtimePropertyOf("NEXAFLOW_WEBHOOK_SECRETS")).isEmpty();
        assertThat(AppConfig.runtimePropertyOf("NEXAFONE_APIKEY")).isEmpty();
        // Build-time: fixed in the jar, so setting it in a pod would be silently ignored.
        assertThat(AppConfig.runtimePropertyOf("QUARKUS_SHUTDOWN_DELAY_ENABLED")).isEmpty();
        assertThat(AppConfig.runtimePropertyOf("QUARKUS_SHUTDOWN_DELAY")).contains("quarkus.shutdown.delay");
    }

    @ParameterizedTest
    @ValueSource(strings = {"overlays/dev", "overlays/prod"})
    void theDeploymentSetsOnlyVariablesFromEnvSample(String overlay) {
        Environment env = Environment.of(Manifests.of(overlay));
        assertThat(AppConfig.envSample().keySet()).as("variables the %s Deployment sets", overlay)
                .containsAll(env.names());
        assertThat(Manifests.of(overlay).app().getSpec().getTemplate().getSpec().getEnableServiceLinks())
                .as("service links would add NEXAFLOW_SERVICE_HOST, NEXAFLOW_PORT_... to the environment").isFalse();
    }

    @ParameterizedTest
    @ValueSource(strings = {"overlays/dev", "overlays/prod"})
    void theDeploymentSetsEveryRequiredVariable(String overlay) {
        Environment env = Environment.of(Manifests.of(overlay));
        assertThat(env.names()).containsAll(REQUIRED);
        for (String name : REQUIRED) {
            env.literal(name).ifPresent(value -> assertThat(value).as(name).isNotBlank());
        }
    }

    @Test
    void theSecretTemplateHoldsTheSecretsWithPlaceholdersAndTheConfigMapNone() {
        Manifests base = Manifests.of("base");
        Secret template = base.one(Secret.class, "nexaflow-secrets");
        assertThat(Manifests.values(template).keySet()).containsExactlyInAnyOrderElementsOf(SECRET_KEYS);
        assertThat(Manifests.values(template).values()).allSatisfy(v -> assertThat(v).startsWith("change-me"));
        for (String overlay : List.of("base", "overlays/dev", "overlays/prod")) {
            for (ConfigMap map : Manifests.of(overlay).all(ConfigMap.class)) {
                assertThat(map.getData().keySet()).as("ConfigMap %s in %s", map.getMetadata().getName(), overlay)
                        .noneMatch(SECRET_KEYS::contains)
                        .noneMatch(k -> k.endsWith("_PASSWORD") || k.endsWith("_SECRET") || k.endsWith("_API_KEY"));
            }
        }
    }

    @Test
    void theSandboxIsOffInProd() {
        assertThat(Environment.of(Manifests.of("overlays/prod")).literal("NEXAFLOW_SANDBOX_ENABLED")).contains("false");
    }
}
