package io.nexaflow.readme;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** How the README's walkthrough is read, and that the README's test command is the one CI runs. */
class WalkthroughTest {

    @Test
    void readsEachBashBlockWithTheOutputShownUnderIt() {
        Walkthrough walkthrough = Walkthrough.of("""
                # x
                ```bash
                echo not in the walkthrough
                ```
                ## Walkthrough: a call
                ```bash
                A=1
                ```

                ```bash
                echo $A
                ```

                ```text
                1
                ```
                ```json
                {}
                ```
                ## The API
                ```bash
                echo not either
                ```
                """);

        assertThat(walkthrough.blocks()).containsExactly(
                new Walkthrough.Block(7, "A=1", List.of()),
                new Walkthrough.Block(11, "echo $A", List.of("1")));
    }

    @Test
    void shownOutputMatchesOnlyWhatWasPrinted() {
        List<String> shown = List.of("{\"id\":\"…\",\"status\":\"IN_PROGRESS\"}", "… (two steps)", "end");

        assertThat(Walkthrough.matches(shown, List.of("{\"id\":\"7bd4\",\"status\":\"IN_PROGRESS\"}", "a", "b", "end")))
                .isTrue();
        assertThat(Walkthrough.matches(shown, List.of("{\"id\":\"\",\"status\":\"IN_PROGRESS\"}", "end"))).isTrue();
        assertThat(Walkthrough.matches(shown, List.of("{\"id\":\"7bd4\",\"status\":\"QUEUED\"}", "end"))).isFalse();
        assertThat(Walkthrough.matches(shown, List.of("{\"id\":\"7bd4\",\"status\":\"IN_PROGRESS\"}"))).isFalse();
        assertThat(Walkthrough.matches(shown, List.of("{\"id\":\"7bd4\",\"status\":\"IN_PROGRESS\"}", "end", "more")))
                .isFalse();
        assertThat(Walkthrough.matches(List.of("a", "    … (indented)"), List.of("a", "    b"))).isTrue();
        assertThat(Walkthrough.matches(List.of("x.y"), List.of("xzy"))).as("only … is a wildcard").isFalse();
        assertThat(Walkthrough.matches(List.of(), List.of("printed"))).as("nothing shown, nothing printed").isFalse();
    }

    @Test
    void theReadmesTestCommandIsTheOneCiRuns() throws IOException {
        List<String> ci = Files.readAllLines(Path.of(".ci/run"));
        String command = ci.stream().filter(l -> l.startsWith("./mvnw")).reduce((a, b) -> b).orElseThrow();

        assertThat(command).isEqualTo("./mvnw verify");
        assertThat(Files.readString(Path.of("README.md"))).contains("| run the tests | `" + command + "` |");
    }
}
