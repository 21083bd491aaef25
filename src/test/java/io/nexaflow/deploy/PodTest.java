package io.nexaflow.deploy;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.PodSecurityContext;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.Probe;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.SecurityContext;
import io.fabric8.kubernetes.api.model.Volume;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.autoscaling.v2.HorizontalPodAutoscaler;
import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudget;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.math.BigDecimal;
import java.time.Duration;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** The nexaflow pod: ports and probes match the application, rollouts keep callbacks answered, the pod is locked down. */
class PodTest {

    /** Idle RSS of the packaged jar with the image's JVM flags, measured by bench/run.sh (k8s/README.md, "Memory and CPU"). */
    static final long MEASURED_IDLE_RSS_MIB = 208;
    /** RSS under callback load at saturation, the highest of the full bench/run.sh runs (262-287 MiB). */
    static final long LOADED_RSS_MIB = 287;
    /** Beyond the heap: metaspace ~65 MiB, code cache, thread stacks, GC and Netty buffers, measured ~100 at idle. */
    static final long NON_HEAP_ALLOWANCE_MIB = 192;
    /** CallbackWriter joins its writer threads for up to 10 s after HTTP stopped. */
    static final Duration CALLBACK_WRITER_DRAIN = Duration.ofSeconds(10);

    @ParameterizedTest
    @ValueSource(strings = {"overlays/dev", "overlays/prod"})
    void portAndProbesAreTheApplications(String overlay) {
        Container container = Manifests.of(overlay).appContainer();
        int appPort = Integer.parseInt(AppConfig.prodProperty("quarkus.http.port").orElse("8080"));
        assertThat(appPort).isEqualTo(8080);
        assertThat(container.getPorts()).singleElement().satisfies(port -> {
            assertThat(port.getContainerPort()).isEqualTo(appPort);
            assertThat(port.getName()).isEqualTo("http");
        });
        // Quarkus serves health under ${quarkus.http.non-application-root-path:q}/health; neither is changed.
        assertThat(AppConfig.applicationProperties().stringPropertyNames())
                .noneMatch(k -> k.contains("non-application-root-path") || k.contains("quarkus.http.root-path")
                        || k.contains("smallrye-health.root-path") || k.contains("management.enabled"));
        assertHttpProbe(container.getReadinessProbe(), "/q/health/ready");
        assertHttpProbe(container.getLivenessProbe(), "/q/health/live");
        assertHttpProbe(container.getStartupProbe(), "/q/health/started");
        long startupBudget = (long) container.getStartupProbe().getPeriodSeconds() * container.getStartupProbe().getFailureThreshold();
        assertThat(startupBudget).as("seconds a slow start (busy node, Flyway lock wait) may take").isGreaterThanOrEqualTo(120);
    }

    @ParameterizedTest
    @ValueSource(strings = {"overlays/dev", "overlays/prod"})
    void rolloutsKeepEveryCallbackAnswered(String overlay) {
        Manifests manifests = Manifests.of(overlay);
        Deployment app = manifests.app();
        assertThat(app.getSpec().getStrategy().getType()).isEqualTo("RollingUpdate");
        assertThat(app.getSpec().getStrategy().getRollingUpdate().getMaxUnavailable().getIntVal()).isZero();
        assertThat(app.getSpec().getStrategy().getRollingUpdate().getMaxSurge().getIntVal()).isEqualTo(1);

        Container container = manifests.appContainer();
        List<String> preStop = container.getLifecycle().getPreStop().getExec().getCommand();
        assertThat(preStop).hasSize(2).first().isEqualTo("sleep");
        Duration preStopSleep = Duration.ofSeconds(Long.parseLong(preStop.get(1)));
        assertThat(preStopSleep).as("time for endpoints to drop the pod").isGreaterThanOrEqualTo(Duration.ofSeconds(5));

        assertThat(AppConfig.prodProperty("quarkus.shutdown.delay-enabled"))
                .as("build-time switch without which QUARKUS_SHUTDOWN_DELAY does nothing").contains("true");
        Duration delay = AppConfig.duration(Environment.of(manifests).literal("QUARKUS_SHUTDOWN_DELAY").orElse("0s"));
        assertThat(delay).isPositive();
        Duration timeout = AppConfig.duration(Environment.of(manifests).literal("QUARKUS_SHUTDOWN_TIMEOUT")
                .orElseGet(() -> AppConfig.prodProperty("quarkus.shutdown.timeout").orElseThrow(
                        () -> new AssertionError("quarkus.shutdown.timeout is not set: SIGTERM would drop requests in flight"))));
        Duration needed = preStopSleep.plus(delay).plus(timeout).plus(CALLBACK_WRITER_DRAIN);
        assertThat(Duration.ofSeconds(app.getSpec().getTemplate().getSpec().getTerminationGracePeriodSeconds()))
                .as("terminationGracePeriodSeconds > preStop %s + delay %s + timeout %s + writer drain %s",
                        preStopSleep, delay, timeout, CALLBACK_WRITER_DRAIN)
                .isGreaterThan(needed);
    }

    @ParameterizedTest
    @ValueSource(strings = {"overlays/prod"})
    void prodKeepsTwoPodsAndDrainsOneAtATime(String overlay) {
        Manifests manifests = Manifests.of(overlay);
        assertThat(manifests.app().getSpec().getReplicas()).isGreaterThanOrEqualTo(2);
        HorizontalPodAutoscaler hpa = manifests.one(HorizontalPodAutoscaler.class, Manifests.APP);
        assertThat(hpa.getSpec().getMinReplicas()).isGreaterThanOrEqualTo(2);
        assertThat(hpa.getSpec().getMetrics()).anyMatch(m -> m.getResource() != null && m.getResource().getName().equals("cpu"));
        PodDisruptionBudget pdb = manifests.one(PodDisruptionBudget.class, Manifests.APP);
        assertThat(pdb.getSpec().getMaxUnavailable().getIntVal()).isEqualTo(1);
    }

    @ParameterizedTest
    @ValueSource(strings = {"overlays/dev", "overlays/prod"})
    void thePodRunsLockedDown(String overlay) {
        Manifests manifests = Manifests.of(overlay);
        PodSpec pod = manifests.app().getSpec().getTemplate().getSpec();
        PodSecurityContext podSecurity = pod.getSecurityContext();
        SecurityContext security = manifests.appContainer().getSecurityContext();
        assertThat(podSecurity.getRunAsNonRoot()).isTrue();
        assertThat(security.getRunAsNonRoot()).isNotEqualTo(Boolean.FALSE);
        assertThat(security.getReadOnlyRootFilesystem()).isTrue();
        assertThat(security.getAllowPrivilegeEscalation()).isFalse();
        assertThat(security.getPrivileged()).isNotEqualTo(Boolean.TRUE);
        assertThat(security.getCapabilities().getDrop()).containsExactly("ALL");
        assertThat(security.getCapabilities().getAdd()).isNullOrEmpty();
        String seccomp = security.getSeccompProfile() != null ? security.getSeccompProfile().getType()
                : podSecurity.getSeccompProfile().getType();
        assertThat(seccomp).isEqualTo("RuntimeDefault");
        assertThat(pod.getAutomountServiceAccountToken()).isFalse();
        assertThat(pod.getHostNetwork()).isNotEqualTo(Boolean.TRUE);

        // The writable paths: /tmp (java.io.tmpdir in the image) and the callback journal, both emptyDirs.
        assertThat(manifests.appContainer().getVolumeMounts()).extracting(m -> m.getMountPath())
                .containsExactlyInAnyOrder("/tmp", "/var/lib/nexaflow/journal");
        for (var mount : manifests.appContainer().getVolumeMounts()) {
            Volume volume = pod.getVolumes().stream().filter(v -> v.getName().equals(mount.getName())).findFirst().orElseThrow();
            assertThat(volume.getEmptyDir()).as(mount.getName()).isNotNull();
        }
        assertThat(manifests.appContainer().getVolumeMounts()).filteredOn(m -> m.getName().equals("journal"))
                .singleElement().satisfies(m -> assertThat(m.getMountPath()).isEqualTo("/var/lib/nexaflow/journal"));
        assertThat(Dockerfile.jvm().jvmOptions()).contains("-Djava.io.tmpdir=/tmp");

        for (PodSpec any : RenderTest.podSpecs(manifests)) {
            for (Container c : any.getContainers()) {
                assertThat(c.getSecurityContext().getAllowPrivilegeEscalation()).as(c.getName()).isFalse();
                assertThat(c.getSecurityContext().getCapabilities().getDrop()).as(c.getName()).containsExactly("ALL");
            }
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"overlays/dev", "overlays/prod"})
    void memoryIsSizedFromTheMeasuredRssAndTheImagesHeap(String overlay) {
        Container container = Manifests.of(overlay).appContainer();
        long request = mebibytes(container.getResources().getRequests().get("memory"));
        long limit = mebibytes(container.getResources().getLimits().get("memory"));
        long heap = maxHeapMebibytes(Dockerfile.jvm().jvmOptions());
        assertThat(request).as("memory request covers the idle and the loaded RSS")
                .isGreaterThan(MEASURED_IDLE_RSS_MIB).isGreaterThanOrEqualTo(LOADED_RSS_MIB);
        assertThat(limit).as("memory limit: 1.4 x the loaded RSS, and room for the heap (-Xmx%dm) and the JVM's own memory", heap)
                .isGreaterThanOrEqualTo(LOADED_RSS_MIB * 14 / 10).isGreaterThanOrEqualTo(heap + NON_HEAP_ALLOWANCE_MIB);
        assertThat(container.getResources().getRequests()).containsKey("cpu");
        assertThat(container.getResources().getLimits()).containsKey("cpu");
    }

    @ParameterizedTest
    @ValueSource(strings = {"overlays/dev", "overlays/prod"})
    void prometheusScrapesTheMetricsPort(String overlay) {
        Manifests manifests = Manifests.of(overlay);
        var annotations = manifests.app().getSpec().getTemplate().getMetadata().getAnnotations();
        assertThat(annotations).containsEntry("prometheus.io/scrape", "true")
                .containsEntry("prometheus.io/path", "/q/metrics")
                .containsEntry("prometheus.io/port", String.valueOf(manifests.appContainer().getPorts().get(0).getContainerPort()));
        assertThat(AppConfig.prodProperty("quarkus.micrometer.export.prometheus.enabled")).contains("true");
    }

    private static void assertHttpProbe(Probe probe, String path) {
        assertThat(probe).as("probe on %s", path).isNotNull();
        assertThat(probe.getHttpGet().getPath()).isEqualTo(path);
        assertThat(probe.getHttpGet().getPort().getStrVal()).isEqualTo("http");
        assertThat(probe.getTimeoutSeconds()).isNotNull();
    }

    private static long mebibytes(Quantity quantity) {
        return Quantity.getAmountInBytes(quantity).divide(BigDecimal.valueOf(1024 * 1024)).longValue();
    }

    static long maxHeapMebibytes(List<String> jvmOptions) {
        String xmx = jvmOptions.stream().filter(o -> o.startsWith("-Xmx")).findFirst()
                .orElseThrow(() -> new AssertionError("the image sets no explicit heap (-Xmx): " + jvmOptions));
        String size = xmx.substring(4).toLowerCase();
        long number = Long.parseLong(size.replaceAll("[kmg]$", ""));
        return switch (size.charAt(size.length() - 1)) {
            case 'g' -> number * 1024;
            case 'm' -> number;
            case 'k' -> number / 1024;
            default -> number / (1024 * 1024);
        };
    }
}
