package io.nexaflow.request;

import io.nexaflow.request.OutboundRequest.Masked;
import io.nexaflow.request.OutboundRequest.Method;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class OutboundRequestTest {

    private static OutboundRequest request() {
        Map<String, String> headers = new LinkedHashMap<>();
        headers.put("Authorization", "Bearer tok-777");
        headers.put("X-Tenant", "acme-s3cr3t-tenant");
        headers.put("Accept-Language", "en");
        return new OutboundRequest(Method.POST,
                URI.create("https://api.example.com/accounts/123456/pay?pin=4321&note=a%20b%2Fc"), headers,
                "{\"pin\":\"4321\"}".getBytes(StandardCharsets.UTF_8), Duration.ofMillis(1500));
    }

    @Test
    void maskedReplacesEverySensitiveValueAndCredentialHeaders() {
        Masked masked = request().masked(List.of("4321", "123456", "s3cr3t", "a b/c", ""));
        assertThat(masked).isEqualTo(new Masked(Method.POST, "https://api.example.com/accounts/***/pay?pin=***&note=***",
                Map.of("Authorization", "***", "X-Tenant", "acme-***-tenant", "Accept-Language", "en")));
        assertThat(List.copyOf(masked.headers().keySet())).containsExactly("Authorization", "X-Tenant", "Accept-Language");
    }

    @Test
    void toStringShowsNeitherPathNorHeadersNorBody() {
        assertThat(request().toString()).isEqualTo("OutboundRequest[POST https://api.example.com, 3 headers, timeout 1500ms]");
    }

    @Test
    void theBodyIsCopiedInAndOut() {
        byte[] body = "{}".getBytes(StandardCharsets.UTF_8);
        OutboundRequest request = new OutboundRequest(Method.PUT, URI.create("https://a.example.com/"), Map.of(), body,
                Duration.ofSeconds(1));
        body[0] = 'x';
        request.body()[1] = 'y';
        assertThat(new String(request.body(), StandardCharsets.UTF_8)).isEqualTo("{}");
        assertThat(request).isEqualTo(new OutboundRequest(Method.PUT, URI.create("https://a.example.com/"), Map.of(),
                "{}".getBytes(StandardCharsets.UTF_8), Duration.ofSeconds(1)));
    }

    @Test
    void aTimeoutMustBePositive() {
        assertThatThrownBy(() -> OutboundRequest.get(URI.create("https://a.example.com/"), Duration.ZERO))
                .isInstanceOf(IllegalArgumentException.class).hasMessage("timeout must be positive");
    }
}
