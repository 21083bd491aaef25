package io.nexaflow.request;

import io.nexaflow.config.NexaflowConfig;
import io.nexaflow.request.RequestOutcome.Reason;

import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.URI;
import java.net.UnknownHostException;
import java.util.Collection;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Which URLs and addresses nexaflow may call on a flow's behalf (pure; no I/O). https only, except hosts listed as
 * insecure; when an allow-list is set only its hosts; and never an address inside the network (loopback, private,
 * link-local, carrier-grade NAT, unspecified, multicast, cloud metadata) unless the host is listed in one of the two
 * lists. {@link #checkAddress} is meant for the address actually connected to, after resolving.
 */
public final class AddressPolicy {

    /** Why a URL or address may not be called: NOT_ALLOWED or REFUSED_ADDRESS, and a message naming the host. */
    public record Refusal(Reason reason, String message) {
    }

    /** Host names of cloud metadata services (their addresses are refused below as well). */
    private static final Set<String> METADATA_NAMES = Set.of("metadata.google.internal", "metadata");

    private static final Pattern IPV4_LITERAL = Pattern.compile("\\d{1,3}(\\.\\d{1,3}){3}");

    private final List<HostPort> insecure;
    private final Optional<List<HostPort>> allowed;

    private AddressPolicy(List<HostPort> insecure, Optional<List<HostPort>> allowed) {
        this.insecure = insecure;
        this.allowed = allowed;
    }

    /**
     * Entries are host or host:port ({@code [v6]:port} for IPv6); a host without a port matches every port.
     *
     * @throws IllegalArgumentException when an entry cannot be read
     */
    public static AddressPolicy of(Collection<String> insecureHosts, Optional<? extends Collection<String>> allowedHosts) {
        return new AddressPolicy(parse(insecureHosts), allowedHosts.map(AddressPolicy::parse));
    }

    public static AddressPolicy from(NexaflowConfig.Http http) {
        return of(http.insecureHosts().orElse(List.of()), http.allowedHosts());
    }

    private static List<HostPort> parse(Collection<String> entries) {
        return entries.stream().map(String::strip).filter(e -> !e.isEmpty()).map(HostPort::parse).toList();
    }

    /** The checks that need no resolving: scheme, credentials in the URL, the allow-list, metadata host names. */
    public Optional<Refusal> checkUrl(URI url) {
        String scheme = url.getScheme() == null ? "" : url.getScheme().toLowerCase(Locale.ROOT);
        if (!scheme.equals("https") && !scheme.equals("http")) {
            return refuse(Reason.NOT_ALLOWED, "only https URLs may be called");
        }
        if (url.getHost() == null) {
            return refuse(Reason.NOT_ALLOWED, "the URL has no host");
        }
        if (url.getRawUserInfo() != null) {
            return refuse(Reason.NOT_ALLOWED, "credentials in the URL are not allowed; send them in a header");
        }
        HostPort target = HostPort.of(url);
        if (allowed.isPresent() && !matches(allowed.get(), target)) {
            return refuse(Reason.NOT_ALLOWED, target + " is not in NEXAFLOW_HTTP_ALLOWED_HOSTS");
        }
        if (scheme.equals("http") && !matches(insecure, target)) {
            return refuse(Reason.NOT_ALLOWED, "only https URLs may be called; " + target
                    + " is not in NEXAFLOW_HTTP_INSECURE_HOSTS");
        }
        if (!listed(target) && METADATA_NAMES.contains(target.host())) {
            return refuse(Reason.REFUSED_ADDRESS, target.host() + " is a cloud metadata service");
        }
        return Optional.empty();
    }

    /** Whether the URL's host may be reached at {@code address}; call it for every address the host resolved to. */
    public Optional<Refusal> checkAddress(URI url, InetAddress address) {
        HostPort target = HostPort.of(url);
        if (listed(target)) {
            return Optional.empty();
        }
        return internal(address).flatMap(kind -> refuse(Reason.REFUSED_ADDRESS, target.host() + " resolves to "
                + address.getHostAddress() + ", " + kind + "; list the host in NEXAFLOW_HTTP_ALLOWED_HOSTS or "
                + "NEXAFLOW_HTTP_INSECURE_HOSTS to call it"));
    }

    private boolean listed(HostPort target) {
        return matches(insecure, target) || allowed.map(hosts -> matches(hosts, target)).orElse(false);
    }

    private static boolean matches(List<HostPort> entries, HostPort target) {
        return entries.stream().anyMatch(e -> e.host().equals(target.host()) && (e.port() < 0 || e.port() == target.port()));
    }

    private static Optional<Refusal> refuse(Reason reason, String message) {
        return Optional.of(new Refusal(reason, message));
    }

    /** What kind of address inside a network this is ("a loopback address", ...), or empty for a public one. */
    public static Optional<String> internal(InetAddress address) {
        byte[] b = address.getAddress();
        if (address instanceof Inet4Address) {
            return internalV4(b);
        }
        if (isEc2Metadata(b)) {
            return Optional.of("a cloud metadata address");
        }
        if (zero(b, 0, 16)) {
            return Optional.of("the unspecified address");
        }
        if (zero(b, 0, 15) && b[15] == 1) {
            return Optional.of("a loopback address");
        }
        if (zero(b, 0, 10) && b[10] == (byte) 0xff && b[11] == (byte) 0xff || zero(b, 0, 12)) {
            return internalV4(new byte[] {b[12], b[13], b[14], b[15]}); // IPv4-mapped or IPv4-compatible
        }
        if (b[0] == 0x00 && b[1] == 0x64 && b[2] == (byte) 0xff && b[3] == (byte) 0x9b && zero(b, 4, 12)) {
            return internalV4(new byte[] {b[12], b[13], b[14], b[15]}); // NAT64 64:ff9b::/96
        }
        if (b[0] == 0x20 && b[1] == 0x02) {
            return internalV4(new byte[] {b[2], b[3], b[4], b[5]}); // 6to4 2002::/16
        }
        if ((b[0] & 0xfe) == 0xfc) {
            return Optional.of("a private address (fc00::/7)");
        }
        if (b[0] == (byte) 0xfe && (b[1] & 0xc0) == 0x80) {
            return Optional.of("a link-local address");
        }
        if (b[0] == (byte) 0xfe && (b[1] & 0xc0) == 0xc0) {
            return Optional.of("a site-local address");
        }
        if (b[0] == (byte) 0xff) {
            return Optional.of("a multicast address");
        }
        return Optional.empty();
    }

    /** fd00:ec2::254, the AWS metadata service over IPv6. */
    private static boolean isEc2Metadata(byte[] b) {
        return b[0] == (byte) 0xfd && b[1] == 0x00 && b[2] == 0x0e && b[3] == (byte) 0xc2 && zero(b, 4, 14)
                && b[14] == 0x02 && b[15] == 0x54;
    }

    private static Optional<String> internalV4(byte[] b) {
        int b0 = b[0] & 0xff;
        int b1 = b[1] & 0xff;
        if (b0 == 169 && b1 == 254 && (b[2] & 0xff) == 169 && (b[3] & 0xff) == 254) {
            return Optional.of("a cloud metadata address");
        }
        if (b0 == 0) {
            return Optional.of("the unspecified address");
        }
        if (b0 == 127) {
            return Optional.of("a loopback address");
        }
        if (b0 == 10 || b0 == 172 && (b1 & 0xf0) == 16 || b0 == 192 && b1 == 168) {
            return Optional.of("a private address");
        }
        if (b0 == 169 && b1 == 254) {
            return Optional.of("a link-local address");
        }
        if (b0 == 100 && (b1 & 0xc0) == 64) {
            return Optional.of("a carrier-grade NAT address");
        }
        if (b0 >= 224 && b0 <= 239) {
            return Optional.of("a multicast address");
        }
        if (b0 >= 240) {
            return Optional.of("a reserved or broadcast address");
        }
        return Optional.empty();
    }

    private static boolean zero(byte[] b, int from, int to) {
        for (int i = from; i < to; i++) {
            if (b[i] != 0) {
                return false;
            }
        }
        return true;
    }

    /** A host (lower case, no trailing dot, IP literals in one spelling) and a port, -1 for "any port". */
    record HostPort(String host, int port) {

        static HostPort of(URI url) {
            int port = url.getPort();
            if (port < 0) {
                port = "http".equalsIgnoreCase(url.getScheme()) ? 80 : 443;
            }
            return new HostPort(normalHost(url.getHost()), port);
        }

        static HostPort parse(String entry) {
            String host = entry;
            int port = -1;
            if (entry.startsWith("[")) {
                int close = entry.indexOf(']');
                if (close < 0) {
                    throw new IllegalArgumentException("not a host[:port]: " + entry);
                }
                host = entry.substring(1, close);
                String rest = entry.substring(close + 1);
                if (!rest.isEmpty()) {
                    port = port(entry, rest.startsWith(":") ? rest.substring(1) : rest);
                }
            } else if (entry.indexOf(':') >= 0 && entry.indexOf(':') == entry.lastIndexOf(':')) {
                host = entry.substring(0, entry.indexOf(':'));
                port = port(entry, entry.substring(entry.indexOf(':') + 1));
            }
            if (host.isEmpty()) {
                throw new IllegalArgumentException("not a host[:port]: " + entry);
            }
            return new HostPort(normalHost(host), port);
        }

        private static int port(String entry, String text) {
            try {
                int port = Integer.parseInt(text);
                if (port < 1 || port > 65535) {
                    throw new NumberFormatException();
                }
                return port;
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("not a host[:port]: " + entry);
            }
        }

        private static String normalHost(String host) {
            String h = host.toLowerCase(Locale.ROOT);
            if (h.startsWith("[") && h.endsWith("]")) {
                h = h.substring(1, h.length() - 1);
            }
            while (h.endsWith(".")) {
                h = h.substring(0, h.length() - 1);
            }
            if (h.indexOf(':') >= 0 || IPV4_LITERAL.matcher(h).matches()
                    && Pattern.compile("\\.").splitAsStream(h).allMatch(o -> Integer.parseInt(o) <= 255)) {
                try {
                    return InetAddress.getByName(h).getHostAddress(); // a literal: parsed, never looked up
                } catch (UnknownHostException e) {
                    return h;
                }
            }
            return h;
        }

        @Override
        public String toString() {
            return (host.indexOf(':') >= 0 ? "[" + host + "]" : host) + (port < 0 ? "" : ":" + port);
        }
    }
}
