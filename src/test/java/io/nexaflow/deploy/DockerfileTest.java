package io.nexaflow.deploy;

import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** src/main/docker/Dockerfile.jvm, read (no Docker engine here to build it): a runtime-only, non-root image. */
class DockerfileTest {

    /** The fast-jar layout of target/quarkus-app, where each part goes in the image. */
    static final Map<String, String> FAST_JAR = Map.of(
            "target/quarkus-app/lib/", "/deployments/lib/",
            "target/quarkus-app/quarkus-run.jar", "/deployments/quarkus-run.jar",
            "target/quarkus-app/app/", "/deployments/app/",
            "target/quarkus-app/quarkus/", "/deployments/quarkus/");

    private final Dockerfile dockerfile = Dockerfile.jvm();

    @Test
    void runsAsANumericNonRootUser() {
        String user = dockerfile.last("USER").orElseThrow(() -> new AssertionError("no USER: the image would run as root"));
        String uid = user.split(":")[0];
        assertThat(uid).as("numeric, or Kubernetes cannot verify runAsNonRoot").matches("\\d+");
        assertThat(Integer.parseInt(uid)).isPositive();
        // USER must come before ENTRYPOINT so the process itself runs as that user.
        List<String> order = dockerfile.instructions.stream().map(Dockerfile.Instruction::keyword).toList();
        assertThat(order.lastIndexOf("USER")).isLessThan(order.lastIndexOf("ENTRYPOINT"));
    }

    @Test
    void copiesExactlyTheFastJarLayout() {
        List<List<String>> copies = dockerfile.copies();
        assertThat(copies).allSatisfy(c -> assertThat(c).as("COPY without flags, one source: %s", c).hasSize(2));
        assertThat(copies).extracting(c -> c.get(0)).containsExactlyInAnyOrderElementsOf(FAST_JAR.keySet());
        copies.forEach(c -> assertThat(c.get(1)).as("destination of %s", c.get(0)).isEqualTo(FAST_JAR.get(c.get(0))));
        assertThat(dockerfile.entrypoint()).endsWith("-jar", "/deployments/quarkus-run.jar");
    }

    @Test
    void holdsAJavaRuntimeAndNoBuildTools() {
        assertThat(dockerfile.all("FROM")).as("one stage: nothing is built in the image").hasSize(1);
        assertThat(dockerfile.baseImage()).as("a JRE-only base image")
                .matches(image -> image.contains("openjdk-17-runtime") || image.contains(":17-jre"), "a Java 17 runtime image");
        assertThat(dockerfile.all("RUN")).as("no package installs or builds").isEmpty();
        assertThat(dockerfile.all("ADD")).isEmpty();
        assertThat(dockerfile.all("EXPOSE")).containsExactly("8080");
    }

    @Test
    void sizesTheJvmExplicitly() {
        List<String> options = dockerfile.jvmOptions();
        assertThat(options).as("an explicit heap").anyMatch(o -> o.startsWith("-Xmx") || o.startsWith("-XX:MaxRAMPercentage="));
        assertThat(options).as("a collector chosen for 1-2 CPUs and a small heap")
                .containsAnyOf("-XX:+UseSerialGC", "-XX:+UseParallelGC");
        assertThat(options).contains("-XX:+ExitOnOutOfMemoryError", "-Djava.io.tmpdir=/tmp");
        assertThat(dockerfile.entrypoint().get(0)).as("exec form, java is PID 1 and receives SIGTERM").isEqualTo("java");
    }
}
