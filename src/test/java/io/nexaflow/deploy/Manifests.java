package io.nexaflow.deploy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.MappingIterator;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.KubernetesResource;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import org.junit.jupiter.api.Assumptions;

import java.io.IOException;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/** One kustomization under k8s/ as `kubectl kustomize` renders it: the YAML documents and the typed objects. */
public final class Manifests {

    public static final Path K8S = Path.of("k8s");
    /** The application's Deployment, Service and container, by name. */
    public static final String APP = "nexaflow";

    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());
    private static final Map<String, Manifests> RENDERED = new ConcurrentHashMap<>();

    public final String kustomization;
    public final List<JsonNode> documents;
    public final List<HasMetadata> objects;

    private Manifests(String kustomization, List<JsonNode> documents, List<HasMetadata> objects) {
        this.kustomization = kustomization;
        this.documents = documents;
        this.objects = objects;
    }

    /** Renders k8s/{kustomization} (e.g. "overlays/prod") once per JVM; skips the test when kubectl is missing. */
    public static Manifests of(String kustomization) {
        assumeKubectl();
        return RENDERED.computeIfAbsent(kustomization, k -> parse(k, kustomize(K8S.resolve(k))));
    }

    /** Renders a kustomization anywhere (tests build throwaway ones under target/). */
    public static Manifests render(Path dir) {
        assumeKubectl();
        return parse(dir.toString(), kustomize(dir));
    }

    /** The prod overlay with one of k8s/components added, as an operator would enable it. */
    public static Manifests prodWith(String component) throws IOException {
        Path dir = Path.of("target", "kustomize-" + component);
        Files.createDirectories(dir);
        Files.writeString(dir.resolve("kustomization.yaml"), """
                apiVersion: kustomize.config.k8s.io/v1beta1
                kind: Kustomization
                resources:
                  - ../../k8s/overlays/prod
                components:
                  - ../../k8s/components/%s
                """.formatted(component));
        return render(dir);
    }

    static void assumeKubectl() {
        Assumptions.assumeTrue(kubectlAvailable(),
                "kubectl is not on the PATH: the Kubernetes manifests were NOT checked (install kubectl >= 1.27)");
    }

    private static boolean kubectlAvailable() {
        try {
            Process process = new ProcessBuilder("kubectl", "version", "--client").redirectErrorStream(true).start();
            process.getInputStream().readAllBytes();
            return process.waitFor(30, TimeUnit.SECONDS) && process.exitValue() == 0;
        } catch (IOException notInstalled) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    private static String kustomize(Path dir) {
        try {
            Path errors = Files.createTempFile("kustomize", ".err");
            try {
                Process process = new ProcessBuilder("kubectl", "kustomize", dir.toString())
                        .redirectError(errors.toFile()).start();
                String yaml = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
                if (!process.waitFor(60, TimeUnit.SECONDS) || process.exitValue() != 0) {
                    throw new AssertionError("kubectl kustomize " + dir + " failed:\n" + Files.readString(errors));
                }
                return yaml;
            } finally {
                Files.deleteIfExists(errors);
            }
        } catch (IOException e) {
            throw new AssertionError("kubectl kustomize " + dir + " could not run", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }

    private static Manifests parse(String name, String yaml) {
        List<JsonNode> documents = new ArrayList<>();
        List<HasMetadata> objects = new ArrayList<>();
        try (MappingIterator<JsonNode> it = YAML.readerFor(JsonNode.class).readValues(yaml)) {
            while (it.hasNext()) {
                JsonNode document = it.next();
                if (document == null || document.isNull() || document.isEmpty()) {
                    continue;
                }
                documents.add(document);
                // KubernetesResource picks the model class from apiVersion and kind; kinds it does not know
                // (custom resources) become GenericKubernetesResource.
                objects.add((HasMetadata) YAML.treeToValue(document, KubernetesResource.class));
            }
        } catch (IOException e) {
            throw new AssertionError(name + " does not render to valid YAML objects: " + e.getMessage(), e);
        }
        return new Manifests(name, List.copyOf(documents), List.copyOf(objects));
    }

    public <T extends HasMetadata> List<T> all(Class<T> type) {
        return objects.stream().filter(type::isInstance).map(type::cast).toList();
    }

    public <T extends HasMetadata> Optional<T> find(Class<T> type, String name) {
        return all(type).stream().filter(o -> name.equals(o.getMetadata().getName())).findFirst();
    }

    public <T extends HasMetadata> T one(Class<T> type, String name) {
        return find(type, name).orElseThrow(() -> new AssertionError(
                kustomization + " renders no " + type.getSimpleName() + " named " + name));
    }

    /** Custom resources (CloudNativePG Cluster, ServiceMonitor) by kind. */
    public List<GenericKubernetesResource> custom(String apiVersion, String kind) {
        return all(GenericKubernetesResource.class).stream()
                .filter(r -> apiVersion.equals(r.getApiVersion()) && kind.equals(r.getKind())).toList();
    }

    public Deployment app() {
        return one(Deployment.class, APP);
    }

    public Container appContainer() {
        return app().getSpec().getTemplate().getSpec().getContainers().stream()
                .filter(c -> APP.equals(c.getName())).findFirst()
                .orElseThrow(() -> new AssertionError("the Deployment has no container named " + APP));
    }

    /** A rendered ConfigMap by the name the Deployment uses (kustomize appends a content hash to generated ones). */
    public ConfigMap configMap(String renderedName) {
        return one(ConfigMap.class, renderedName);
    }

    /** A Secret's values, whether written as stringData or (base64) data. */
    public static Map<String, String> values(Secret secret) {
        Map<String, String> values = new LinkedHashMap<>();
        if (secret.getData() != null) {
            secret.getData().forEach((k, v) -> values.put(k,
                    new String(Base64.getDecoder().decode(v), StandardCharsets.UTF_8)));
        }
        if (secret.getStringData() != null) {
            values.putAll(secret.getStringData());
        }
        return values;
    }

    /**
     * Fields the typed model did not recognise (a misspelt or misplaced key lands in additionalProperties instead
     * of failing the parse), as paths such as "Deployment/nexaflow: .spec.template.spec.containers[0].readinesProbe".
     */
    public List<String> unknownFields() {
        List<String> unknown = new ArrayList<>();
        for (HasMetadata object : objects) {
            if (!(object instanceof GenericKubernetesResource)) {
                collectUnknown(object, object.getKind() + "/" + object.getMetadata().getName() + ": ", unknown, 0);
            }
        }
        return unknown;
    }

    private static void collectUnknown(Object model, String path, List<String> unknown, int depth) {
        if (model == null || depth > 40) {
            return;
        }
        if (model instanceof Collection<?> items) {
            int i = 0;
            for (Object item : items) {
                collectUnknown(item, path + "[" + i++ + "]", unknown, depth + 1);
            }
            return;
        }
        if (model instanceof Map<?, ?> map) {
            map.forEach((k, v) -> collectUnknown(v, path + "[" + k + "]", unknown, depth + 1));
            return;
        }
        if (!model.getClass().getName().startsWith("io.fabric8.kubernetes.api.model")) {
            return;
        }
        for (Method getter : model.getClass().getMethods()) {
            if (getter.getParameterCount() != 0 || Modifier.isStatic(getter.getModifiers())
                    || !getter.getName().startsWith("get") || getter.getDeclaringClass() == Object.class) {
                continue;
            }
            Object value;
            try {
                value = getter.invoke(model);
            } catch (ReflectiveOperationException | RuntimeException derivedValueThatDoesNotApply) {
                continue;
            }
            if (getter.getName().equals("getAdditionalProperties")) {
                if (value instanceof Map<?, ?> extra && !extra.isEmpty()) {
                    extra.keySet().forEach(k -> unknown.add(path + "." + k));
                }
            } else {
                String field = Character.toLowerCase(getter.getName().charAt(3)) + getter.getName().substring(4);
                collectUnknown(value, path + "." + field, unknown, depth + 1);
            }
        }
    }
}
