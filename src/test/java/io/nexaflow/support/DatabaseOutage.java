package io.nexaflow.support;

import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import io.quarkus.test.junit.QuarkusTestProfile;
import org.eclipse.microprofile.config.ConfigProvider;

import java.util.List;
import java.util.Map;

/** The application's database behind a {@link TcpProxy}, so a test can take the database away. */
public class DatabaseOutage implements QuarkusTestResourceLifecycleManager {

    private static TcpProxy proxy;

    public static TcpProxy proxy() {
        return proxy;
    }

    @Override
    public Map<String, String> start() {
        String url = ConfigProvider.getConfig().getValue("quarkus.datasource.jdbc.url", String.class);
        proxy = TcpProxy.inFrontOf(url);
        String proxied = proxy.jdbcUrl(url);
        String journal;
        try {
            // A journal of its own, so callbacks journaled here never replay into another test's run.
            journal = java.nio.file.Files.createTempDirectory("nexaflow-journal-outage").toString();
        } catch (java.io.IOException e) {
            throw new IllegalStateException(e);
        }
        return Map.of(
                "quarkus.datasource.jdbc.url", proxied,
                "nexaflow.callback.deadline", "1500ms",
                // Far above scheduling noise, so a caller that waited out the budget shows.
                "nexaflow.callback.commit-budget", "1s",
                "nexaflow.journal.dir", journal);
    }

    @Override
    public void stop() {
        if (proxy != null) {
            proxy.close();
        }
    }

    public static class Profile implements QuarkusTestProfile {
        @Override
        public List<TestResourceEntry> testResources() {
            return List.of(new TestResourceEntry(DatabaseOutage.class));
        }
    }
}
