package io.nexaflow.request;

import io.vertx.core.Vertx;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.LongSupplier;
import java.util.regex.Pattern;

/**
 * Turns a host name into the addresses it stands for. {@link BusinessApi} checks every one and connects to the one
 * it checked, so what is resolved here is what is connected to; tests stub it to play DNS tricks.
 */
@FunctionalInterface
public interface AddressResolver {

    /** How long {@link #system} keeps an answer: the JVM's own default for a successful lookup. */
    Duration TTL = Duration.ofSeconds(30);

    CompletionStage<List<InetAddress>> resolve(String host);

    /**
     * The JVM's resolver, called on a Vert.x worker thread (never on the event loop), its answers kept for
     * {@link #TTL} so a request to a known host does not wait for a worker; an IP literal needs no lookup at all.
     * A cached answer is checked like a fresh one: the policy applies to the address connected to, whatever its age.
     */
    static AddressResolver system(Vertx vertx) {
        return cached(host -> vertx.executeBlocking(() -> List.of(InetAddress.getAllByName(host)), false)
                .toCompletionStage(), TTL, System::nanoTime);
    }

    /** {@code lookup}'s answers kept for {@code ttl} (by {@code nanos}); failures are not kept. */
    static AddressResolver cached(AddressResolver lookup, Duration ttl, LongSupplier nanos) {
        record Entry(List<InetAddress> addresses, long expires) {
        }
        Map<String, Entry> answers = new ConcurrentHashMap<>();
        return host -> {
            if (Literals.isIpLiteral(host)) {
                try {
                    return CompletableFuture.completedFuture(List.of(InetAddress.getByName(host)));
                } catch (UnknownHostException e) {
                    return CompletableFuture.failedFuture(e);
                }
            }
            long now = nanos.getAsLong();
            Entry known = answers.get(host);
            if (known != null && now - known.expires() < 0) {
                return CompletableFuture.completedFuture(known.addresses());
            }
            return lookup.resolve(host).thenApply(addresses -> {
                if (answers.size() > 10_000) {
                    answers.clear(); // hosts come from flows; a bound keeps a flood of names from growing the map
                }
                answers.put(host, new Entry(addresses, nanos.getAsLong() + ttl.toNanos()));
                return addresses;
            });
        };
    }

    /** IP literals, which {@link InetAddress#getByName} turns into an address without asking DNS. */
    final class Literals {
        private static final Pattern IPV4 = Pattern.compile("(25[0-5]|2[0-4]\\d|1\\d\\d|[1-9]?\\d)(\\.(25[0-5]|2[0-4]\\d|1\\d\\d|[1-9]?\\d)){3}");

        private Literals() {
        }

        /** A dotted quad, or an IPv6 address (a host with a colon: the JVM refuses a bad one without a lookup). */
        static boolean isIpLiteral(String host) {
            return IPV4.matcher(host).matches() || host.indexOf(':') >= 0;
        }
    }
}
