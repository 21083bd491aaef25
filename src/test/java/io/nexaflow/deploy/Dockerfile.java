package io.nexaflow.deploy;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/** src/main/docker/Dockerfile.jvm read as instructions (there is no Docker engine to build it here). */
public final class Dockerfile {

    public static final Path JVM = Path.of("src/main/docker/Dockerfile.jvm");

    /** JVM options that only the image's JDK (25+) and its own cache can use; the build's JDK 17 refuses them. */
    private static final List<String> AOT_CACHE_OPTIONS = List.of("-XX:AOTCache=", "-XX:AOTMode=");

    /** One instruction: keyword (upper case) and its arguments, continuation lines joined. */
    public record Instruction(String keyword, String arguments) {
    }

    /** One stage: its FROM image (ARG defaults substituted), its name (FROM ... AS name; null if none), its instructions. */
    public record Stage(String image, String name, List<Instruction> instructions) {

        public List<String> all(String keyword) {
            return instructions.stream().filter(i -> i.keyword().equals(keyword)).map(Instruction::arguments).toList();
        }

        /** COPY instructions as their words: [--flags..., source, destination]. */
        public List<List<String>> copies() {
            return all("COPY").stream().map(a -> List.of(a.split("\\s+"))).toList();
        }
    }

    public final List<Instruction> instructions;

    private Dockerfile(List<Instruction> instructions) {
        this.instructions = instructions;
    }

    public static Dockerfile jvm() {
        try {
            return parse(Files.readString(JVM, StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new AssertionError(JVM + " is missing", e);
        }
    }

    static Dockerfile parse(String text) {
        List<Instruction> instructions = new ArrayList<>();
        StringBuilder current = new StringBuilder();
        for (String line : text.split("\\R")) {
            String stripped = line.strip();
            if (current.isEmpty() && (stripped.isEmpty() || stripped.startsWith("#"))) {
                continue;
            }
            if (stripped.endsWith("\\")) {
                current.append(stripped, 0, stripped.length() - 1).append(' ');
                continue;
            }
            current.append(stripped);
            String[] parts = current.toString().strip().split("\\s+", 2);
            instructions.add(new Instruction(parts[0].toUpperCase(Locale.ROOT), parts.length > 1 ? parts[1] : ""));
            current.setLength(0);
        }
        return new Dockerfile(List.copyOf(instructions));
    }

    public List<String> all(String keyword) {
        return instructions.stream().filter(i -> i.keyword().equals(keyword)).map(Instruction::arguments).toList();
    }

    /** The last one wins in a Dockerfile. */
    public Optional<String> last(String keyword) {
        List<String> all = all(keyword);
        return all.isEmpty() ? Optional.empty() : Optional.of(all.get(all.size() - 1));
    }

    /** The base image of the final stage, with ARG defaults substituted. */
    public String baseImage() {
        return substituteArgs(last("FROM").orElseThrow(() -> new AssertionError("no FROM")).split("\\s+")[0]);
    }

    private String substituteArgs(String from) {
        for (String arg : all("ARG")) {
            String[] nameAndDefault = arg.split("=", 2);
            if (nameAndDefault.length == 2) {
                from = from.replace("${" + nameAndDefault[0] + "}", nameAndDefault[1])
                        .replace("$" + nameAndDefault[0], nameAndDefault[1]);
            }
        }
        return from;
    }

    /** The stages in file order (instructions before the first FROM, such as global ARGs, belong to none). */
    public List<Stage> stages() {
        List<Stage> stages = new ArrayList<>();
        String image = null;
        String name = null;
        List<Instruction> current = null;
        for (Instruction instruction : instructions) {
            if (instruction.keyword().equals("FROM")) {
                if (current != null) {
                    stages.add(new Stage(image, name, List.copyOf(current)));
                }
                String[] words = instruction.arguments().split("\\s+");
                image = substituteArgs(words[0]);
                name = words.length == 3 && words[1].equalsIgnoreCase("AS") ? words[2] : null;
                current = new ArrayList<>();
            } else if (current != null) {
                current.add(instruction);
            }
        }
        if (current != null) {
            stages.add(new Stage(image, name, List.copyOf(current)));
        }
        return stages;
    }

    /** The stage the image is made of: the last one. */
    public Stage finalStage() {
        List<Stage> stages = stages();
        if (stages.isEmpty()) {
            throw new AssertionError("no FROM");
        }
        return stages.get(stages.size() - 1);
    }

    public Stage stage(String name) {
        return stages().stream().filter(s -> name.equals(s.name())).findFirst()
                .orElseThrow(() -> new AssertionError("no stage named " + name + " (FROM ... AS " + name + ")"));
    }

    /** The --flags of a RUN (such as --mount=...), before its command. */
    public static List<String> flags(String arguments) {
        List<String> flags = new ArrayList<>();
        for (String word : arguments.strip().split("\\s+")) {
            if (!word.startsWith("--")) {
                break;
            }
            flags.add(word);
        }
        return flags;
    }

    /** A RUN, CMD or ENTRYPOINT in exec form (a JSON array, after any --flags), as its words. */
    public static List<String> execForm(String arguments) {
        String command = arguments.strip();
        for (String flag : flags(arguments)) {
            command = command.substring(flag.length()).strip();
        }
        try {
            return new ObjectMapper().readValue(command, new TypeReference<List<String>>() {
            });
        } catch (IOException notExecForm) {
            throw new AssertionError("not in exec form (a JSON array): " + arguments);
        }
    }

    /** ENTRYPOINT in exec form (a JSON array), which is the only form that makes java PID 1. */
    public List<String> entrypoint() {
        String entrypoint = last("ENTRYPOINT").orElseThrow(() -> new AssertionError("no ENTRYPOINT"));
        try {
            return execForm(entrypoint);
        } catch (AssertionError notExecForm) {
            throw new AssertionError("ENTRYPOINT is not in exec form (a JSON array): " + entrypoint);
        }
    }

    /** Every JVM option of the ENTRYPOINT: everything between "java" and "-jar". */
    public List<String> allJvmOptions() {
        List<String> command = entrypoint();
        int jar = command.indexOf("-jar");
        if (command.isEmpty() || !command.get(0).endsWith("java") || jar < 0) {
            throw new AssertionError("ENTRYPOINT does not run java ... -jar: " + command);
        }
        return command.subList(1, jar);
    }

    /**
     * The JVM options of the ENTRYPOINT that any JDK 17+ runs the packaged jar with: all of them but the AOT cache's
     * (-XX:AOTCache needs JDK 24+, and the cache only fits the image's JDK build, which made it). What tests that start
     * target/quarkus-app "with the image's flags" pass to the build's JDK.
     */
    public List<String> jvmOptions() {
        return allJvmOptions().stream().filter(o -> AOT_CACHE_OPTIONS.stream().noneMatch(o::startsWith)).toList();
    }

    /** The -XX:AOTCache file of the ENTRYPOINT, if any. */
    public Optional<String> aotCache() {
        return allJvmOptions().stream().filter(o -> o.startsWith("-XX:AOTCache=")).findFirst()
                .map(o -> o.substring("-XX:AOTCache=".length()));
    }

    /**
     * What the build takes from the build context: the COPY instructions of every stage without --from, as
     * [source, destination] (no flags such as --chown expected). Copies from another stage are in {@link Stage#copies()}.
     */
    public List<List<String>> copies() {
        return all("COPY").stream().map(a -> List.of(a.split("\\s+"))).filter(c -> !c.get(0).startsWith("--from=")).toList();
    }
}
