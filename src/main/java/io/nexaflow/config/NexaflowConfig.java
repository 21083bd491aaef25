package io.nexaflow.config;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import io.smallrye.config.WithName;

import java.time.Duration;
import java.util.Optional;

/** Settings of nexaflow itself; each one is an environment variable named in the README (NEXAFLOW_...). */
@ConfigMapping(prefix = "nexaflow")
public interface NexaflowConfig {

    /** The HTTPS base URL Nexafone reaches nexaflow at; gather callbacks point there. */
    @WithName("public-url")
    String publicUrl();

    /** HMAC key of the callback state tokens. */
    @WithName("webhook-secret")
    String webhookSecret();

    /** Bootstrap admin key; without it only keys stored in the database work. */
    @WithName("admin-api-key")
    Optional<String> adminApiKey();

    /** Region used to read national phone numbers (ISO 3166 code). */
    @WithName("default-region")
    @WithDefault("IN")
    String defaultRegion();

    Sandbox sandbox();

    Datasource datasource();

    Callback callback();

    interface Sandbox {
        /** The in-process Nexafone emulator under /sandbox; also lets flows use the vendor page's placeholder numbers. */
        @WithDefault("false")
        boolean enabled();
    }

    interface Datasource {
        /**
         * In prod, an expression over QUARKUS_DATASOURCE_JDBC_URL with no default: a missing URL fails the start
         * with a message naming the variable (Quarkus's own message does not).
         */
        @WithName("required-url")
        @WithDefault("not-required")
        String requiredUrl();
    }

    interface Callback {
        /** What a caller hears when nexaflow cannot route a callback: one of hangup, or a play URL followed by hangup. */
        @WithName("fallback-audio-url")
        Optional<String> fallbackAudioUrl();

        /** Longest a callback waits for its write before the fallback verb is answered. */
        @WithDefault("3s")
        Duration deadline();
    }
}
