package io.nexaflow.deploy;

import io.nexaflow.config.NexaflowConfig;
import io.quarkus.runtime.annotations.ConfigPhase;
import io.quarkus.runtime.annotations.ConfigRoot;
import io.smallrye.config.ConfigMapping;
import io.smallrye.config.ConfigMappings;
import io.smallrye.config.EnvConfigSource;

import java.io.IOException;
import java.io.InputStream;
import java.io.Reader;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Enumeration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * What the application reads, asked of SmallRye Config rather than guessed: the run-time property names of every
 * {@code @ConfigMapping} (nexaflow's own and the Quarkus extensions' config roots on the classpath), matched
 * against environment variable names by SmallRye's own environment source; plus .env.sample and
 * application.properties as files.
 */
public final class AppConfig {

    public static final Path APPLICATION_PROPERTIES = Path.of("src/main/resources/application.properties");
    public static final Path ENV_SAMPLE = Path.of(".env.sample");

    /** ${NAME} or ${NAME:default} in application.properties: an environment variable read by name. */
    private static final Pattern ENV_EXPRESSION = Pattern.compile("\\$\\{([A-Z][A-Z0-9_]*)(?::[^}]*)?}");
    private static final Pattern ENV_LINE = Pattern.compile("^([A-Za-z_][A-Za-z0-9_]*)=(.*)$");

    private static Set<String> runtimeProperties;

    private AppConfig() {
    }

    /** application.properties as written, profile prefixes (%prod.) kept. */
    public static Properties applicationProperties() {
        Properties properties = new Properties();
        try (Reader reader = Files.newBufferedReader(APPLICATION_PROPERTIES, StandardCharsets.UTF_8)) {
            properties.load(reader);
        } catch (IOException e) {
            throw new AssertionError(e);
        }
        return properties;
    }

    /** The value in the prod profile: %prod.name, else name; empty when the file sets neither. */
    public static Optional<String> prodProperty(String name) {
        Properties properties = applicationProperties();
        return Optional.ofNullable(properties.getProperty("%prod." + name, properties.getProperty(name)));
    }

    /** Quarkus's duration syntax: a number of seconds, a number with ms, s, m or h, or ISO-8601. */
    public static Duration duration(String value) {
        String v = value.strip();
        if (v.matches("\\d+")) {
            return Duration.ofSeconds(Long.parseLong(v));
        }
        if (v.matches("\\d+ms")) {
            return Duration.ofMillis(Long.parseLong(v.substring(0, v.length() - 2)));
        }
        if (v.matches("\\d+[smh]")) {
            return Duration.parse("PT" + v.toUpperCase(Locale.ROOT));
        }
        return Duration.parse(v);
    }

    /** .env.sample's variables in file order, with their sample values. */
    public static Map<String, String> envSample() {
        Map<String, String> variables = new LinkedHashMap<>();
        try (Stream<String> lines = Files.lines(ENV_SAMPLE, StandardCharsets.UTF_8)) {
            lines.map(String::strip).filter(l -> !l.isEmpty() && !l.startsWith("#")).forEach(line -> {
                Matcher m = ENV_LINE.matcher(line);
                if (!m.matches()) {
                    throw new AssertionError(".env.sample: not a VAR=value line: " + line);
                }
                variables.put(m.group(1), m.group(2));
            });
        } catch (IOException e) {
            throw new AssertionError(e);
        }
        return variables;
    }

    /** Environment variables application.properties reads by name, through ${NAME} expressions. */
    public static Set<String> envExpressions() {
        Set<String> names = new TreeSet<>();
        applicationProperties().values().forEach(v -> {
            Matcher m = ENV_EXPRESSION.matcher(v.toString());
            while (m.find()) {
                names.add(m.group(1));
            }
        });
        return names;
    }

    /**
     * The run-time property an environment variable sets, as SmallRye Config would map it, or empty when the
     * application has no such property (or only a build-time one, which an environment variable at run time cannot
     * change).
     */
    public static Optional<String> runtimePropertyOf(String envName) {
        EnvConfigSource env = new EnvConfigSource(Map.of(envName, "set"), 300);
        return runtimeProperties().stream().filter(p -> env.getValue(p) != null).findFirst();
    }

    /** Every run-time property name (map keys appear as *), from the @ConfigMapping interfaces themselves. */
    public static synchronized Set<String> runtimeProperties() {
        if (runtimeProperties == null) {
            Set<String> names = new TreeSet<>();
            for (Class<?> root : runtimeRoots()) {
                String prefix = root.getAnnotation(ConfigMapping.class).prefix();
                names.addAll(ConfigMappings.getProperties(ConfigMappings.ConfigClass.configClass(root, prefix)).keySet());
            }
            runtimeProperties = names;
        }
        return runtimeProperties;
    }

    /** nexaflow's mappings (compiled classes with @ConfigMapping) and the Quarkus config roots read at run time. */
    private static List<Class<?>> runtimeRoots() {
        List<Class<?>> roots = new ArrayList<>(applicationMappings());
        ClassLoader loader = AppConfig.class.getClassLoader();
        try {
            Enumeration<URL> lists = loader.getResources("META-INF/quarkus-config-roots.list");
            while (lists.hasMoreElements()) {
                try (InputStream in = lists.nextElement().openStream()) {
                    for (String name : new String(in.readAllBytes(), StandardCharsets.UTF_8).split("\\R")) {
                        Class<?> root = load(name.strip(), loader);
                        ConfigRoot phase = root == null ? null : root.getAnnotation(ConfigRoot.class);
                        if (phase != null && phase.phase() == ConfigPhase.RUN_TIME
                                && root.isAnnotationPresent(ConfigMapping.class)) {
                            roots.add(root);
                        }
                    }
                }
            }
        } catch (IOException e) {
            throw new AssertionError(e);
        }
        return roots;
    }

    private static List<Class<?>> applicationMappings() {
        try {
            Path classes = Path.of(NexaflowConfig.class.getProtectionDomain().getCodeSource().getLocation().toURI());
            try (Stream<Path> files = Files.walk(classes)) {
                return files.filter(f -> f.toString().endsWith(".class"))
                        .map(f -> classes.relativize(f).toString().replace('/', '.').replaceAll("\\.class$", ""))
                        .map(name -> load(name, AppConfig.class.getClassLoader()))
                        .filter(c -> c != null && c.isInterface() && c.isAnnotationPresent(ConfigMapping.class))
                        .<Class<?>>map(c -> c).toList();
            }
        } catch (IOException | URISyntaxException e) {
            throw new AssertionError(e);
        }
    }

    private static Class<?> load(String name, ClassLoader loader) {
        if (name.isEmpty()) {
            return null;
        }
        try {
            return Class.forName(name, false, loader);
        } catch (ClassNotFoundException | LinkageError optionalDependencyMissing) {
            // A root whose extension is only partly on the test classpath: its properties count as unknown, which
            // can only make a check fail, never pass wrongly.
            return null;
        }
    }
}
