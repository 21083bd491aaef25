package io.nexaflow.deploy;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.EnvFromSource;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.Secret;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

/** The environment an overlay gives the nexaflow container: env entries, envFrom ConfigMaps and Secrets. */
public final class Environment {

    /** The Secret the cluster's operator creates in prod has the keys of the base's template. */
    private static final String APP_SECRET = "nexaflow-secrets";

    private final Manifests manifests;
    private final Container container;

    private Environment(Manifests manifests) {
        this.manifests = manifests;
        this.container = manifests.appContainer();
    }

    public static Environment of(Manifests manifests) {
        return new Environment(manifests);
    }

    private List<EnvFromSource> envFrom() {
        return container.getEnvFrom() == null ? List.of() : container.getEnvFrom();
    }

    public List<EnvVar> explicit() {
        return container.getEnv() == null ? List.of() : container.getEnv();
    }

    /** Values of the envFrom ConfigMaps (later ones win, as in Kubernetes). */
    public Map<String, String> configMapValues() {
        Map<String, String> values = new LinkedHashMap<>();
        envFrom().stream().filter(f -> f.getConfigMapRef() != null)
                .forEach(f -> values.putAll(manifests.configMap(f.getConfigMapRef().getName()).getData()));
        return values;
    }

    /** Values of the envFrom Secrets; a Secret the overlay does not render is the base's template (placeholders). */
    public Map<String, String> secretValues() {
        Map<String, String> values = new LinkedHashMap<>();
        envFrom().stream().filter(f -> f.getSecretRef() != null)
                .forEach(f -> values.putAll(secret(f.getSecretRef().getName())));
        return values;
    }

    /** All envFrom values in order: when a key is in several sources, Kubernetes takes the last one. */
    private Map<String, String> envFromValues() {
        Map<String, String> values = new LinkedHashMap<>();
        for (EnvFromSource from : envFrom()) {
            if (from.getConfigMapRef() != null) {
                values.putAll(manifests.configMap(from.getConfigMapRef().getName()).getData());
            }
            if (from.getSecretRef() != null) {
                values.putAll(secret(from.getSecretRef().getName()));
            }
        }
        return values;
    }

    private Map<String, String> secret(String name) {
        Secret secret = manifests.find(Secret.class, name).orElseGet(() -> {
            if (!name.equals(APP_SECRET)) {
                throw new AssertionError("envFrom Secret " + name + " is neither rendered nor " + APP_SECRET);
            }
            return Manifests.of("base").one(Secret.class, APP_SECRET);
        });
        return Manifests.values(secret);
    }

    /** Every variable name the container gets. */
    public Set<String> names() {
        Set<String> names = new TreeSet<>(configMapValues().keySet());
        names.addAll(secretValues().keySet());
        explicit().forEach(e -> names.add(e.getName()));
        return names;
    }

    /** [secret, key] of an env entry taken from a Secret. */
    public List<String> secretKeyRef(String name) {
        EnvVar env = explicit().stream().filter(e -> e.getName().equals(name)).findFirst()
                .orElseThrow(() -> new AssertionError(name + " is not an env entry"));
        if (env.getValueFrom() == null || env.getValueFrom().getSecretKeyRef() == null) {
            throw new AssertionError(name + " does not come from a Secret");
        }
        return List.of(env.getValueFrom().getSecretKeyRef().getName(), env.getValueFrom().getSecretKeyRef().getKey());
    }

    /** A literal value as the container sees it: an env entry wins over envFrom; empty for valueFrom entries. */
    public Optional<String> literal(String name) {
        for (EnvVar env : explicit()) {
            if (env.getName().equals(name)) {
                return Optional.ofNullable(env.getValue());
            }
        }
        return Optional.ofNullable(envFromValues().get(name));
    }
}
