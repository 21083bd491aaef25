package io.nexaflow.request;

import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.Collection;
import java.util.Collections;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * One request to a business's API, templates already filled in: method, URL, headers, an optional JSON body and
 * how long the whole exchange may take. It may carry secrets (header values), so its {@code toString} names only
 * the method and the host; use {@link #masked} for anything that is logged or audited.
 */
public record OutboundRequest(Method method, URI url, Map<String, String> headers, byte[] body, Duration timeout) {

    /** The methods an http node may use. */
    public enum Method { GET, POST, PUT, PATCH, DELETE }

    /** Headers whose whole value is a credential: masked even when the caller did not name the secret. */
    private static final Set<String> CREDENTIAL_HEADERS = Set.of("authorization", "proxy-authorization", "cookie",
            "x-api-key");

    static final String MASK = "***";

    public OutboundRequest {
        Objects.requireNonNull(method, "method");
        Objects.requireNonNull(url, "url");
        Objects.requireNonNull(timeout, "timeout");
        if (timeout.isNegative() || timeout.isZero()) {
            throw new IllegalArgumentException("timeout must be positive");
        }
        headers = Collections.unmodifiableMap(new LinkedHashMap<>(headers == null ? Map.of() : headers));
        body = body == null ? null : body.clone();
    }

    /** A GET without headers. */
    public static OutboundRequest get(URI url, Duration timeout) {
        return new OutboundRequest(Method.GET, url, Map.of(), null, timeout);
    }

    @Override
    public byte[] body() {
        return body == null ? null : body.clone();
    }

    /**
     * The URL and headers for an audit event or a log line: every occurrence of each given value (secrets, sensitive
     * digits; also in its URL-encoded form) becomes {@code ***}, and credential headers (Authorization, Cookie, ...)
     * are masked whole. The body is left out.
     */
    public Masked masked(Collection<String> sensitiveValues) {
        List<String> values = sensitiveValues.stream().filter(v -> v != null && !v.isEmpty()).distinct()
                .sorted(Comparator.comparingInt(String::length).reversed()).toList();
        Map<String, String> maskedHeaders = new LinkedHashMap<>();
        headers.forEach((name, value) -> maskedHeaders.put(name,
                CREDENTIAL_HEADERS.contains(name.toLowerCase(Locale.ROOT)) ? MASK : mask(value, values)));
        return new Masked(method, mask(url.toString(), values), Collections.unmodifiableMap(maskedHeaders));
    }

    private static String mask(String text, List<String> values) {
        String masked = text;
        for (String value : values) {
            masked = masked.replace(value, MASK);
            masked = masked.replace(URLEncoder.encode(value, StandardCharsets.UTF_8), MASK);
            masked = masked.replace(URLEncoder.encode(value, StandardCharsets.UTF_8).replace("+", "%20"), MASK);
        }
        return masked;
    }

    /** A request as it may be shown: no secret, no sensitive value, no body. */
    public record Masked(Method method, String url, Map<String, String> headers) {
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof OutboundRequest other && method == other.method && url.equals(other.url)
                && headers.equals(other.headers) && Arrays.equals(body, other.body) && timeout.equals(other.timeout);
    }

    @Override
    public int hashCode() {
        return Objects.hash(method, url, headers, Arrays.hashCode(body), timeout);
    }

    /** The method and the host only: the path, query and headers may carry secrets or a caller's digits. */
    @Override
    public String toString() {
        return "OutboundRequest[" + method + " " + url.getScheme() + "://" + url.getHost() + ", "
                + headers.size() + " headers, timeout " + timeout.toMillis() + "ms]";
    }
}
