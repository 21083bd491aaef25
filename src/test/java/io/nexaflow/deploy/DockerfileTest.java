package io.nexaflow.deploy;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * src/main/docker/Dockerfile.jvm, read (no Docker engine here to build it): a runtime-only, non-root image, whose AOT
 * cache is trained in a build stage by the runtime image's own java, on the command the image runs.
 */
class DockerfileTest {

    /** The aot-jar layout of target/quarkus-app (the fast-jar's directories), where each part goes in the image. */
    static final Map<String, String> FAST_JAR = Map.of(
            "target/quarkus-app/lib/", "/deployments/lib/",
            "target/quarkus-app/quarkus-run.jar", "/deployments/quarkus-run.jar",
            "target/quarkus-app/app/", "/deployments/app/",
            "target/quarkus-app/quarkus/", "/deployments/quarkus/");

    static final String TRAINING_STAGE = "aot-training";
    static final String TRAINING_SCRIPT = "src/main/docker/aot-train.sh";
    static final Path DOCKERIGNORE = Path.of("src/main/docker/Dockerfile.jvm.dockerignore");

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
    void takesExactlyThePackagedLayoutFromTheBuildContext() {
        List<List<String>> copies = dockerfile.copies();
        assertThat(copies).allSatisfy(c -> assertThat(c).as("COPY without flags, one source: %s", c).hasSize(2));
        assertThat(copies).extracting(c -> c.get(0)).containsExactlyInAnyOrderElementsOf(FAST_JAR.keySet());
        copies.forEach(c -> assertThat(c.get(1)).as("destination of %s", c.get(0)).isEqualTo(FAST_JAR.get(c.get(0))));
        assertThat(dockerfile.stage(TRAINING_STAGE).copies()).as("the context is copied into the training stage")
                .containsExactlyInAnyOrderElementsOf(copies);
    }

    @Test
    void theImageHoldsTheLayoutAndItsCacheAsTrained() {
        Dockerfile.Stage image = dockerfile.finalStage();
        String cache = dockerfile.aotCache().orElseThrow(() -> new AssertionError("the ENTRYPOINT uses no -XX:AOTCache"));
        List<List<String>> expected = new ArrayList<>();
        FAST_JAR.values().forEach(destination -> expected.add(List.of("--from=" + TRAINING_STAGE, destination, destination)));
        expected.add(List.of("--from=" + TRAINING_STAGE, cache, cache));
        assertThat(image.copies()).as("the same files the cache was recorded with (paths, sizes, times)")
                .containsExactlyInAnyOrderElementsOf(expected);
        assertThat(dockerfile.entrypoint()).endsWith("-jar", "/deployments/quarkus-run.jar");
    }

    @Test
    void holdsAJava25RuntimeAndNoBuildTools() {
        Dockerfile.Stage image = dockerfile.finalStage();
        assertThat(dockerfile.stages()).as("the training stage, then the image").hasSize(2);
        assertThat(image.image()).as("a JRE-only base image").isEqualTo(dockerfile.baseImage())
                .matches(i -> i.contains(":25") && i.contains("-jre"), "a Java 25 runtime image");
        assertThat(image.all("RUN")).as("nothing installed or built in the image; only the cache is checked")
                .singleElement().satisfies(run -> assertThat(Dockerfile.execForm(run)).contains("-version"));
        assertThat(dockerfile.all("ADD")).isEmpty();
        assertThat(dockerfile.all("EXPOSE")).containsExactly("8080");
    }

    @Test
    void theCacheIsTrainedByTheRuntimeImagesOwnJavaOnTheImagesCommand() throws IOException {
        Dockerfile.Stage training = dockerfile.stage(TRAINING_STAGE);
        assertThat(training.image()).as("a cache only fits the JDK build that made it").isEqualTo(dockerfile.finalStage().image());
        String train = training.all("RUN").stream().filter(r -> r.contains("aot-train.sh")).reduce((a, b) -> {
            throw new AssertionError("two training runs");
        }).orElseThrow(() -> new AssertionError("the training stage does not run aot-train.sh"));
        assertThat(Dockerfile.flags(train)).as("the script is mounted, not copied into a layer")
                .containsExactly("--mount=type=bind,source=" + TRAINING_SCRIPT + ",target=/opt/aot-train.sh");
        List<String> command = Dockerfile.execForm(train);
        assertThat(command.subList(0, 2)).containsExactly("bash", "/opt/aot-train.sh");
        assertThat(command.get(2)).as("the cache written is the one the image uses").isEqualTo(dockerfile.aotCache().orElseThrow());
        List<String> entrypointWithoutCache = dockerfile.entrypoint().stream().filter(w -> !w.startsWith("-XX:AOTCache=")).toList();
        assertThat(command.subList(3, command.size())).as("recorded with exactly the options and class path it runs with")
                .isEqualTo(entrypointWithoutCache);
        assertThat(Path.of(TRAINING_SCRIPT)).isRegularFile();
        assertThat(Files.readAllLines(DOCKERIGNORE, StandardCharsets.UTF_8)).as("the script is in the build context")
                .contains("!" + TRAINING_SCRIPT, "!target/quarkus-app/");
    }

    @Test
    void theBuildFailsOnACacheTheRuntimeCannotUse() {
        List<String> check = Dockerfile.execForm(dockerfile.finalStage().all("RUN").get(0));
        List<String> expected = new ArrayList<>(dockerfile.entrypoint().subList(0, dockerfile.entrypoint().indexOf("-jar")));
        expected.addAll(List.of("-XX:AOTMode=on", "-XX:-UsePerfData", "-cp", "/deployments/quarkus-run.jar", "-version"));
        assertThat(check).as("the image's java, options and cache, where failing to map the cache is an error")
                .isEqualTo(expected);
    }

    @Test
    void thePackageIsTheLayoutTheCacheIsTrainedOn() {
        assertThat(AppConfig.prodProperty("quarkus.package.jar.type"))
                .as("aot-jar: classes on the JDK's class path, which the cache holds more of than the fast-jar's")
                .contains("aot-jar");
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

    @Test
    void theJvmOptionsOtherJdksRunTheJarWithLeaveTheCacheOut() {
        assertThat(dockerfile.allJvmOptions()).contains("-XX:AOTCache=" + dockerfile.aotCache().orElseThrow());
        assertThat(dockerfile.jvmOptions()).as("what DeploymentIT passes to the build's JDK 17, which refuses -XX:AOTCache")
                .noneMatch(o -> o.startsWith("-XX:AOT"))
                .containsExactlyElementsOf(dockerfile.allJvmOptions().stream().filter(o -> !o.startsWith("-XX:AOTCache=")).toList());
    }
}
