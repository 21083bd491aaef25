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

    /** One instruction: keyword (upper case) and its arguments, continuation lines joined. */
    public record Instruction(String keyword, String arguments) {
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
        String from = last("FROM").orElseThrow(() -> new AssertionError("no FROM")).split("\\s+")[0];
        for (String arg : all("ARG")) {
            String[] nameAndDefault = arg.split("=", 2);
            if (nameAndDefault.length == 2) {
                from = from.replace("${" + nameAndDefault[0] + "}", nameAndDefault[1])
                        .replace("$" + nameAndDefault[0], nameAndDefault[1]);
            }
        }
        return from;
    }

    /** ENTRYPOINT in exec form (a JSON array), which is the only form that makes java PID 1. */
    public List<String> entrypoint() {
        String entrypoint = last("ENTRYPOINT").orElseThrow(() -> new AssertionError("no ENTRYPOINT"));
        try {
            return new ObjectMapper().readValue(entrypoint, new TypeReference<List<String>>() {
            });
        } catch (IOException notExecForm) {
            throw new AssertionError("ENTRYPOINT is not in exec form (a JSON array): " + entrypoint);
        }
    }

    /** The JVM options of the ENTRYPOINT: everything between "java" and "-jar". */
    public List<String> jvmOptions() {
        List<String> command = entrypoint();
        int jar = command.indexOf("-jar");
        if (command.isEmpty() || !command.get(0).endsWith("java") || jar < 0) {
            throw new AssertionError("ENTRYPOINT does not run java ... -jar: " + command);
        }
        return command.subList(1, jar);
    }

    /** COPY instructions as [source, destination] (no flags such as --chown expected). */
    public List<List<String>> copies() {
        return all("COPY").stream().map(a -> List.of(a.split("\\s+"))).toList();
    }
}
