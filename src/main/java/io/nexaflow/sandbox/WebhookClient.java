package io.nexaflow.sandbox;

import io.nexaflow.config.NexaflowConfig;
import io.quarkus.runtime.StartupEvent;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/** Posts a gather's keys to its webhook, as the platform does: JSON, no redirects, the configured timeout. */
@ApplicationScoped
public class WebhookClient {

    private final NexaflowConfig.Sandbox config;
    private ExecutorService threads;
    private HttpClient http;

    public WebhookClient(NexaflowConfig config) {
        this.config = config.sandbox();
    }

    /** Threads exist only while the sandbox is enabled. */
    void start(@Observes StartupEvent event) {
        if (!config.enabled()) {
            return;
        }
        threads = Executors.newFixedThreadPool(2, SandboxThreads.named("sandbox-webhook"));
        http = HttpClient.newBuilder()
                .version(HttpClient.Version.HTTP_1_1)
                .followRedirects(HttpClient.Redirect.NEVER)
                .connectTimeout(config.webhookTimeout())
                .executor(threads)
                .build();
    }

    @PreDestroy
    void stop() {
        if (threads != null) {
            threads.shutdownNow();
        }
    }

    CompletableFuture<HttpResponse<String>> post(URI url, String body) {
        HttpRequest request = HttpRequest.newBuilder(url)
                .timeout(config.webhookTimeout())
                .header("Content-Type", "application/json")
                .header("User-Agent", "nexafone-sandbox")
                .POST(HttpRequest.BodyPublishers.ofString(body))
                .build();
        return http.sendAsync(request, HttpResponse.BodyHandlers.ofString());
    }

    /** Why no answer came, in words a transcript reader understands. */
    String describe(Throwable failure) {
        Throwable cause = failure instanceof CompletionException && failure.getCause() != null ? failure.getCause() : failure;
        if (cause instanceof HttpTimeoutException) {
            return "no answer within " + config.webhookTimeout().toMillis() + " ms (nexaflow.sandbox.webhook-timeout)";
        }
        if (cause instanceof ConnectException) {
            return "connection refused";
        }
        return cause.getClass().getSimpleName() + (cause.getMessage() == null ? "" : ": " + cause.getMessage());
    }
}
