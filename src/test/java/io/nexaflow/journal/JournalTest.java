package io.nexaflow.journal;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

class JournalTest {

    @TempDir
    Path dir;

    private static String text(byte[] b) {
        return new String(b, StandardCharsets.UTF_8);
    }

    @Test
    void whatWasAcknowledgedIsReadBackAfterARestartAndDrainsInOrderOnceTheReplaySucceeds() throws Exception {
        Journal first = new Journal(dir, 1 << 20, new SimpleMeterRegistry());
        List<CompletableFuture<Boolean>> written = List.of("a", "b", "c").stream()
                .map(s -> first.append(() -> s.getBytes(StandardCharsets.UTF_8))).toList();
        for (CompletableFuture<Boolean> w : written) {
            assertThat(w.get(10, TimeUnit.SECONDS)).isTrue();
        }
        assertThat(first.depth()).isEqualTo(3);
        assertThat(first.holdsRecords()).isTrue();
        first.stop(null);

        SimpleMeterRegistry meters = new SimpleMeterRegistry();
        Journal again = new Journal(dir, 1 << 20, meters);
        assertThat(again.readBack()).extracting(JournalTest::text).containsExactly("a", "b", "c");
        assertThat(again.depth()).isEqualTo(3);
        assertThat(meters.get("nexaflow.journal.depth").gauge().value()).isEqualTo(3.0);

        // PostgreSQL refuses twice, then takes them: nothing is deleted before it did.
        AtomicInteger attempts = new AtomicInteger();
        List<String> replayed = new CopyOnWriteArrayList<>();
        again.startDrain(records -> {
            if (attempts.incrementAndGet() <= 2) {
                return false;
            }
            records.forEach(r -> replayed.add(text(r)));
            return true;
        });
        await().atMost(Duration.ofSeconds(10)).until(() -> again.depth() == 0);
        assertThat(replayed).containsExactly("a", "b", "c");
        assertThat(again.holdsRecords()).isFalse();
        assertThat(again.oldestAgeSeconds()).isZero();
        assertThat(meters.get("nexaflow.journal.drained").counter().count()).isEqualTo(3.0);
        again.stop(null);

        Journal drained = new Journal(dir, 1 << 20, new SimpleMeterRegistry());
        assertThat(drained.readBack()).isEmpty();
        drained.stop(null);
    }

    @Test
    void aFullJournalRefusesAndSaysSo() throws Exception {
        Journal journal = new Journal(dir, 32 + 4 + 16 + 4 + 100, new SimpleMeterRegistry());
        assertThat(journal.append(() -> new byte[100]).get(10, TimeUnit.SECONDS)).isTrue();
        assertThat(journal.full()).isFalse();
        assertThat(journal.append(() -> new byte[1]).get(10, TimeUnit.SECONDS)).isFalse();
        assertThat(journal.full()).isTrue();
        assertThat(journal.depth()).isEqualTo(1);
        journal.startDrain(records -> true);
        await().atMost(Duration.ofSeconds(10)).until(() -> !journal.full() && journal.depth() == 0);
        journal.stop(null);
    }
}
