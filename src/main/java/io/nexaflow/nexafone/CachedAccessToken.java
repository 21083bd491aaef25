package io.nexaflow.nexafone;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.function.Supplier;

/**
 * One access token shared by the whole service. Refreshed shortly before it expires; concurrent callers on a
 * cold or stale cache share a single refresh; a token the platform refused is dropped so the next caller
 * fetches a new one.
 */
public final class CachedAccessToken {

    /** A token and when it stops being used. */
    public record Token(String value, Instant refreshAt) {
        @Override
        public String toString() {
            return "Token[***, refreshAt=" + refreshAt + "]";
        }
    }

    /** What the auth endpoint answered: the token and its lifetime, when it said. */
    public record Issued(String accessToken, Duration expiresIn) {
        @Override
        public String toString() {
            return "Issued[***, expiresIn=" + expiresIn + "]";
        }
    }

    private final Supplier<Issued> fetch;
    private final Duration defaultTtl;
    private final Duration margin;
    private final Clock clock;

    private volatile Token current;
    private CompletableFuture<Token> refreshing; // guarded by this

    public CachedAccessToken(Supplier<Issued> fetch, Duration defaultTtl, Duration margin, Clock clock) {
        this.fetch = fetch;
        this.defaultTtl = defaultTtl;
        this.margin = margin;
        this.clock = clock;
    }

    /** A usable token: the cached one, or one fresh refresh shared with every concurrent caller. */
    public String get() {
        Token token = current;
        if (token != null && clock.instant().isBefore(token.refreshAt())) {
            return token.value();
        }
        CompletableFuture<Token> shared;
        boolean mine = false;
        synchronized (this) {
            token = current;
            if (token != null && clock.instant().isBefore(token.refreshAt())) {
                return token.value();
            }
            if (refreshing == null) {
                refreshing = new CompletableFuture<>();
                mine = true;
            }
            shared = refreshing;
        }
        if (mine) {
            try {
                Token fresh = toToken(fetch.get());
                current = fresh;
                shared.complete(fresh);
            } catch (RuntimeException e) {
                shared.completeExceptionally(e);
            } finally {
                synchronized (this) {
                    refreshing = null;
                }
            }
        }
        try {
            return shared.join().value();
        } catch (CompletionException e) {
            throw e.getCause() instanceof RuntimeException runtime ? runtime : e;
        }
    }

    /** The platform refused this token: forget it, unless a newer one already replaced it. */
    public void invalidate(String value) {
        synchronized (this) {
            if (current != null && current.value().equals(value)) {
                current = null;
            }
        }
    }

    /** Forgets the cached token, whatever it is. */
    public void clear() {
        synchronized (this) {
            current = null;
        }
    }

    private Token toToken(Issued issued) {
        Duration ttl = issued.expiresIn() != null && !issued.expiresIn().isNegative() && !issued.expiresIn().isZero()
                ? issued.expiresIn() : defaultTtl;
        Duration early = margin.compareTo(ttl.dividedBy(10)) < 0 ? margin : ttl.dividedBy(10);
        return new Token(issued.accessToken(), clock.instant().plus(ttl).minus(early));
    }
}
