package io.nexaflow.it;

import io.nexaflow.support.TestDatabase;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/** The packaged application (target/quarkus-app), started as a real process in the prod profile. */
final class PackagedApp implements AutoCloseable {

    private final Process process;
    private final Path output;
    final int port;

    private PackagedApp(Process process, Path output, int port) {
        this.process = process;
        this.output = output;
        this.port = port;
    }

    static PackagedApp start(Map<String, String> env) throws IOException {
        return start(List.of("-XX:+UseSerialGC", "-Xmx128m"), env);
    }

    /** Starts the jar with these JVM options (e.g. the container image's) instead of the default ones. */
    static PackagedApp start(List<String> jvmOptions, Map<String, String> env) throws IOException {
        Path app = Path.of(System.getProperty("nexaflow.app.dir", "target/quarkus-app"), "quarkus-run.jar");
        if (!Files.exists(app)) {
            throw new IllegalStateException(app + " is missing: run the package phase first (./mvnw verify)");
        }
        int port = freePort();
        Path output = Files.createTempFile("nexaflow-it", ".log");
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.addAll(jvmOptions);
        command.addAll(List.of("-jar", app.toString()));
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true)
                .redirectOutput(output.toFile());
        Map<String, String> environment = builder.environment();
        // Only what the test names: nothing leaks in from the developer's shell.
        environment.keySet().removeIf(k -> k.startsWith("QUARKUS_") || k.startsWith("NEXAFLOW_") || k.startsWith("NEXAFONE_"));
        environment.put("QUARKUS_HTTP_HOST", "127.0.0.1");
        environment.put("QUARKUS_HTTP_PORT", String.valueOf(port));
        environment.putAll(env);
        return new PackagedApp(builder.start(), output, port);
    }

    /** Waits until the readiness check answers 200; returns the time it took. */
    Duration awaitReady(Duration limit) throws Exception {
        long started = System.nanoTime();
        HttpClient http = HttpClient.newHttpClient();
        while (System.nanoTime() - started < limit.toNanos()) {
            if (!process.isAlive()) {
                throw new IllegalStateException("the application exited with " + process.exitValue() + ":\n" + output());
            }
            try {
                var answer = http.send(HttpRequest.newBuilder(url("/q/health/ready")).build(),
                        HttpResponse.BodyHandlers.discarding());
                if (answer.statusCode() == 200) {
                    return Duration.ofNanos(System.nanoTime() - started);
                }
            } catch (IOException notYet) {
                // still starting
            }
            Thread.sleep(100);
        }
        throw new IllegalStateException("not ready within " + limit + ":\n" + output());
    }

    /** Waits for the process to exit by itself; returns its exit code. */
    int awaitExit(Duration limit) throws InterruptedException {
        if (!process.waitFor(limit.toMillis(), TimeUnit.MILLISECONDS)) {
            throw new IllegalStateException("still running after " + limit);
        }
        return process.exitValue();
    }

    /** Sends SIGTERM, as the kubelet does, without waiting for the process to end. */
    void terminate() {
        process.destroy();
    }

    /** Sends SIGKILL (Process.destroyForcibly on Linux), as the kernel's OOM killer or a lost node would, and waits. */
    void kill() throws InterruptedException {
        process.destroyForcibly();
        process.waitFor(20, TimeUnit.SECONDS);
    }

    boolean isAlive() {
        return process.isAlive();
    }

    long pid() {
        return process.pid();
    }

    URI url(String path) {
        return URI.create("http://127.0.0.1:" + port + path);
    }

    String output() throws IOException {
        return Files.readString(output, StandardCharsets.UTF_8);
    }

    @Override
    public void close() throws Exception {
        process.destroy();
        if (!process.waitFor(20, TimeUnit.SECONDS)) {
            process.destroyForcibly();
        }
        Files.deleteIfExists(output);
    }

    /**
     * What every packaged service under test needs: its database (through {@code jdbcUrl}), its journal, the
     * webhook secret, the admin key and a Nexafone account at {@code nexafoneUrl}; callers add the rest with
     * {@code put}.
     */
    static Map<String, String> serviceEnv(String jdbcUrl, Path journal, String adminKey, String nexafoneUrl,
            String account) {
        return env(
                "QUARKUS_DATASOURCE_JDBC_URL", jdbcUrl,
                "QUARKUS_DATASOURCE_USERNAME", TestDatabase.username(),
                "QUARKUS_DATASOURCE_PASSWORD", TestDatabase.password(),
                "NEXAFLOW_JOURNAL_DIR", journal.toString(),
                "NEXAFLOW_WEBHOOK_SECRET", "it-webhook-secret",
                "NEXAFLOW_ADMIN_API_KEY", adminKey,
                "NEXAFONE_API_URL", nexafoneUrl,
                "NEXAFONE_ACCOUNT_ID", account,
                "NEXAFONE_API_KEY", "ak_it",
                "NEXAFONE_API_SECRET", "as_it");
    }

    static Map<String, String> env(String... pairs) {
        Map<String, String> env = new HashMap<>();
        for (int i = 0; i < pairs.length; i += 2) {
            env.put(pairs[i], pairs[i + 1]);
        }
        return env;
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }
}
