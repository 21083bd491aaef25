package io.nexaflow.request;

import io.nexaflow.request.AddressPolicy.Refusal;
import io.nexaflow.request.RequestOutcome.Reason;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

import java.net.InetAddress;
import java.net.URI;
import java.net.UnknownHostException;
import java.util.List;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class AddressPolicyTest {

    private static final AddressPolicy DEFAULT = AddressPolicy.of(List.of(), Optional.empty());

    private static InetAddress ip(String literal) throws UnknownHostException {
        return InetAddress.getByName(literal); // literals only: no lookup
    }

    @Test
    void anHttpsUrlToAPublicAddressPasses() throws Exception {
        URI url = URI.create("https://api.example.com/accounts/123");
        assertThat(DEFAULT.checkUrl(url)).isEmpty();
        assertThat(DEFAULT.checkAddress(url, ip("93.184.216.34"))).isEmpty();
        assertThat(DEFAULT.checkAddress(url, ip("2606:2800:220:1:248:1893:25c8:1946"))).isEmpty();
    }

    @Test
    void plainHttpIsRefusedUnlessTheHostIsInsecureListed() {
        assertThat(DEFAULT.checkUrl(URI.create("http://api.example.com/a"))).contains(new Refusal(Reason.NOT_ALLOWED,
                "only https URLs may be called; api.example.com:80 is not in NEXAFLOW_HTTP_INSECURE_HOSTS"));
        AddressPolicy dev = AddressPolicy.of(List.of("api.example.com"), Optional.empty());
        assertThat(dev.checkUrl(URI.create("http://api.example.com/a"))).isEmpty();
        assertThat(dev.checkUrl(URI.create("http://API.Example.com.:8080/a"))).isEmpty();
    }

    @Test
    void aListedPortMatchesOnlyThatPort() {
        AddressPolicy dev = AddressPolicy.of(List.of("127.0.0.1:8089", "[::1]:9000"), Optional.empty());
        assertThat(dev.checkUrl(URI.create("http://127.0.0.1:8089/"))).isEmpty();
        assertThat(dev.checkUrl(URI.create("http://127.0.0.1:8090/"))).contains(new Refusal(Reason.NOT_ALLOWED,
                "only https URLs may be called; 127.0.0.1:8090 is not in NEXAFLOW_HTTP_INSECURE_HOSTS"));
        assertThat(dev.checkUrl(URI.create("http://[0:0:0:0:0:0:0:1]:9000/"))).isEmpty();
    }

    @ParameterizedTest
    @ValueSource(strings = {"ftp://api.example.com/", "file:///etc/passwd", "gopher://api.example.com/",
            "/relative/path"})
    void otherSchemesAreRefused(String url) {
        assertThat(DEFAULT.checkUrl(URI.create(url)))
                .contains(new Refusal(Reason.NOT_ALLOWED, "only https URLs may be called"));
    }

    @Test
    void credentialsInTheUrlAreRefused() {
        assertThat(DEFAULT.checkUrl(URI.create("https://user:pass@api.example.com/"))).contains(new Refusal(
                Reason.NOT_ALLOWED, "credentials in the URL are not allowed; send them in a header"));
    }

    @Test
    void theAllowListIsTheOnlyWayOutWhenSet() throws Exception {
        AddressPolicy strict = AddressPolicy.of(List.of(), Optional.of(List.of("api.example.com", "billing.example.com:8443")));
        assertThat(strict.checkUrl(URI.create("https://api.example.com/x"))).isEmpty();
        assertThat(strict.checkUrl(URI.create("https://billing.example.com:8443/x"))).isEmpty();
        assertThat(strict.checkUrl(URI.create("https://billing.example.com/x"))).contains(new Refusal(
                Reason.NOT_ALLOWED, "billing.example.com:443 is not in NEXAFLOW_HTTP_ALLOWED_HOSTS"));
        assertThat(strict.checkUrl(URI.create("https://evil.example.net/x"))).contains(new Refusal(
                Reason.NOT_ALLOWED, "evil.example.net:443 is not in NEXAFLOW_HTTP_ALLOWED_HOSTS"));
        // An allowed host is trusted wherever it resolves (an operator listed it, e.g. an API inside the cluster).
        assertThat(strict.checkAddress(URI.create("https://api.example.com/x"), ip("10.1.2.3"))).isEmpty();
    }

    @Test
    void anInsecureHostOutsideTheAllowListIsRefused() {
        AddressPolicy both = AddressPolicy.of(List.of("127.0.0.1"), Optional.of(List.of("api.example.com")));
        assertThat(both.checkUrl(URI.create("http://127.0.0.1:8080/"))).contains(new Refusal(Reason.NOT_ALLOWED,
                "127.0.0.1:8080 is not in NEXAFLOW_HTTP_ALLOWED_HOSTS"));
    }

    @ParameterizedTest
    @CsvSource({
            "127.0.0.1, a loopback address",
            "127.255.0.9, a loopback address",
            "10.0.0.5, a private address",
            "172.16.0.1, a private address",
            "172.31.255.255, a private address",
            "192.168.1.1, a private address",
            "169.254.169.254, a cloud metadata address",
            "169.254.10.1, a link-local address",
            "100.64.0.1, a carrier-grade NAT address",
            "100.127.255.254, a carrier-grade NAT address",
            "0.0.0.0, the unspecified address",
            "224.0.0.1, a multicast address",
            "255.255.255.255, a reserved or broadcast address",
            "::1, a loopback address",
            ":: , the unspecified address",
            "fe80::1, a link-local address",
            "febf::1, a link-local address",
            "fc00::1, a private address (fc00::/7)",
            "fd12:3456::1, a private address (fc00::/7)",
            "fd00:ec2::254, a cloud metadata address",
            "ff02::1, a multicast address",
            "::ffff:127.0.0.1, a loopback address",
            "::ffff:169.254.169.254, a cloud metadata address",
            "::10.0.0.1, a private address",
            "64:ff9b::a9fe:a9fe, a cloud metadata address",
            "2002:0a00:0001::1, a private address",
            "fec0::1, a site-local address",
    })
    void internalAddressesAreRefused(String address, String kind) throws Exception {
        URI url = URI.create("https://api.example.com/accounts/1");
        String literal = address.strip().isEmpty() ? "::" : address.strip();
        InetAddress ip = ip(literal);
        assertThat(DEFAULT.checkAddress(url, ip)).contains(new Refusal(Reason.REFUSED_ADDRESS,
                "api.example.com resolves to " + ip.getHostAddress() + ", " + kind
                        + "; list the host in NEXAFLOW_HTTP_ALLOWED_HOSTS or NEXAFLOW_HTTP_INSECURE_HOSTS to call it"));
    }

    @ParameterizedTest
    @ValueSource(strings = {"8.8.8.8", "172.15.255.255", "172.32.0.1", "100.63.255.255", "100.128.0.1",
            "169.253.1.1", "192.169.0.1", "11.0.0.1", "2001:4860:4860::8888"})
    void neighboursOfTheInternalRangesAreNotRefused(String address) throws Exception {
        assertThat(DEFAULT.checkAddress(URI.create("https://api.example.com/"), ip(address))).isEmpty();
    }

    @Test
    void anInternalAddressIsAllowedWhenItsHostIsListed() throws Exception {
        AddressPolicy dev = AddressPolicy.of(List.of("127.0.0.1", "localhost"), Optional.empty());
        assertThat(dev.checkAddress(URI.create("http://localhost:8080/"), ip("127.0.0.1"))).isEmpty();
        assertThat(dev.checkAddress(URI.create("http://127.0.0.1:8080/"), ip("127.0.0.1"))).isEmpty();
        // Listing localhost does not let another name that resolves to loopback through.
        assertThat(dev.checkAddress(URI.create("https://rebound.example.com/"), ip("127.0.0.1")))
                .map(Refusal::reason).contains(Reason.REFUSED_ADDRESS);
    }

    @Test
    void literalInternalUrlsAreRefusedByAddress() throws Exception {
        for (String url : List.of("https://10.0.0.1/", "https://169.254.169.254/latest/meta-data/", "https://[::1]/",
                "https://[fe80::1]/", "https://[fd00:ec2::254]/")) {
            URI uri = URI.create(url);
            assertThat(DEFAULT.checkUrl(uri)).as(url).isEmpty();
            String host = uri.getHost().replace("[", "").replace("]", "");
            assertThat(DEFAULT.checkAddress(uri, ip(host))).as(url).map(Refusal::reason).contains(Reason.REFUSED_ADDRESS);
        }
    }

    @Test
    void metadataHostNamesAreRefusedBeforeResolving() {
        assertThat(DEFAULT.checkUrl(URI.create("https://metadata.google.internal/computeMetadata/v1/")))
                .contains(new Refusal(Reason.REFUSED_ADDRESS, "metadata.google.internal is a cloud metadata service"));
        assertThat(DEFAULT.checkUrl(URI.create("https://METADATA.google.internal./computeMetadata/v1/")))
                .contains(new Refusal(Reason.REFUSED_ADDRESS, "metadata.google.internal is a cloud metadata service"));
    }

    @Test
    void unreadableListEntriesFailAtStart() {
        assertThatThrownBy(() -> AddressPolicy.of(List.of("api.example.com:http"), Optional.empty()))
                .isInstanceOf(IllegalArgumentException.class).hasMessage("not a host[:port]: api.example.com:http");
        assertThatThrownBy(() -> AddressPolicy.of(List.of("[::1"), Optional.empty()))
                .isInstanceOf(IllegalArgumentException.class).hasMessage("not a host[:port]: [::1");
        assertThatThrownBy(() -> AddressPolicy.of(List.of("host:70000"), Optional.empty()))
                .isInstanceOf(IllegalArgumentException.class).hasMessage("not a host[:port]: host:70000");
    }
}
