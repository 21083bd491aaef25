package io.nexaflow.sandbox;

import io.nexaflow.sandbox.IssuedTokens.Credentials;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.concurrent.atomic.AtomicReference;

import static org.assertj.core.api.Assertions.assertThat;

class IssuedTokensTest {

    private final AtomicReference<Instant> now = new AtomicReference<>(Instant.parse("2026-11-27T10:00:00Z"));
    private final IssuedTokens tokens = new IssuedTokens(new Credentials("acct", "key", "secret"), Duration.ofMinutes(10),
            now::get);

    @Test
    void issuesATokenOnlyForTheConfiguredAccountKeyAndSecret() {
        assertThat(tokens.issue("acct", "key", "secret")).isPresent();
        assertThat(tokens.issue("other", "key", "secret")).isEmpty();
        assertThat(tokens.issue("acct", "wrong", "secret")).isEmpty();
        assertThat(tokens.issue("acct", "key", "wrong")).isEmpty();
        assertThat(tokens.issue("acct", null, null)).isEmpty();
    }

    @Test
    void aTokenNamesItsAccountUntilItExpires() {
        var issued = tokens.issue("acct", "key", "secret").orElseThrow();
        assertThat(issued.ttl()).isEqualTo(Duration.ofMinutes(10));
        assertThat(tokens.account(issued.accessToken())).contains("acct");
        now.set(now.get().plus(Duration.ofMinutes(10)).minusMillis(1));
        assertThat(tokens.account(issued.accessToken())).contains("acct");
        now.set(now.get().plusMillis(1));
        assertThat(tokens.account(issued.accessToken())).isEmpty();
        assertThat(tokens.account("made-up")).isEmpty();
        assertThat(tokens.account(null)).isEmpty();
    }

    @Test
    void expireAllEndsEveryLiveToken() {
        var first = tokens.issue("acct", "key", "secret").orElseThrow();
        var second = tokens.issue("acct", "key", "secret").orElseThrow();
        assertThat(first.accessToken()).isNotEqualTo(second.accessToken());
        assertThat(tokens.expireAll()).isEqualTo(2);
        assertThat(tokens.account(first.accessToken())).isEmpty();
        assertThat(tokens.account(second.accessToken())).isEmpty();
    }

    @Test
    void keepsAtMostTheLimitEvictingTheOldest() {
        var oldest = tokens.issue("acct", "key", "secret").orElseThrow();
        for (int i = 1; i < IssuedTokens.MAX_TOKENS; i++) {
            tokens.issue("acct", "key", "secret");
        }
        var newest = tokens.issue("acct", "key", "secret").orElseThrow();
        assertThat(tokens.size()).isEqualTo(IssuedTokens.MAX_TOKENS);
        assertThat(tokens.account(oldest.accessToken())).isEmpty();
        assertThat(tokens.account(newest.accessToken())).contains("acct");
    }
}
