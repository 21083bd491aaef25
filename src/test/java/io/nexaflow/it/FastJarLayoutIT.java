package io.nexaflow.it;

import io.nexaflow.deploy.Dockerfile;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/** The Dockerfile's COPY lines take everything the packaged application consists of, and nothing that is not there. */
class FastJarLayoutIT {

    /** Written next to the application by the build, not read by it. */
    private static final Set<String> NOT_NEEDED_AT_RUN_TIME = Set.of("quarkus-app-dependencies.txt");

    @Test
    void theImageCopiesEveryPartOfTheFastJar() throws Exception {
        Path app = Path.of(System.getProperty("nexaflow.app.dir", "target/quarkus-app"));
        assertThat(app.resolve("quarkus-run.jar")).as("the package phase ran").exists();
        Set<String> packaged;
        try (Stream<Path> entries = Files.list(app)) {
            packaged = entries.map(p -> "target/quarkus-app/" + p.getFileName() + (Files.isDirectory(p) ? "/" : ""))
                    .filter(p -> !NOT_NEEDED_AT_RUN_TIME.contains(Path.of(p).getFileName().toString()))
                    .collect(Collectors.toSet());
        }
        List<String> copied = Dockerfile.jvm().copies().stream().map(c -> c.get(0)).toList();
        assertThat(copied).containsExactlyInAnyOrderElementsOf(packaged);
    }
}
