package io.nexaflow.nexafone;

import org.junit.jupiter.api.Test;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class AccessTokensTest {

    private final AtomicInteger fetches = new AtomicInteger();

    @Test
    void concurrentCallersOnAColdCacheShareOneFetch() throws Exception {
        CountDownLatch release = new CountDownLatch(1);
        CachedAccessToken tokens = new CachedAccessToken(() -> {
            fetches.incrementAndGet();
            await(release);
            return new CachedAccessToken.Issued("t" + fetches.get(), Duration.ofMinutes(10));
        }, Duration.ofMinutes(10), Duration.ofSeconds(30), Clock.systemUTC());
        ExecutorService pool = Executors.newFixedThreadPool(50);
        try {
            List<Future<String>> answers = new ArrayList<>();
            for (int i = 0; i < 50; i++) {
                answers.add(pool.submit(tokens::get));
            }
            Thread.sleep(200); // let every caller reach the cache while the one fetch is in flight
            release.countDown();
            for (Future<String> answer : answers) {
                assertThat(answer.get()).isEqualTo("t1");
            }
        } finally {
            pool.shutdownNow();
        }
        assertThat(fetches).hasValue(1);
    }

    @Test
    void aTokenIsRefreshedShortlyBeforeItExpires() {
        MutableClock clock = new MutableClock();
        CachedAccessToken tokens = new CachedAccessToken(() -> new CachedAccessToken.Issued("t" + fetches.incrementAndGet(),
                Duration.ofSeconds(300)), Duration.ofMinutes(10), Duration.ofSeconds(30), clock);

        assertThat(tokens.get()).isEqualTo("t1");
        clock.advance(Duration.ofSeconds(269));
        assertThat(tokens.get()).isEqualTo("t1");
        clock.advance(Duration.ofSeconds(2)); // inside the 30 s margin
        assertThat(tokens.get()).isEqualTo("t2");
    }

    @Test
    void withoutExpiresInTheConfiguredTtlApplies() {
        MutableClock clock = new MutableClock();
        CachedAccessToken tokens = new CachedAccessToken(() -> new CachedAccessToken.Issued("t" + fetches.incrementAndGet(), null),
                Duration.ofMinutes(10), Duration.ofSeconds(30), clock);

        tokens.get();
        clock.advance(Duration.ofSeconds(569));
        assertThat(tokens.get()).isEqualTo("t1");
        clock.advance(Duration.ofSeconds(2));
        assertThat(tokens.get()).isEqualTo("t2");
    }

    @Test
    void aRefusedTokenIsDroppedUnlessAlreadyReplaced() {
        CachedAccessToken tokens = new CachedAccessToken(() -> new CachedAccessToken.Issued("t" + fetches.incrementAndGet(),
                Duration.ofMinutes(10)), Duration.ofMinutes(10), Duration.ofSeconds(30), Clock.systemUTC());

        tokens.get();
        tokens.invalidate("t1");
        assertThat(tokens.get()).isEqualTo("t2");
        tokens.invalidate("t1"); // a late refusal of the old token keeps the new one
        assertThat(tokens.get()).isEqualTo("t2");
        assertThat(fetches).hasValue(2);
    }

    @Test
    void aFailedFetchReachesEveryWaiterAndTheNextCallTriesAgain() {
        CachedAccessToken tokens = new CachedAccessToken(() -> {
            if (fetches.incrementAndGet() == 1) {
                throw new NexafoneException(NexafoneException.Kind.CREDENTIALS_REJECTED, "no");
            }
            return new CachedAccessToken.Issued("t2", Duration.ofMinutes(10));
        }, Duration.ofMinutes(10), Duration.ofSeconds(30), Clock.systemUTC());

        assertThatThrownBy(tokens::get).isInstanceOf(NexafoneException.class);
        assertThat(tokens.get()).isEqualTo("t2");
    }

    @Test
    void tokensNeverShowInToString() {
        assertThat(new CachedAccessToken.Issued("secret-token", Duration.ZERO).toString()).doesNotContain("secret-token");
        assertThat(new CachedAccessToken.Token("secret-token", Instant.EPOCH).toString()).doesNotContain("secret-token");
        assertThat(new NexafoneApi.Credentials("ak", "as_secret").toString()).doesNotContain("as_secret");
    }

    private static void await(CountDownLatch latch) {
        try {
            latch.await();
        } catch (InterruptedException e) {
            throw new IllegalStateException(e);
        }
    }

    private static final class MutableClock extends Clock {
        private Instant now = Instant.parse("2026-11-27T00:00:00Z");

        void advance(Duration by) {
            now = now.plus(by);
        }

        @Override
        public Instant instant() {
            return now;
        }

        @Override
        public java.time.ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(java.time.ZoneId zone) {
            return this;
        }
    }
}
