package io.nexaflow.flow;

import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsServer;
import io.nexaflow.flow.model.FlowDefinition;
import io.nexaflow.flow.model.Node;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import java.io.FileInputStream;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.time.Duration;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** Preflight against a real HTTPS server on loopback, with a certificate made for the test. */
class FlowChecksTest {

    private static HttpsServer server;
    private static SSLContext trust;
    private static String base;

    @BeforeAll
    static void start() throws Exception {
        Path dir = Files.createTempDirectory("preflight");
        Path keystore = dir.resolve("server.p12");
        Process keytool = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "keytool").toString(),
                "-genkeypair", "-alias", "server", "-keyalg", "RSA", "-keysize", "2048", "-validity", "2",
                "-dname", "CN=127.0.0.1", "-ext", "SAN=ip:127.0.0.1", "-storetype", "PKCS12",
                "-keystore", keystore.toString(), "-storepass", "changeit", "-keypass", "changeit")
                .redirectErrorStream(true).start();
        assertThat(keytool.waitFor()).isZero();
        KeyStore store = KeyStore.getInstance("PKCS12");
        try (FileInputStream in = new FileInputStream(keystore.toFile())) {
            store.load(in, "changeit".toCharArray());
        }
        KeyManagerFactory keys = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        keys.init(store, "changeit".toCharArray());
        SSLContext serverSsl = SSLContext.getInstance("TLS");
        serverSsl.init(keys.getKeyManagers(), null, null);
        TrustManagerFactory trusted = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        trusted.init(store);
        trust = SSLContext.getInstance("TLS");
        trust.init(null, trusted.getTrustManagers(), null);

        server = HttpsServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.setHttpsConfigurator(new HttpsConfigurator(serverSsl));
        Map<String, Object[]> answers = Map.of(
                "/ok.wav", new Object[] {206, "audio/wav"},
                "/page.wav", new Object[] {200, "text/html"},
                "/gone.wav", new Object[] {404, "audio/wav"});
        server.createContext("/", exchange -> {
            Object[] answer = answers.getOrDefault(exchange.getRequestURI().getPath(), new Object[] {404, "text/plain"});
            exchange.getResponseHeaders().add("Content-Type", (String) answer[1]);
            exchange.sendResponseHeaders((int) answer[0], 1);
            exchange.getResponseBody().write(0);
            exchange.close();
        });
        server.start();
        base = "https://127.0.0.1:" + server.getAddress().getPort();
    }

    @AfterAll
    static void stop() {
        server.stop(0);
    }

    @Test
    void everyAudioUrlIsFetchedAndJudged() {
        FlowChecks checks = new FlowChecks("https://ivr.example.com", Duration.ofSeconds(2), trust);
        FlowDefinition flow = new FlowDefinition("a", Map.of(
                "a", new Node.Play(base + "/ok.wav", "b"),
                "b", new Node.Gather(base + "/page.wav", 1, 10000, 5000, null, Map.of("1", "c"), null, null, null, 3,
                        null),
                "c", new Node.Play(base + "/gone.wav", "d"),
                "d", new Node.Play(base + "/ok.wav", null)));

        FlowChecks.Preflight preflight = checks.check(flow, 4);

        assertThat(preflight.ok()).isFalse();
        assertThat(preflight.publicUrlHttps()).isTrue();
        assertThat(preflight.audio()).extracting(FlowChecks.AudioCheck::url, FlowChecks.AudioCheck::ok,
                        FlowChecks.AudioCheck::status, FlowChecks.AudioCheck::problem)
                .containsExactly(
                        org.assertj.core.groups.Tuple.tuple(base + "/gone.wav", false, 404, "HTTP 404"),
                        org.assertj.core.groups.Tuple.tuple(base + "/ok.wav", true, 206, null),
                        org.assertj.core.groups.Tuple.tuple(base + "/page.wav", false, 200,
                                "not audio (Content-Type text/html)"));
    }

    @Test
    void allGoodIsOkAndAnUntrustedCertificateIsNot() {
        FlowDefinition flow = new FlowDefinition("a", Map.of("a", new Node.Play(base + "/ok.wav", null)));

        assertThat(new FlowChecks("https://ivr.example.com", Duration.ofSeconds(2), trust).check(flow, 1).ok()).isTrue();
        assertThat(new FlowChecks("http://ivr.example.com", Duration.ofSeconds(2), trust).check(flow, 1).ok()).isFalse();
        FlowChecks.Preflight untrusted = new FlowChecks("https://ivr.example.com", Duration.ofSeconds(2), null)
                .check(flow, 1);
        assertThat(untrusted.audio().get(0).problem()).startsWith("unreachable: SSL");
    }
}
