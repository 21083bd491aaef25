package io.nexaflow.verb;

import java.net.URI;
import java.net.URISyntaxException;

/** The rule for URLs Nexafone fetches or posts to (audio, gather webhooks): https with a host. */
public final class HttpsUrl {

    private HttpsUrl() {
    }

    /** Why {@code url} is not an https URL with a host, or null when it is. */
    public static String problem(String url) {
        try {
            URI uri = new URI(url);
            if (!"https".equalsIgnoreCase(uri.getScheme())) {
                return "must be an https:// URL, was '" + url + "'";
            }
            if (uri.getHost() == null || uri.getHost().isBlank()) {
                return "must be an https:// URL with a host, was '" + url + "'";
            }
            return null;
        } catch (URISyntaxException e) {
            return "is not a valid URL: " + e.getReason();
        }
    }
}
