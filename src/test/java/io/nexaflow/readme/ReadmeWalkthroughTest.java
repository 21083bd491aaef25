package io.nexaflow.readme;

import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import org.assertj.core.api.SoftAssertions;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.File;
import java.io.IOException;
import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

/**
 * Runs the README's walkthrough as written, the way it tells a newcomer to (its blocks in order, in one
 * {@code bash -eo pipefail}), twice in a row because a second run must work too, and checks that every block
 * prints what the README shows under it. The test application stands in for dev mode.
 */
@QuarkusTest
@TestProfile(ReadmeWalkthroughTest.DevMode.class)
class ReadmeWalkthroughTest {

    private static final String MARK = "@@readme-block@@";
    private static final long RUN_TIMEOUT_SECONDS = 180;

    /** What the walkthrough assumes of dev mode: its admin key, and simulated waits that a poll a second sees. */
    public static class DevMode implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("nexaflow.admin-api-key", "dev-admin-key",
                    "nexaflow.sandbox.time-factor", "0.1");
        }
    }

    @TestHTTPResource("/")
    URL app;

    @Test
    void theWalkthroughRunsTwiceInARowAndPrintsWhatTheReadmeShows(@TempDir Path dir) throws Exception {
        requireTools("curl", "jq");
        Walkthrough walkthrough = Walkthrough.of(Files.readString(Path.of("README.md")));
        assertThat(walkthrough.blocks()).as("bash blocks of the walkthrough").hasSizeGreaterThan(5);
        StringBuilder script = new StringBuilder();
        for (Walkthrough.Block block : walkthrough.blocks()) {
            script.append("printf '\\n%s\\n' '").append(MARK).append("'\n").append(block.code()).append('\n');
        }
        Files.writeString(dir.resolve("walkthrough.sh"), script);

        for (int run = 1; run <= 2; run++) {
            List<List<String>> printed = run(dir, run, walkthrough.blocks());
            SoftAssertions output = new SoftAssertions();
            for (int i = 0; i < walkthrough.blocks().size(); i++) {
                Walkthrough.Block block = walkthrough.blocks().get(i);
                output.assertThat(Walkthrough.matches(block.shown(), printed.get(i)))
                        .as("run %d: the block at README line %d printed%n%s%nbut the README shows%n%s%n", run,
                                block.line(), String.join("\n", printed.get(i)), String.join("\n", block.shown()))
                        .isTrue();
            }
            output.assertAll();
        }
    }

    /** CI installs what the walkthrough runs (.ci/run); a machine with only a JDK skips it and says why. */
    private static void requireTools(String... tools) {
        for (String tool : tools) {
            boolean found = Arrays.stream(System.getenv().getOrDefault("PATH", "").split(File.pathSeparator))
                    .anyMatch(dir -> Files.isExecutable(Path.of(dir, tool)));
            if (!found && "true".equals(System.getenv("CI"))) {
                fail("the README walkthrough runs '" + tool + "', which is not on the PATH (.ci/run installs it)");
            }
            Assumptions.assumeTrue(found, "skipped: the README walkthrough runs '" + tool
                    + "', which is not installed here (apt-get install " + tool + ")");
        }
    }

    /** One run of the whole walkthrough in a new shell; what each block printed. */
    private List<List<String>> run(Path dir, int run, List<Walkthrough.Block> blocks)
            throws IOException, InterruptedException {
        Path out = dir.resolve("run-" + run + ".out");
        Path err = dir.resolve("run-" + run + ".err");
        ProcessBuilder bash = new ProcessBuilder("bash", "-e", "-o", "pipefail", "walkthrough.sh")
                .directory(dir.toFile()).redirectOutput(out.toFile()).redirectError(err.toFile())
                .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")));
        bash.environment().put("NEXAFLOW_URL", app.toString().replaceAll("/$", ""));
        Process process = bash.start();
        boolean ended = process.waitFor(RUN_TIMEOUT_SECONDS, TimeUnit.SECONDS);
        if (!ended) {
            process.destroyForcibly().waitFor();
        }
        String printed = Files.readString(out);
        // Kept for whoever updates the README: what the walkthrough really printed.
        Files.copy(out, Path.of("target", "readme-walkthrough-run-" + run + ".out"),
                StandardCopyOption.REPLACE_EXISTING);
        String[] sections = printed.split("\n" + MARK + "\n", -1);
        int reached = blocks.get(Math.max(0, sections.length - 2)).line();
        if (!ended) {
            fail("run %d of the walkthrough did not end in %d s, in the block at README line %d; it printed%n%s%n%s",
                    run, RUN_TIMEOUT_SECONDS, reached, printed, Files.readString(err));
        }
        assertThat(process.exitValue()).as("run %d of the walkthrough failed in the block at README line %d; "
                + "it printed%n%s%n%s", run, reached, printed, Files.readString(err)).isZero();
        List<List<String>> byBlock = new ArrayList<>();
        for (int i = 1; i < sections.length; i++) { // sections[0]: before the first block, nothing
            byBlock.add(withoutTrailingBlankLines(sections[i]));
        }
        assertThat(byBlock).as("blocks that ran").hasSize(blocks.size());
        return byBlock;
    }

    private static List<String> withoutTrailingBlankLines(String text) {
        List<String> lines = new ArrayList<>(Arrays.asList(text.split("\n", -1)));
        while (!lines.isEmpty() && lines.get(lines.size() - 1).isBlank()) {
            lines.remove(lines.size() - 1);
        }
        return lines;
    }
}
