package io.nexaflow.commit;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.nexaflow.support.TcpProxy;
import io.nexaflow.support.TestDatabase;
import org.junit.jupiter.api.Test;
import org.postgresql.ds.PGSimpleDataSource;

import java.sql.PreparedStatement;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * {@link GroupCommit#stalled(long)} against a real PostgreSQL: true while a batch is under way past the threshold
 * or after the connection was lost, false again once a batch commits.
 */
class GroupCommitStallTest {

    private static final long THIRTY_MS = TimeUnit.MILLISECONDS.toNanos(30);

    /** Each write is a number of seconds the database sleeps in the batch's transaction. */
    private static GroupCommit<Double, String> sleeper(String url) {
        PGSimpleDataSource dataSource = new PGSimpleDataSource();
        dataSource.setURL(url);
        dataSource.setUser(TestDatabase.username());
        dataSource.setPassword(TestDatabase.password());
        dataSource.setConnectTimeout(2);
        GroupCommit<Double, String> commit = new GroupCommit<>(dataSource, (connection, batch) -> {
            List<String> results = new ArrayList<>();
            for (double seconds : batch) {
                try (PreparedStatement sleep = connection.prepareStatement("SELECT pg_sleep(?)")) {
                    sleep.setDouble(1, seconds);
                    sleep.execute();
                }
                results.add("committed");
            }
            return results;
        }, reason -> "failed: " + reason, new GroupCommit.Names("stall-test", "stall.test", "test write"),
                new GroupCommit.Sizes(100, 1, 10), new SimpleMeterRegistry());
        commit.start();
        return commit;
    }

    @Test
    void aBatchUnderWayPastTheThresholdIsStalledUntilItCommits() throws Exception {
        GroupCommit<Double, String> commit = sleeper(TestDatabase.url());
        try {
            assertThat(commit.submit(0.0).get(10, TimeUnit.SECONDS)).isEqualTo("committed");
            assertThat(commit.stalled(THIRTY_MS)).as("idle after a commit").isFalse();

            CompletableFuture<String> slow = commit.submit(1.0);
            await().atMost(900, TimeUnit.MILLISECONDS).pollInterval(5, TimeUnit.MILLISECONDS)
                    .until(() -> commit.stalled(THIRTY_MS));
            assertThat(slow).as("the slow batch is still under way when the stall is seen").isNotDone();
            assertThat(commit.stalled(TimeUnit.SECONDS.toNanos(30))).as("a longer threshold is not reached").isFalse();

            assertThat(slow.get(10, TimeUnit.SECONDS)).isEqualTo("committed");
            assertThat(commit.stalled(THIRTY_MS)).as("after the commit").isFalse();
        } finally {
            commit.stop();
        }
    }

    @Test
    void aLostDatabaseIsStalledWhileIdleUntilTheNextCommit() throws Exception {
        String url = TestDatabase.url();
        try (TcpProxy proxy = TcpProxy.inFrontOf(url)) {
            GroupCommit<Double, String> commit = sleeper(proxy.jdbcUrl(url));
            try {
                assertThat(commit.submit(0.0).get(10, TimeUnit.SECONDS)).isEqualTo("committed");
                proxy.cut();
                assertThat(commit.submit(0.0).get(10, TimeUnit.SECONDS)).startsWith("failed: ");
                // Nothing is under way now, yet waiting on this database is not worth it.
                assertThat(commit.stalled(TimeUnit.SECONDS.toNanos(30))).isTrue();

                proxy.restore();
                await().atMost(10, TimeUnit.SECONDS).until(() -> commit.submit(0.0).get().equals("committed"));
                assertThat(commit.stalled(THIRTY_MS)).isFalse();
            } finally {
                commit.stop();
            }
        }
    }
}
