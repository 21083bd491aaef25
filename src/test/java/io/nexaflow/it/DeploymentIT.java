package io.nexaflow.it;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.Probe;
import io.fabric8.kubernetes.api.model.Quantity;
import io.nexaflow.deploy.AppConfig;
import io.nexaflow.deploy.Dockerfile;
import io.nexaflow.deploy.Environment;
import io.nexaflow.deploy.Manifests;
import io.nexaflow.support.TestDatabase;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

import java.io.IOException;
import java.math.BigDecimal;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The packaged jar started the way the prod overlay runs it: the image's JVM flags and exactly the environment
 * the rendered Deployment sets (placeholders for the secrets, the test database for the database). Then the
 * manifest's probe paths are asked of it, and it is stopped with SIGTERM as the kubelet stops it.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class DeploymentIT {

    private static final HttpClient HTTP = HttpClient.newHttpClient();

    private static Manifests prod;
    private static PackagedApp app;
    private static String retentionRole;
    private static boolean createdRetentionRole;

    @BeforeAll
    static void start() throws Exception {
        prod = Manifests.of("overlays/prod");
        Environment env = Environment.of(prod);
        Map<String, String> variables = new HashMap<>();
        for (String name : env.names()) {
            env.literal(name).ifPresent(value -> variables.put(name, value));
        }
        // The database is the test's; the rest is the manifest's own values.
        variables.put("QUARKUS_DATASOURCE_JDBC_URL", TestDatabase.url());
        variables.put("QUARKUS_DATASOURCE_USERNAME", TestDatabase.username());
        variables.put("QUARKUS_DATASOURCE_PASSWORD", TestDatabase.password());
        // The overlay names a retention role that migrations grant to; the test's cluster gets it for this test.
        retentionRole = variables.get("NEXAFLOW_RETENTION_ROLE");
        createdRetentionRole = retentionRole != null && createRoleIfMissing(retentionRole);
        app = PackagedApp.start(Dockerfile.jvm().jvmOptions(), variables);
        Duration ready = app.awaitReady(Duration.ofSeconds(180));
        System.out.println("packaged jar with the image's JVM flags and the prod environment ready in " + ready.toMillis() + " ms");
    }

    @AfterAll
    static void stop() throws Exception {
        if (app != null) {
            app.close();
        }
        if (createdRetentionRole) {
            try (Connection db = connect(); Statement sql = db.createStatement()) {
                sql.execute("DROP OWNED BY " + quoted(retentionRole));
                sql.execute("DROP ROLE " + quoted(retentionRole));
            }
        }
    }

    /** Creates {@code role} (no login) unless the cluster has it; true when this test created it. */
    private static boolean createRoleIfMissing(String role) throws Exception {
        try (Connection db = connect(); Statement sql = db.createStatement()) {
            try (ResultSet found = sql.executeQuery("SELECT 1 FROM pg_roles WHERE rolname = '"
                    + role.replace("'", "''") + "'")) {
                if (found.next()) {
                    return false;
                }
            }
            sql.execute("CREATE ROLE " + quoted(role) + " NOLOGIN");
            return true;
        }
    }

    private static Connection connect() throws Exception {
        return DriverManager.getConnection(TestDatabase.url(), TestDatabase.username(), TestDatabase.password());
    }

    private static String quoted(String identifier) {
        return '"' + identifier.replace("\"", "\"\"") + '"';
    }

    @Test
    @Order(1)
    void theManifestsProbePathsAnswerUp() throws Exception {
        Container container = prod.appContainer();
        for (Probe probe : new Probe[] {container.getStartupProbe(), container.getReadinessProbe(), container.getLivenessProbe()}) {
            HttpResponse<String> answer = get(probe.getHttpGet().getPath());
            assertThat(answer.statusCode()).as(probe.getHttpGet().getPath()).isEqualTo(200);
            assertThat(answer.body()).as(probe.getHttpGet().getPath()).contains("\"UP\"");
        }
        // The port the probes name is the container port, which is quarkus.http.port (8080); this process listens
        // on a free port instead so that it cannot collide with a developer's running service.
        assertThat(container.getPorts().get(0).getContainerPort())
                .isEqualTo(Integer.parseInt(AppConfig.prodProperty("quarkus.http.port").orElseThrow()));
        assertThat(get(container.getReadinessProbe().getHttpGet().getPath()).body())
                .as("quarkus.shutdown.delay-enabled is in the jar").contains("Graceful Shutdown");
    }

    @Test
    @Order(2)
    void theEnvironmentIsAcceptedWithoutConfigurationWarnings() throws Exception {
        assertThat(app.output()).doesNotContain("Unrecognized configuration key").doesNotContain("SRCFG")
                .doesNotContain("\"level\":\"ERROR\"");
    }

    @Test
    @Order(3)
    void idleRssFitsTheMemoryRequest() throws Exception {
        Path status = Path.of("/proc", String.valueOf(app.pid()), "status");
        org.junit.jupiter.api.Assumptions.assumeTrue(Files.exists(status), "no /proc: RSS not measured on this OS");
        Thread.sleep(3000);
        long rssKib = Files.readAllLines(status).stream().filter(l -> l.startsWith("VmRSS:"))
                .map(l -> Long.parseLong(l.replaceAll("\\D", ""))).findFirst().orElseThrow();
        Quantity request = prod.appContainer().getResources().getRequests().get("memory");
        long requestKib = Quantity.getAmountInBytes(request).divide(BigDecimal.valueOf(1024)).longValue();
        System.out.println("idle RSS with the image's JVM flags: " + rssKib / 1024 + " MiB (memory request " + request + ")");
        assertThat(rssKib).isLessThan(requestKib);
    }

    @Test
    @Order(4)
    void onSigtermReadinessGoesDownWhileRequestsAreStillServedThenTheJvmExits() throws Exception {
        Container container = prod.appContainer();
        Duration delay = AppConfig.duration(Environment.of(prod).literal("QUARKUS_SHUTDOWN_DELAY").orElseThrow());
        long signalled = System.nanoTime();
        app.terminate();

        HttpResponse<String> readiness = awaitStatus(container.getReadinessProbe().getHttpGet().getPath(), 503, Duration.ofSeconds(3));
        assertThat(readiness.body()).contains("Graceful Shutdown").contains("\"DOWN\"");
        assertThat(get(container.getLivenessProbe().getHttpGet().getPath()).statusCode())
                .as("still serving during the shutdown delay").isEqualTo(200);
        assertThat(get("/q/openapi").statusCode()).isEqualTo(200);

        app.awaitExit(Duration.ofSeconds(60));
        Duration stoppedAfter = Duration.ofNanos(System.nanoTime() - signalled);
        System.out.println("stopped " + stoppedAfter.toMillis() + " ms after SIGTERM (QUARKUS_SHUTDOWN_DELAY " + delay + ")");
        assertThat(stoppedAfter).as("the delay from the ConfigMap was applied").isGreaterThanOrEqualTo(delay.minusMillis(500));
        assertThat(app.output()).contains("stopped in");
    }

    private static HttpResponse<String> awaitStatus(String path, int status, Duration limit) throws Exception {
        long until = System.nanoTime() + limit.toNanos();
        HttpResponse<String> answer = get(path);
        while (answer.statusCode() != status && System.nanoTime() < until) {
            Thread.sleep(50);
            answer = get(path);
        }
        assertThat(answer.statusCode()).as("%s after SIGTERM", path).isEqualTo(status);
        return answer;
    }

    private static HttpResponse<String> get(String path) throws IOException, InterruptedException {
        return HTTP.send(HttpRequest.newBuilder(app.url(path)).timeout(Duration.ofSeconds(5)).build(),
                HttpResponse.BodyHandlers.ofString());
    }
}
