package io.nexaflow.problem;

import com.fasterxml.jackson.databind.JsonNode;
import io.nexaflow.support.Api;
import io.nexaflow.support.Flows;
import io.quarkus.test.junit.QuarkusTest;
import org.eclipse.microprofile.config.ConfigProvider;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * 4xx answers that come from the transport rather than from a resource. Each is a problem document, except those
 * Vert.x sends before any nexaflow code runs; README's API section lists those, and these tests notice when a
 * Quarkus upgrade changes them.
 */
@QuarkusTest
class TransportLimitsTest {

    private static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

    @Test
    void aBodyOverTheLimitWithItsLengthIsAProblem413() throws Exception {
        HttpResponse<String> response = send(admin("/v1/flows").POST(HttpRequest.BodyPublishers.ofString(
                "{\"name\":\"" + "x".repeat(1_100_000) + "\"}")));

        assertThat(response.statusCode()).isEqualTo(413);
        assertThat(response.headers().firstValue("Content-Type")).hasValue("application/problem+json");
        assertThat(Flows.parse(response.body())).isEqualTo(Flows.parse("""
                {"type":"urn:nexaflow:problem:body-too-large","title":"Request body too large","status":413,
                 "detail":"The body is larger than the limit of 1048576 bytes"}"""));
    }

    @Test
    void aChunkedBodyOverTheLimitIsAnEmpty413FromQuarkus() throws Exception {
        byte[] body = ("{\"name\":\"" + "x".repeat(1_100_000) + "\"}").getBytes(StandardCharsets.UTF_8);
        // No Content-Length: the limit is only found while reading, after Quarkus has already answered.
        HttpResponse<String> response = send(admin("/v1/flows")
                .POST(HttpRequest.BodyPublishers.ofInputStream(() -> new ByteArrayInputStream(body))));

        assertThat(response.statusCode()).isEqualTo(413);
        assertThat(response.headers().firstValue("Content-Type")).isEmpty();
        assertThat(response.body()).isEmpty();
    }

    @Test
    void aRequestLineOverTheLimitIsVertxsEmpty414() throws Exception {
        for (String path : new String[] {"/v1/calls?to=", "/api/handle-dtmf?s="}) {
            HttpResponse<String> response = send(HttpRequest.newBuilder(uri(path + "9".repeat(5_000))).GET());

            assertThat(response.statusCode()).as(path).isEqualTo(414);
            assertThat(response.headers().firstValue("Content-Type")).as(path).isEmpty();
            assertThat(response.body()).as(path).isEmpty();
        }
    }

    @Test
    void headersOverTheLimitAreVertxsEmpty431() throws Exception {
        HttpResponse<String> response = send(admin("/v1/flows").header("X-Padding", "p".repeat(30_000)).GET());

        assertThat(response.statusCode()).isEqualTo(431);
        assertThat(response.headers().firstValue("Content-Type")).isEmpty();
        assertThat(response.body()).isEmpty();
    }

    @Test
    void theOther4xxOfTheTransportAreProblems() throws Exception {
        Map<String, HttpRequest.Builder> requests = Map.of(
                "404 /v1/nothing-here", admin("/v1/nothing-here").GET(),
                "405 /v1/flows", admin("/v1/flows").method("PATCH", HttpRequest.BodyPublishers.ofString("{}")),
                "415 /v1/flows", admin("/v1/flows").setHeader("Content-Type", "text/plain")
                        .POST(HttpRequest.BodyPublishers.ofString("name=x")),
                "406 /v1/flows", admin("/v1/flows").header("Accept", "image/png").GET(),
                "405 /api/handle-dtmf", HttpRequest.newBuilder(uri("/api/handle-dtmf")).GET());
        for (var entry : requests.entrySet()) {
            int status = Integer.parseInt(entry.getKey().substring(0, 3));
            String path = entry.getKey().substring(4);
            HttpResponse<String> response = send(entry.getValue());

            assertThat(response.statusCode()).as(entry.getKey()).isEqualTo(status);
            assertThat(response.headers().firstValue("Content-Type")).as(entry.getKey())
                    .hasValue("application/problem+json");
            JsonNode problem = Flows.parse(response.body());
            assertThat(problem.get("status").asInt()).as(entry.getKey()).isEqualTo(status);
            assertThat(problem.get("instance").asText()).as(entry.getKey()).isEqualTo(path);
        }
    }

    private static HttpRequest.Builder admin(String path) {
        return HttpRequest.newBuilder(uri(path)).header("Authorization", "Bearer " + Api.ADMIN_KEY)
                .header("Content-Type", "application/json");
    }

    private static HttpResponse<String> send(HttpRequest.Builder request) throws IOException, InterruptedException {
        return HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    private static URI uri(String path) {
        int port = ConfigProvider.getConfig().getValue("quarkus.http.test-port", Integer.class);
        return URI.create("http://127.0.0.1:" + port + path);
    }
}
