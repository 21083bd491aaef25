package io.nexaflow.journal;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.nexaflow.config.NexaflowConfig;
import io.quarkus.runtime.ShutdownEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import org.jboss.logging.Logger;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;

/**
 * A local durable journal of records that could not reach PostgreSQL in time. One writer thread takes every
 * record queued, encodes them and appends them as one frame (one synchronous write covers the group, like the
 * database's group commit); a record's future completes true once it is on disk. One drain thread hands the
 * oldest frames (up to 64 records) to a {@link Replay} and deletes them once the replay made them durable. Read
 * back at start (the constructor), so what was acknowledged before a crash is replayed after it.
 */
@ApplicationScoped
public class Journal {

    private static final Logger LOG = Logger.getLogger(Journal.class);
    private static final String FILE_NAME = "callbacks.journal";
    /** Bytes the journal file is grown to at start (when the limit allows): about 1,500 callbacks. */
    private static final int PRESIZE = 1 << 20;
    /** Most records one replay takes from the journal (several frames); 256 drained faster but cost live callbacks more. */
    private static final int DRAIN_RECORDS = 64;

    /**
     * Makes records durable elsewhere (those of one or more frames, oldest first); true when they may be deleted
     * here, false to retry later.
     */
    @FunctionalInterface
    public interface Replay {
        boolean replay(List<byte[]> records) throws Exception;
    }

    private record Pending(Supplier<byte[]> record, CompletableFuture<Boolean> written) {
    }

    /** A frame on disk, as the gauges see it. */
    private record Held(long appendedAtMillis, int records) {
    }

    private final JournalFile file;
    private final List<byte[]> readBack = new ArrayList<>();
    private final ArrayDeque<Held> held = new ArrayDeque<>();
    private final LinkedBlockingQueue<Pending> queue = new LinkedBlockingQueue<>();
    private final AtomicInteger waiting = new AtomicInteger();
    private final Counter appended;
    private final Counter drained;
    private final Counter corrupt;
    private final Counter refused;
    private final Thread writer;
    private Thread drainer;
    private volatile int depth;
    private volatile boolean full;
    private volatile boolean running = true;

    @Inject
    public Journal(NexaflowConfig config, MeterRegistry meters) {
        this(Path.of(config.journal().dir()), config.journal().maxBytes(), meters);
    }

    Journal(Path dir, long maxBytes, MeterRegistry meters) {
        this.file = open(dir, maxBytes);
        this.appended = Counter.builder("nexaflow.journal.appended")
                .description("Callbacks written to the journal").register(meters);
        this.drained = Counter.builder("nexaflow.journal.drained")
                .description("Callbacks replayed from the journal into PostgreSQL").register(meters);
        this.corrupt = Counter.builder("nexaflow.journal.corrupt")
                .description("Journal frames whose checksum did not match, skipped").register(meters);
        this.refused = Counter.builder("nexaflow.journal.refused")
                .description("Callbacks the journal refused because it was full").register(meters);
        Gauge.builder("nexaflow.journal.depth", this, Journal::depth)
                .description("Callbacks in the journal not yet drained").register(meters);
        Gauge.builder("nexaflow.journal.bytes", this, Journal::bytes)
                .description("Bytes the journal's frames take").baseUnit("bytes").register(meters);
        Gauge.builder("nexaflow.journal.oldest.age", this, Journal::oldestAgeSeconds)
                .description("Age of the oldest journaled callback (0 when empty)").baseUnit("seconds").register(meters);
        if (file != null) {
            for (JournalFile.Frame frame : file.frames()) {
                if (frame.intact()) {
                    readBack.addAll(frame.records());
                    depth += frame.records().size();
                }
                held.add(new Held(frame.appendedAtMillis(), frame.records().size()));
            }
            if (depth > 0) {
                LOG.warnf("journal holds %d callbacks from before the start; they are replayed into PostgreSQL", depth);
            } else if (held.isEmpty()) {
                probe();
            }
        }
        this.writer = new Thread(this::write, "journal-writer");
        writer.start();
    }

    /**
     * An empty frame written and removed at start: proves the directory takes synchronous writes before readiness,
     * and the first callback of an outage does not pay for the file's first write.
     */
    private void probe() {
        try {
            // One large frame, then none: tape2 grows its file by doubling, syncing each time, and never shrinks it,
            // so growing it now keeps those syncs out of the first frames of an outage.
            if (!file.append(List.of(new byte[PRESIZE]), System.currentTimeMillis())) {
                file.append(List.of(), System.currentTimeMillis());
            }
            file.removeHead();
        } catch (IOException | RuntimeException e) {
            LOG.errorf("the callback journal in its directory does not take writes (%s): callbacks get the fallback "
                    + "verb while PostgreSQL is away", e);
        }
    }

    private static JournalFile open(Path dir, long maxBytes) {
        try {
            Files.createDirectories(dir);
            return JournalFile.open(dir.resolve(FILE_NAME).toFile(), maxBytes);
        } catch (IOException | RuntimeException e) {
            // Without a journal the service still answers (the fallback verb when PostgreSQL is away), and says so.
            LOG.errorf("cannot open the callback journal in %s (%s): callbacks get the fallback verb while "
                    + "PostgreSQL is away", dir, e);
            return null;
        }
    }

    /** The records found on disk at start, oldest first (for the caller's index); each replayed by the drain. */
    public List<byte[]> readBack() {
        return List.copyOf(readBack);
    }

    /**
     * Queues a record; {@code record} is encoded on the journal's writer thread. The future completes true once
     * the record is on disk, false when it is not (journal full, unavailable or stopping); never exceptionally.
     */
    public CompletableFuture<Boolean> append(Supplier<byte[]> record) {
        CompletableFuture<Boolean> written = new CompletableFuture<>();
        if (file == null || !running) {
            written.complete(false);
            return written;
        }
        waiting.incrementAndGet();
        queue.add(new Pending(record, written));
        return written;
    }

    /** True while records are in the journal or on their way: newer writes must follow them to keep order. */
    public boolean holdsRecords() {
        return depth > 0 || waiting.get() > 0;
    }

    /** Full: the last append did not fit, and nothing was drained since. */
    public boolean full() {
        return full;
    }

    public boolean available() {
        return file != null;
    }

    public int depth() {
        return depth;
    }

    public synchronized long bytes() {
        return file == null ? 0 : file.usedBytes();
    }

    public long maxBytes() {
        return file == null ? 0 : file.maxBytes();
    }

    public synchronized double oldestAgeSeconds() {
        Held oldest = held.peek();
        return oldest == null ? 0 : Math.max(0, System.currentTimeMillis() - oldest.appendedAtMillis()) / 1000.0;
    }

    /** Starts replaying: frame after frame, oldest first, each deleted once {@code replay} made it durable. */
    public synchronized void startDrain(Replay replay) {
        if (file == null || drainer != null) {
            return;
        }
        drainer = new Thread(() -> drain(replay), "journal-drain");
        drainer.start();
    }

    private void write() {
        List<Pending> batch = new ArrayList<>();
        while (running || !queue.isEmpty()) {
            try {
                Pending first = queue.poll(100, TimeUnit.MILLISECONDS);
                if (first == null) {
                    continue;
                }
                batch.add(first);
                queue.drainTo(batch, 4095);
                appendFrame(batch);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            } finally {
                waiting.addAndGet(-batch.size());
                batch.clear();
            }
        }
    }

    private void appendFrame(List<Pending> batch) {
        List<byte[]> records = new ArrayList<>(batch.size());
        List<Pending> encoded = new ArrayList<>(batch.size());
        for (Pending pending : batch) {
            try {
                records.add(pending.record().get());
                encoded.add(pending);
            } catch (RuntimeException e) {
                LOG.errorf(e, "cannot encode a journal record; it is not journaled");
                pending.written().complete(false);
            }
        }
        boolean written;
        try {
            synchronized (this) {
                long now = System.currentTimeMillis();
                written = file.append(records, now);
                if (written) {
                    held.add(new Held(now, records.size()));
                    depth += records.size();
                } else if (!full) {
                    LOG.errorf("the journal is full (%d bytes): callbacks get the fallback verb until it drains",
                            file.usedBytes());
                }
                full = !written;
            }
        } catch (IOException | RuntimeException e) {
            LOG.errorf(e, "cannot write the journal");
            written = false;
        }
        if (written) {
            appended.increment(records.size());
        } else {
            refused.increment(records.size());
        }
        for (Pending pending : encoded) {
            pending.written().complete(written);
        }
    }

    private void drain(Replay replay) {
        while (running) {
            try {
                List<JournalFile.Frame> heads;
                synchronized (this) {
                    heads = depth > 0 || !held.isEmpty() ? file.heads(DRAIN_RECORDS) : List.of();
                }
                if (heads.isEmpty()) {
                    Thread.sleep(50);
                    continue;
                }
                JournalFile.Frame first = heads.get(0);
                if (!first.intact()) {
                    corrupt.increment();
                    LOG.errorf("journal frame of %d bytes failed its checksum (torn or damaged); skipped", first.bytes());
                    removeHead(0);
                    continue;
                }
                // Several frames at once: one replay makes them durable together, instead of a commit per frame.
                List<byte[]> records = new ArrayList<>();
                heads.forEach(frame -> records.addAll(frame.records()));
                if (replay.replay(records)) {
                    for (JournalFile.Frame frame : heads) {
                        removeHead(frame.records().size());
                    }
                    drained.increment(records.size());
                } else {
                    Thread.sleep(500);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            } catch (Exception e) {
                LOG.errorf("journal drain failed, retrying: %s", e.toString());
                try {
                    Thread.sleep(1000);
                } catch (InterruptedException interrupted) {
                    Thread.currentThread().interrupt();
                    return;
                }
            }
        }
    }

    private synchronized void removeHead(int records) throws IOException {
        file.removeHead();
        held.poll();
        depth -= records;
        full = false;
    }

    /** After the HTTP server stopped taking requests: the drain stops, what is queued is written, the file closed. */
    void stop(@Observes ShutdownEvent shutdown) throws InterruptedException {
        running = false;
        Thread drain;
        synchronized (this) {
            drain = drainer;
        }
        if (drain != null) {
            drain.join(10_000);
        }
        writer.join(10_000);
        if (file != null) {
            synchronized (this) {
                try {
                    file.close();
                } catch (IOException e) {
                    LOG.warnf("closing the journal: %s", e);
                }
            }
        }
    }

}
