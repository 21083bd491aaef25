package io.nexaflow.support;

import com.github.tomakehurst.wiremock.WireMockServer;
import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import io.quarkus.test.junit.QuarkusTestProfile;

import java.util.List;
import java.util.Map;

import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.options;

/**
 * Nexafone replaced by a WireMock server on loopback, for tests of what nexaflow sends and how it copes with
 * the platform's failures. Credentials are the vendor page's sample values.
 */
public class NexafoneStub implements QuarkusTestResourceLifecycleManager {

    public static final String ACCOUNT_ID = "68b6b9f023fe9b8f89193652";
    public static final String API_KEY = "ak_0mcl7jor8q4ek2r5debkg3";
    public static final String API_SECRET = "as_kyozshnllrwsqqckmothirpxewdv45ih";

    private static WireMockServer server;

    public static WireMockServer server() {
        return server;
    }

    @Override
    public Map<String, String> start() {
        server = new WireMockServer(options().bindAddress("127.0.0.1").dynamicPort().globalTemplating(true));
        server.start();
        return Map.of(
                "nexafone.api-url", server.baseUrl(),
                "nexafone.account-id", ACCOUNT_ID,
                "nexafone.api-key", API_KEY,
                "nexafone.api-secret", API_SECRET,
                "nexafone.read-timeout", "2s",
                "nexafone.retry-backoff", "10ms");
    }

    @Override
    public void stop() {
        if (server != null) {
            server.stop();
        }
    }

    /** The test profile of every test that talks to the stub (one application start for all of them). */
    public static class Profile implements QuarkusTestProfile {
        @Override
        public List<TestResourceEntry> testResources() {
            return List.of(new TestResourceEntry(NexafoneStub.class));
        }
    }
}
