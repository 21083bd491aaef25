package io.nexaflow.request;

import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsParameters;
import com.sun.net.httpserver.HttpsServer;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.vertx.core.Vertx;
import io.vertx.core.net.PfxOptions;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SNIHostName;
import javax.net.ssl.SNIMatcher;
import javax.net.ssl.SNIServerName;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
import java.io.FileInputStream;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.KeyStore;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A real TLS server: nexaflow connects to the address it checked, yet names the host in SNI and verifies the
 * server's certificate against that name, so pinning the address costs nothing of TLS.
 */
class BusinessApiTlsTest {

    private static final String PASSWORD = "changeit";

    @TempDir
    static Path dir;

    private static HttpsServer server;
    private static Vertx vertx;
    private static BusinessApi api;
    private static final ConcurrentLinkedQueue<String> sni = new ConcurrentLinkedQueue<>();

    @BeforeAll
    static void start() throws Exception {
        // A self-signed certificate for business.test only, made with the JDK's keytool.
        Path keystore = dir.resolve("business.p12");
        Process keytool = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "keytool").toString(),
                "-genkeypair", "-alias", "business", "-keyalg", "EC", "-groupname", "secp256r1", "-validity", "2",
                "-dname", "CN=business.test", "-ext", "SAN=dns:business.test", "-storetype", "PKCS12",
                "-keystore", keystore.toString(), "-storepass", PASSWORD, "-keypass", PASSWORD)
                .redirectErrorStream(true).start();
        String output = new String(keytool.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(keytool.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(keytool.exitValue()).as(output).isZero();

        KeyStore store = KeyStore.getInstance("PKCS12");
        try (InputStream in = new FileInputStream(keystore.toFile())) {
            store.load(in, PASSWORD.toCharArray());
        }
        KeyManagerFactory keys = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        keys.init(store, PASSWORD.toCharArray());
        SSLContext tls = SSLContext.getInstance("TLS");
        tls.init(keys.getKeyManagers(), null, null);

        server = HttpsServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.setHttpsConfigurator(new HttpsConfigurator(tls) {
            @Override
            public void configure(HttpsParameters params) {
                SSLParameters ssl = tls.getDefaultSSLParameters();
                ssl.setSNIMatchers(List.of(new SNIMatcher(0) {
                    @Override
                    public boolean matches(SNIServerName name) {
                        sni.add(((SNIHostName) name).getAsciiName());
                        return true;
                    }
                }));
                params.setSSLParameters(ssl);
            }
        });
        server.createContext("/balance", exchange -> {
            byte[] body = "{\"balance\": 42}".getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().add("Content-Type", "application/json");
            exchange.sendResponseHeaders(200, body.length);
            exchange.getResponseBody().write(body);
            exchange.close();
        });
        server.start();

        vertx = Vertx.vertx();
        // Both names resolve to the loopback server; both are allowed to reach a private address.
        AddressResolver loopback = host -> CompletableFuture.completedFuture(List.of(InetAddress.getLoopbackAddress()));
        api = new BusinessApi(vertx, AddressPolicy.of(List.of("business.test", "impostor.test"), Optional.empty()),
                loopback, 100, 1.0, Duration.ofSeconds(1), new SimpleMeterRegistry(),
                new PfxOptions().setPath(keystore.toString()).setPassword(PASSWORD));
    }

    @AfterAll
    static void stop() throws Exception {
        api.close();
        vertx.close().toCompletionStage().toCompletableFuture().get(5, TimeUnit.SECONDS);
        server.stop(0);
    }

    private static RequestOutcome get(String host) throws Exception {
        URI url = URI.create("https://" + host + ":" + server.getAddress().getPort() + "/balance");
        return api.send(new OutboundRequest(OutboundRequest.Method.GET, url, Map.of(), null, Duration.ofSeconds(5)))
                .toCompletableFuture().get(10, TimeUnit.SECONDS);
    }

    @Test
    void theHostIsNamedInSniAndItsCertificateIsVerifiedWhileTheCheckedAddressIsConnectedTo() throws Exception {
        sni.clear();
        RequestOutcome outcome = get("business.test");
        assertThat(outcome).isInstanceOf(RequestOutcome.Answered.class);
        assertThat(((RequestOutcome.Answered) outcome).status()).isEqualTo(200);
        assertThat(((RequestOutcome.Answered) outcome).json().toString()).isEqualTo("{\"balance\":42}");
        assertThat(sni).containsOnly("business.test");
    }

    @Test
    void aCertificateForAnotherNameIsRefused() throws Exception {
        RequestOutcome outcome = get("impostor.test");
        assertThat(outcome).isInstanceOf(RequestOutcome.Failed.class);
        assertThat(((RequestOutcome.Failed) outcome).reason()).isEqualTo(RequestOutcome.Reason.CONNECT_FAILED);
    }
}
