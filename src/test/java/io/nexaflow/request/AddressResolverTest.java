package io.nexaflow.request;

import org.junit.jupiter.api.Test;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicLong;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Answers kept for their time, IP literals never looked up, failures asked again. */
class AddressResolverTest {

    private final List<String> asked = new ArrayList<>();
    private final AtomicLong clock = new AtomicLong();

    private AddressResolver resolver(boolean fail) {
        return AddressResolver.cached(host -> {
            asked.add(host);
            if (fail) {
                return CompletableFuture.failedFuture(new UnknownHostException(host));
            }
            try {
                byte[] address = {93, (byte) 184, 0, 1};
                return CompletableFuture.completedFuture(List.of(InetAddress.getByAddress(host, address)));
            } catch (UnknownHostException e) {
                throw new IllegalStateException(e);
            }
        }, Duration.ofSeconds(30), clock::get);
    }

    private static List<InetAddress> now(AddressResolver resolver, String host) {
        return resolver.resolve(host).toCompletableFuture().join();
    }

    @Test
    void anAnswerIsKeptForItsTimeThenAskedAgain() {
        AddressResolver resolver = resolver(false);
        assertThat(now(resolver, "api.example.com")).extracting(InetAddress::getHostAddress).containsExactly("93.184.0.1");
        clock.addAndGet(Duration.ofSeconds(29).toNanos());
        now(resolver, "api.example.com");
        assertThat(asked).containsExactly("api.example.com");
        clock.addAndGet(Duration.ofSeconds(2).toNanos());
        now(resolver, "api.example.com");
        assertThat(asked).containsExactly("api.example.com", "api.example.com");
    }

    @Test
    void ipLiteralsAreNotLookedUp() {
        AddressResolver resolver = resolver(false);
        assertThat(now(resolver, "10.1.2.3")).extracting(InetAddress::getHostAddress).containsExactly("10.1.2.3");
        assertThat(now(resolver, "::1")).extracting(InetAddress::isLoopbackAddress).containsExactly(true);
        // Not a dotted quad (an octet over 255): a name, so it goes to the lookup.
        now(resolver, "300.1.2.3");
        assertThat(asked).containsExactly("300.1.2.3");
    }

    @Test
    void aFailedLookupIsNotKept() {
        AddressResolver resolver = resolver(true);
        assertThatThrownBy(() -> now(resolver, "gone.example.com")).hasCauseInstanceOf(UnknownHostException.class);
        assertThatThrownBy(() -> now(resolver, "gone.example.com")).hasCauseInstanceOf(UnknownHostException.class);
        assertThat(asked).containsExactly("gone.example.com", "gone.example.com");
    }
}
