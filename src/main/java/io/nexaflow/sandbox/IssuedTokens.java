package io.nexaflow.sandbox;

import io.nexaflow.config.NexaflowConfig;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.Base64;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/** The sandbox's token endpoint: one configured account, its key and secret, and expiring bearer tokens. */
@ApplicationScoped
public class IssuedTokens {

    /** Tokens kept at most; a client that asks for a token per request must not fill the heap. */
    static final int MAX_TOKENS = 10_000;
    private static final SecureRandom RANDOM = new SecureRandom();

    public record Credentials(String accountId, String apiKey, String apiSecret) {
    }

    public record Issued(String accessToken, Duration ttl) {
    }

    private record Grant(String accountId, Instant expiresAt) {
    }

    private final Credentials credentials;
    private final Duration ttl;
    private final InstantSource clock;
    /** Insertion order is issue order, so the oldest token is evicted first. */
    private final Map<String, Grant> grants = new LinkedHashMap<>();

    @Inject
    public IssuedTokens(NexaflowConfig config) {
        this(new Credentials(config.sandbox().accountId(), config.sandbox().apiKey(), config.sandbox().apiSecret()),
                config.sandbox().tokenTtl(), InstantSource.system());
    }

    IssuedTokens(Credentials credentials, Duration ttl, InstantSource clock) {
        this.credentials = credentials;
        this.ttl = ttl;
        this.clock = clock;
    }

    /** A new token when account, key and secret all match the configuration; empty otherwise (no hint which). */
    public synchronized Optional<Issued> issue(String accountId, String apiKey, String apiSecret) {
        boolean match = same(accountId, credentials.accountId()) & same(apiKey, credentials.apiKey())
                & same(apiSecret, credentials.apiSecret());
        if (!match) {
            return Optional.empty();
        }
        Instant now = clock.instant();
        if (grants.size() >= MAX_TOKENS) {
            grants.values().removeIf(g -> !g.expiresAt().isAfter(now));
        }
        for (Iterator<String> oldest = grants.keySet().iterator(); grants.size() >= MAX_TOKENS; ) {
            oldest.next();
            oldest.remove();
        }
        byte[] bytes = new byte[32];
        RANDOM.nextBytes(bytes);
        String token = Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
        grants.put(token, new Grant(credentials.accountId(), now.plus(ttl)));
        return Optional.of(new Issued(token, ttl));
    }

    /** The account a live token was issued for; empty for an unknown or expired token. */
    public synchronized Optional<String> account(String token) {
        Grant grant = token == null ? null : grants.get(token);
        if (grant == null) {
            return Optional.empty();
        }
        if (!grant.expiresAt().isAfter(clock.instant())) {
            grants.remove(token);
            return Optional.empty();
        }
        return Optional.of(grant.accountId());
    }

    /** Ends every token now, as if they had all expired; returns how many were live. */
    public synchronized int expireAll() {
        Instant now = clock.instant();
        int live = (int) grants.values().stream().filter(g -> g.expiresAt().isAfter(now)).count();
        grants.clear();
        return live;
    }

    synchronized int size() {
        return grants.size();
    }

    private static boolean same(String given, String expected) {
        return given != null && MessageDigest.isEqual(given.getBytes(StandardCharsets.UTF_8),
                expected.getBytes(StandardCharsets.UTF_8));
    }
}
