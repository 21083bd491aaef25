package io.nexaflow.db;

import io.smallrye.config.ConfigSourceContext;
import io.smallrye.config.ConfigSourceFactory;
import io.smallrye.config.ConfigValue;
import io.smallrye.config.PropertiesConfigSource;
import org.eclipse.microprofile.config.spi.ConfigSource;
import org.jboss.logging.Logger;

import java.io.File;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.StandardProtocolFamily;
import java.net.URI;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * Picks the database of dev mode and tests, in this order, and says which in one log line:
 * a configured QUARKUS_DATASOURCE_JDBC_URL; else Docker (Quarkus Dev Services starts PostgreSQL);
 * else an embedded PostgreSQL (zonky). It runs while Quarkus reads its build-time configuration, before
 * Dev Services decides, so supplying a URL here keeps Dev Services quiet. Prod never comes here.
 */
public class DatabaseChoice implements ConfigSourceFactory {

    private static final Logger LOG = Logger.getLogger(DatabaseChoice.class);
    private static final String URL = "quarkus.datasource.jdbc.url";
    /** Called several times per start, from several class loaders: the started database is remembered here. */
    private static final String STARTED = "nexaflow-db-choice.embedded-url";
    private static final String ANNOUNCED = "nexaflow-db-choice.announced";
    private static final int ORDINAL = 275; // just above application.properties (250)

    @Override
    public Iterable<ConfigSource> getConfigSources(ConfigSourceContext context) {
        List<String> profiles = context.getProfiles();
        if (!profiles.contains("dev") && !profiles.contains("test")) {
            return List.of();
        }
        ConfigValue configured = context.getValue(URL);
        if (configured != null && configured.getValue() != null && !configured.getValue().isBlank()) {
            announce("Database: the configured " + URL + " (" + redact(configured.getValue()) + ")");
            return List.of();
        }
        if (System.getProperty(STARTED) == null && dockerAnswers()) {
            announce("Database: Docker answers, so Quarkus Dev Services starts PostgreSQL in a container");
            return List.of();
        }
        String url = System.getProperty(STARTED);
        if (url == null) {
            url = Embedded.start();
            System.setProperty(STARTED, url);
            announce("Database: embedded PostgreSQL at " + url
                    + " (no QUARKUS_DATASOURCE_JDBC_URL, no Docker); it is gone when the process ends");
        }
        return List.of(new PropertiesConfigSource(Map.of(
                URL, url,
                "quarkus.datasource.username", "postgres",
                "quarkus.datasource.password", "postgres",
                "quarkus.datasource.devservices.enabled", "false"), "nexaflow-embedded-postgres", ORDINAL));
    }

    private static void announce(String line) {
        if (System.getProperty(ANNOUNCED) == null) {
            System.setProperty(ANNOUNCED, "true");
            LOG.info(line);
        }
    }

    private static String redact(String url) {
        return url.replaceAll("password=[^&]*", "password=***");
    }

    /** Cheap probe (Testcontainers' own check logs an ERROR when Docker is absent). */
    static boolean dockerAnswers() {
        String host = System.getenv("DOCKER_HOST");
        try {
            if (host != null && host.startsWith("tcp://")) {
                URI uri = URI.create(host);
                try (Socket socket = new Socket()) {
                    socket.connect(new InetSocketAddress(uri.getHost(), uri.getPort()), 500);
                    socket.setSoTimeout(1000);
                    return ping(socket.getInputStream(), socket.getOutputStream());
                }
            }
            List<Path> sockets = host != null && host.startsWith("unix://")
                    ? List.of(Path.of(host.substring("unix://".length())))
                    : List.of(Path.of("/var/run/docker.sock"),
                    Path.of(System.getProperty("user.home"), ".docker/run/docker.sock"),
                    Path.of("/run/user/" + uid() + "/docker.sock"));
            for (Path path : sockets) {
                if (Files.exists(path)) {
                    try (SocketChannel channel = SocketChannel.open(StandardProtocolFamily.UNIX)) {
                        channel.connect(UnixDomainSocketAddress.of(path));
                        channel.write(ByteBuffer.wrap(request()));
                        ByteBuffer answer = ByteBuffer.allocate(512);
                        channel.read(answer);
                        if (new String(answer.array(), 0, answer.position(), StandardCharsets.US_ASCII).contains(" 200 ")) {
                            return true;
                        }
                    }
                }
            }
        } catch (Exception e) {
            return false;
        }
        return false;
    }

    private static boolean ping(InputStream in, OutputStream out) throws java.io.IOException {
        out.write(request());
        out.flush();
        byte[] answer = in.readNBytes(12);
        return new String(answer, StandardCharsets.US_ASCII).contains(" 200");
    }

    private static byte[] request() {
        return "GET /_ping HTTP/1.0\r\nHost: docker\r\n\r\n".getBytes(StandardCharsets.US_ASCII);
    }

    private static String uid() {
        try {
            return String.valueOf(Files.getAttribute(Path.of(System.getProperty("user.home")), "unix:uid"));
        } catch (Exception e) {
            return "0";
        }
    }

    /** Kept apart so zonky's classes (provided scope, not in the packaged app) load only when used. */
    static final class Embedded {
        static String start() {
            try {
                var postgres = io.zonky.test.db.postgres.embedded.EmbeddedPostgres.builder()
                        .setOverrideWorkingDirectory(new File(System.getProperty("java.io.tmpdir"), "embedded-pg"))
                        .start();
                // zonky registers a shutdown hook that stops the server with the JVM.
                return postgres.getJdbcUrl("postgres", "postgres");
            } catch (java.io.IOException e) {
                throw new IllegalStateException("Could not start an embedded PostgreSQL: " + e.getMessage()
                        + ". Set QUARKUS_DATASOURCE_JDBC_URL to use a running PostgreSQL instead.", e);
            }
        }
    }
}
