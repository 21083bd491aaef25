package io.nexaflow.commit;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.nexaflow.telemetry.Tracing;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanBuilder;
import io.opentelemetry.api.trace.SpanContext;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.context.Context;
import io.opentelemetry.context.Scope;
import org.jboss.logging.Logger;

import javax.sql.DataSource;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.function.Function;

/**
 * Group commit: callers queue writes; each writer thread takes everything queued (up to a batch), hands it to
 * the {@link BatchWriter} in one transaction, commits, and only then completes the callers' futures. Nothing is
 * answered before its row is committed. A failed batch is retried one by one, so one bad write cannot fail its
 * neighbours. Futures never complete exceptionally: a failure becomes a result made by {@code failed}.
 * <p>
 * {@link #stalled(long)} tells a caller whether waiting is worth it: the database is stalled when a batch has been
 * under way for longer than the caller's threshold and no commit at all completed in that time, or when a writer
 * lost its connection and nothing committed since. A database that is merely busy keeps committing (some writer
 * completes a batch every few milliseconds even when each takes longer), and is not stalled.
 * <p>
 * Traced when tracing is on: a write remembers the span current when it was queued, and its batch is a span of
 * its own ({@code <what> batch}) in the trace of the first sampled write and linked to each of them, under which
 * the JDBC instrumentation puts its spans.
 *
 * @param <W> what is written
 * @param <R> what each write's future completes with
 */
public final class GroupCommit<W, R> {

    private static final Logger LOG = Logger.getLogger(GroupCommit.class);

    /** Writes one batch inside an open transaction; returns one result per write, in the batch's order. */
    @FunctionalInterface
    public interface BatchWriter<W, R> {
        List<R> write(Connection connection, List<W> batch) throws Exception;
    }

    /** How the batcher is named in threads, logs and metrics ({@code <prefix>.commit}, {@code .batch.size} …). */
    public record Names(String thread, String metricPrefix, String what) {
    }

    /** Sizes: the queue bound (beyond it writes are shed), the writer threads, the largest batch. */
    public record Sizes(int queueCapacity, int writers, int maxBatch) {
    }

    private record Pending<W, R>(W write, CompletableFuture<R> done, SpanContext queuedBy) {
    }

    private static final AttributeKey<Long> BATCH_SIZE = AttributeKey.longKey("nexaflow.batch.size");

    private final DataSource dataSource;
    private final BatchWriter<W, R> writer;
    private final Function<String, R> failed;
    private final Names names;
    private final BlockingQueue<Pending<W, R>> queue;
    private final int writers;
    private final int maxBatch;
    private final List<Thread> threads = new ArrayList<>();
    /** Per writer: System.nanoTime() when it took its current batch, 0 while it waits for work. */
    private final AtomicLongArray busySince;
    private volatile boolean running;
    /** The last batch lost the database (no connection, or it broke); cleared by the next commit. */
    private volatile boolean unreachable;
    /** System.nanoTime() of the last commit of any writer (or of the start). */
    private volatile long lastCommit = System.nanoTime();

    private final Timer commits;
    private final DistributionSummary batchSizes;
    private final Counter retriedBatches;
    private final Counter shed;
    private final Tracer tracer;

    public GroupCommit(DataSource dataSource, BatchWriter<W, R> writer, Function<String, R> failed, Names names,
                       Sizes sizes, MeterRegistry meters) {
        this(dataSource, writer, failed, names, sizes, meters, Tracing.OFF);
    }

    public GroupCommit(DataSource dataSource, BatchWriter<W, R> writer, Function<String, R> failed, Names names,
                       Sizes sizes, MeterRegistry meters, Tracer tracer) {
        this.tracer = tracer;
        this.dataSource = dataSource;
        this.writer = writer;
        this.failed = failed;
        this.names = names;
        this.queue = new ArrayBlockingQueue<>(sizes.queueCapacity());
        this.writers = sizes.writers();
        this.maxBatch = sizes.maxBatch();
        this.busySince = new AtomicLongArray(sizes.writers());
        String prefix = names.metricPrefix();
        this.commits = Timer.builder(prefix + ".commit").description("One group commit of " + names.what() + "s")
                .register(meters);
        this.batchSizes = DistributionSummary.builder(prefix + ".batch.size")
                .description("Writes of " + names.what() + "s committed together").register(meters);
        this.retriedBatches = Counter.builder(prefix + ".batch.retried")
                .description("Batches that failed and were retried one by one").register(meters);
        this.shed = Counter.builder(prefix + ".shed")
                .description("Writes refused because the queue was full").register(meters);
        meters.gauge(prefix + ".queue.depth", queue, BlockingQueue::size);
    }

    public void start() {
        running = true;
        for (int i = 0; i < writers; i++) {
            int writer = i;
            Thread thread = new Thread(() -> run(writer), names.thread() + "-" + i);
            thread.start();
            threads.add(thread);
        }
    }

    /** Finishes what is queued, then stops; call it after the producers stopped. */
    public void stop() throws InterruptedException {
        running = false;
        for (Thread thread : threads) {
            thread.join(10_000);
        }
    }

    /** Queues a write; the future completes after commit (or with a failure result, never exceptionally). */
    public CompletableFuture<R> submit(W write) {
        CompletableFuture<R> done = new CompletableFuture<>();
        if (!running || !queue.offer(new Pending<>(write, done, Span.current().getSpanContext()))) {
            shed.increment();
            done.complete(failed.apply(running ? "the " + names.what() + " queue is full" : "shutting down"));
        }
        return done;
    }

    /**
     * True when waiting on this batcher is not worth it: it lost the database and has not committed since, or a
     * writer has been on one batch (connecting, writing, committing) for longer than {@code thresholdNanos} and no
     * writer committed anything in that time.
     */
    public boolean stalled(long thresholdNanos) {
        if (unreachable) {
            return true;
        }
        long now = System.nanoTime();
        if (now - lastCommit <= thresholdNanos) {
            return false;
        }
        for (int i = 0; i < busySince.length(); i++) {
            long since = busySince.get(i);
            if (since != 0 && now - since > thresholdNanos) {
                return true;
            }
        }
        return false;
    }

    private void run(int writer) {
        Connection connection = null;
        List<Pending<W, R>> batch = new ArrayList<>(maxBatch);
        while (running || !queue.isEmpty()) {
            try {
                Pending<W, R> first = queue.poll(100, TimeUnit.MILLISECONDS);
                if (first == null) {
                    continue;
                }
                busySince.set(writer, System.nanoTime() | 1);
                batch.add(first);
                queue.drainTo(batch, maxBatch - 1);
                if (connection == null || connection.isClosed()) {
                    connection = open();
                }
                Span span = batchSpan(batch);
                try (Scope current = span.makeCurrent()) {
                    connection = process(connection, batch);
                } finally {
                    span.end();
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            } catch (Exception e) {
                // Could not even get a connection: every write of this batch fails, the next batch tries again.
                LOG.errorf("%s writer cannot reach the database: %s", names.what(), e.getMessage());
                unreachable = true;
                batch.forEach(p -> p.done.complete(failed.apply("database unavailable")));
                connection = closeQuietly(connection);
                pause();
            } finally {
                busySince.set(writer, 0);
                batch.clear();
            }
        }
        closeQuietly(connection);
    }

    /** Writes a batch; on failure retries its writes one by one. Returns the connection to go on with. */
    private Connection process(Connection connection, List<Pending<W, R>> batch) throws SQLException {
        try {
            List<R> results = commits.recordCallable(() -> writer.write(connection, writes(batch)));
            connection.commit();
            lastCommit = System.nanoTime();
            unreachable = false;
            batchSizes.record(batch.size());
            for (int i = 0; i < batch.size(); i++) {
                batch.get(i).done.complete(results.get(i));
            }
            return connection;
        } catch (Exception e) {
            rollbackQuietly(connection);
            Connection usable = connection.isValid(1) ? connection : closeQuietly(connection);
            if (usable == null) {
                unreachable = true;
            }
            if (batch.size() == 1) {
                LOG.errorf("%s write failed: %s", names.what(), e.getMessage());
                batch.get(0).done.complete(failed.apply("write failed"));
                return usable;
            }
            if (usable == null) {
                // The connection died (the database went away): fail the batch now, so callers can turn elsewhere
                // at once instead of waiting behind one reconnect per write.
                LOG.errorf("%s batch failed, connection lost: %s", names.what(), e.getMessage());
                batch.forEach(p -> p.done.complete(failed.apply("database unavailable")));
                return null;
            }
            retriedBatches.increment();
            for (Pending<W, R> pending : batch) {
                if (usable == null) {
                    usable = open();
                }
                usable = process(usable, List.of(pending));
            }
            return usable;
        }
    }

    /**
     * The batch's span, linked to the sampled spans its writes were queued under, and the child of the first of
     * them, so that a sampled callback's trace always holds its write (a root span would be sampled again, at the
     * configured ratio, and mostly dropped). When none is sampled, the first unsampled one stands as the current
     * span instead of a new one: the JDBC spans under it are then dropped with it, rather than sampled as roots.
     */
    private Span batchSpan(List<Pending<W, R>> batch) {
        SpanBuilder span = null;
        SpanContext unsampled = null;
        for (Pending<W, R> pending : batch) {
            if (pending.queuedBy.isSampled()) {
                if (span == null) {
                    span = tracer.spanBuilder(names.what() + " batch")
                            .setParent(Context.root().with(Span.wrap(pending.queuedBy)))
                            .setAttribute(BATCH_SIZE, (long) batch.size());
                }
                span.addLink(pending.queuedBy);
            } else if (unsampled == null && pending.queuedBy.isValid()) {
                unsampled = pending.queuedBy;
            }
        }
        if (span != null) {
            return span.startSpan();
        }
        return unsampled == null ? Span.getInvalid() : Span.wrap(unsampled);
    }

    private static <W, R> List<W> writes(List<Pending<W, R>> batch) {
        List<W> writes = new ArrayList<>(batch.size());
        for (Pending<W, R> pending : batch) {
            writes.add(pending.write);
        }
        return writes;
    }

    private Connection open() throws SQLException {
        Connection connection = dataSource.getConnection();
        connection.setAutoCommit(false);
        return connection;
    }

    private static void rollbackQuietly(Connection connection) {
        try {
            connection.rollback();
        } catch (SQLException | RuntimeException ignored) {
            // the connection is replaced below when it is broken
        }
    }

    private static Connection closeQuietly(Connection connection) {
        if (connection != null) {
            try {
                connection.close();
            } catch (SQLException | RuntimeException ignored) {
                // already broken
            }
        }
        return null;
    }

    private static void pause() {
        try {
            Thread.sleep(200);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
