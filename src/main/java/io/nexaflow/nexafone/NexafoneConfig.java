package io.nexaflow.nexafone;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import io.smallrye.config.WithName;

import java.time.Duration;
import java.util.Optional;

/** How nexaflow reaches the Nexafone platform; each setting is an environment variable NEXAFONE_... */
@ConfigMapping(prefix = "nexafone")
public interface NexafoneConfig {

    /** Base URL of the platform's API (the sandbox in dev mode and tests). */
    @WithName("api-url")
    @WithDefault("https://api.nexafone.com")
    String apiUrl();

    @WithName("account-id")
    Optional<String> accountId();

    @WithName("api-key")
    Optional<String> apiKey();

    /** Secret: never logged, never in an event, a metric or a response. */
    @WithName("api-secret")
    Optional<String> apiSecret();

    /** The vendor page does not name the Voice API path; this is where originate requests go. */
    @WithName("originate-path")
    @WithDefault("/voice/v1/calls")
    String originatePath();

    /** Token lifetime when the auth response carries no expiresIn. */
    @WithName("token-ttl")
    @WithDefault("10m")
    Duration tokenTtl();

    /** Tokens are refreshed this long before they expire (at most a tenth of their lifetime). */
    @WithName("token-refresh-margin")
    @WithDefault("30s")
    Duration tokenRefreshMargin();

    @WithName("connect-timeout")
    @WithDefault("2s")
    Duration connectTimeout();

    /** An originate without an answer this long is UNKNOWN: it may have been placed, so it is not retried. */
    @WithName("read-timeout")
    @WithDefault("10s")
    Duration readTimeout();

    /** Attempts at an originate the platform certainly did not accept (connection refused, 5xx, 429). */
    @WithName("originate-attempts")
    @WithDefault("3")
    int originateAttempts();

    /** First pause between those attempts; it doubles each time. */
    @WithName("retry-backoff")
    @WithDefault("250ms")
    Duration retryBackoff();
}
