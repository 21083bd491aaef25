package io.nexaflow.flow;

import io.nexaflow.config.NexaflowConfig;
import io.nexaflow.flow.model.FlowDefinition;
import io.nexaflow.flow.model.Node;
import io.nexaflow.verb.HttpsUrl;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.eclipse.microprofile.openapi.annotations.media.Schema;

import javax.net.ssl.SSLContext;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;

/**
 * Preflight, from the vendor's checklist ("verify referenced audio files are reachable over HTTPS before running
 * live calls"): every audio URL of a revision is fetched concurrently, with short timeouts.
 */
@ApplicationScoped
public class FlowChecks {

    @Schema(name = "AudioCheck")
    public record AudioCheck(String url, boolean ok, Integer status, String contentType, String problem, long millis) {
    }

    @Schema(name = "Preflight")
    public record Preflight(boolean ok, int version,
                            @Schema(description = "NEXAFLOW_PUBLIC_URL, where Nexafone posts gather results")
                            String publicUrl, boolean publicUrlHttps, List<AudioCheck> audio) {
    }

    private final HttpClient http;
    private final Duration timeout;
    private final String publicUrl;

    @Inject
    public FlowChecks(NexaflowConfig config,
                      @ConfigProperty(name = "nexaflow.preflight.timeout", defaultValue = "3s") Duration timeout) {
        this(config.publicUrl(), timeout, null);
    }

    FlowChecks(String publicUrl, Duration timeout, SSLContext ssl) {
        HttpClient.Builder builder = HttpClient.newBuilder().connectTimeout(timeout)
                .followRedirects(HttpClient.Redirect.NORMAL);
        if (ssl != null) {
            builder.sslContext(ssl);
        }
        this.http = builder.build();
        this.timeout = timeout;
        this.publicUrl = publicUrl;
    }

    public Preflight check(FlowDefinition flow, int version) {
        TreeSet<String> urls = new TreeSet<>();
        for (Node node : flow.nodes().values()) {
            if (node instanceof Node.Play play) {
                urls.add(play.audioUrl());
            } else if (node instanceof Node.Gather gather && gather.audioUrl() != null) {
                urls.add(gather.audioUrl());
            }
        }
        List<CompletableFuture<AudioCheck>> checks = urls.stream().map(this::fetch).toList();
        List<AudioCheck> audio = checks.stream().map(CompletableFuture::join).toList();
        boolean https = HttpsUrl.problem(publicUrl) == null;
        return new Preflight(https && audio.stream().allMatch(AudioCheck::ok), version, publicUrl, https, audio);
    }

    private CompletableFuture<AudioCheck> fetch(String url) {
        long started = System.nanoTime();
        if (HttpsUrl.problem(url) != null) {
            return CompletableFuture.completedFuture(new AudioCheck(url, false, null, null, "not https", 0));
        }
        // GET of the first byte: some CDNs refuse HEAD, and the body need not come down.
        HttpRequest request = HttpRequest.newBuilder(URI.create(url)).timeout(timeout).header("Range", "bytes=0-0")
                .GET().build();
        return http.sendAsync(request, HttpResponse.BodyHandlers.discarding()).handle((response, failure) -> {
            long millis = (System.nanoTime() - started) / 1_000_000;
            if (failure != null) {
                Throwable cause = failure.getCause() != null ? failure.getCause() : failure;
                return new AudioCheck(url, false, null, null, "unreachable: " + cause.getClass().getSimpleName()
                        + Optional.ofNullable(cause.getMessage()).map(m -> ": " + m).orElse(""), millis);
            }
            int status = response.statusCode();
            String type = response.headers().firstValue("Content-Type").orElse(null);
            String problem = status / 100 != 2 ? "HTTP " + status
                    : type == null || !type.startsWith("audio/")
                    ? "not audio (Content-Type " + type + ")" : null;
            return new AudioCheck(url, problem == null, status, type, problem, millis);
        });
    }
}
